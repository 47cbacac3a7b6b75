"""The clinic's "new appointment request" email, sent as a background task (layer 5).

The email names the request's reference and links to it in the admin; it
never contains what the patient wrote (name, contact details, message, or
anything else): mail providers and inboxes are not where health data should
travel. Staff sign in to read the request. It is written in the site's
``LANGUAGE_CODE``, whatever language the patient used.

``on_appointment_request_received`` enqueues ``notify_clinic`` after the
request's transaction commits; ``connect_signals()`` (called once by
``WagtailClinicAppConfig.ready()``) connects it to
``booking.service.appointment_request_received``.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from wagtail_clinic.booking.models import AppointmentRequest
from wagtail_clinic.booking.service import appointment_request_received
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.representations import absolute_url


ADMIN_URL_NAME = "clinic_appointment_requests:inspect"
DISPATCH_UID = "wagtail_clinic.booking.notifications"


def notification_recipients(clinic):
    """The addresses to notify: the setting's, else the clinic's email.

    Args:
        clinic: the request's clinic, or None.
    """
    configured = clinic_settings.APPOINTMENT_NOTIFICATION_EMAIL
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    if clinic is not None and clinic.email:
        return [clinic.email]
    return []


def admin_url(appointment_request):
    """The absolute admin URL of the request (relative without a base URL)."""
    return absolute_url(reverse(ADMIN_URL_NAME, args=[appointment_request.pk]))


def notification_message(appointment_request):
    """``(subject, body)`` of the notification: the reference and a link only."""
    values = {
        "reference": appointment_request.reference,
        "url": admin_url(appointment_request),
    }
    return (
        _("New appointment request %(reference)s") % values,
        _(
            "A new appointment request, %(reference)s, has arrived.\n\n"
            "Sign in to read it:\n%(url)s\n\n"
            "This email deliberately contains no details of the request."
        )
        % values,
    )


@task()
def notify_clinic(appointment_request_id):
    """Email the clinic that request ``appointment_request_id`` has arrived.

    Returns:
        The number of emails sent (0 if the request was deleted before the
        task ran, or nobody is to be told).
    """
    appointment_request = (
        AppointmentRequest.objects.select_related("clinic")
        .only("pk", "reference", "clinic__email")
        .filter(pk=appointment_request_id)
        .first()
    )
    if appointment_request is None:  # Deleted before the task ran.
        return 0
    recipients = notification_recipients(appointment_request.clinic)
    if not recipients:
        return 0
    # Staff read the site's language, not the patient's (who may have
    # written in another): the same whichever task backend runs this.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = notification_message(appointment_request)
    return send_mail(subject, body, None, recipients)


def on_appointment_request_received(sender, appointment_request_id, **kwargs):
    """Enqueue ``notify_clinic`` once the stored request is committed.

    ``robust``: the request is stored; a failing queue must not turn that
    into an error page (and a patient sending it twice).
    """
    transaction.on_commit(
        lambda: notify_clinic.enqueue(appointment_request_id), robust=True
    )


def connect_signals():
    """Connect the receiver (``AppConfig.ready()``; safe to call twice)."""
    appointment_request_received.connect(
        on_appointment_request_received, dispatch_uid=DISPATCH_UID
    )
