"""The clinic's "new appointment request" email, sent as a background task.

The email names the request's reference and links to it in the admin; it
never contains what the patient wrote (name, contact details, message, or
anything else): mail providers and inboxes are not where health data should
travel. Staff sign in to read the request.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from wagtail_clinic.conf import clinic_settings


ADMIN_URL_NAME = "clinic_appointment_requests:inspect"


def notification_recipients(clinic):
    """The addresses to notify: the setting's, else the clinic's email."""
    configured = clinic_settings.APPOINTMENT_NOTIFICATION_EMAIL
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    if clinic is not None and clinic.email:
        return [clinic.email]
    return []


def admin_url(appointment_request):
    """The absolute admin URL of the request (relative without a base URL)."""
    path = reverse(ADMIN_URL_NAME, args=[appointment_request.pk])
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/") + path


def notification_message(appointment_request):
    """``(subject, body)`` of the notification: the reference and a link only."""
    reference = appointment_request.reference
    subject = _("New appointment request %(reference)s") % {"reference": reference}
    body = _(
        "A new appointment request, %(reference)s, has arrived.\n\n"
        "Sign in to read it:\n%(url)s\n\n"
        "This email deliberately contains no details of the request."
    ) % {"reference": reference, "url": admin_url(appointment_request)}
    return subject, body


@task()
def notify_clinic(appointment_request_id):
    """Email the clinic that request ``appointment_request_id`` has arrived."""
    from wagtail_clinic.models.appointments import AppointmentRequest

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
    subject, body = notification_message(appointment_request)
    return send_mail(subject, body, None, recipients)
