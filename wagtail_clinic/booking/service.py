"""Accepting an appointment request, shared by the HTML form and the API (layer 4b).

``submit_appointment_request`` validates, reads what it needs, applies the
rate limit, stores the request in one short write transaction (waiting for,
and retrying on, a busy database: ``wagtail_clinic.db``) and sends
``appointment_request_received`` inside it, whose receiver
(``booking.notifications``) schedules the clinic's email for after the
commit. Nothing is stored when anything fails, a request that is not stored
does not count against the rate limit, and nothing here logs what the
patient typed.
"""

from dataclasses import dataclass

from django.dispatch import Signal
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from wagtail_clinic.booking.models import (
    AppointmentRequest,
    RequestSource,
    new_reference,
)
from wagtail_clinic.db import (
    busy_errors_as_database_busy,
    write_with_retry,
)
from wagtail_clinic.public_input.ratelimit import count_hit, give_back_hit


RATE_LIMIT_SCOPE = "appointment-request"
RATE_LIMIT_SETTING = "APPOINTMENT_RATE_LIMIT"


@dataclass(frozen=True)
class Accepted:
    """What the patient is told: the reference (also for spam, never stored)."""

    reference: str
    stored: bool


#: Sent (``sender=AppointmentRequest``, ``appointment_request_id=…``) inside
#: the write transaction of a stored request; receivers that act on it
#: (emails, tasks) must wait for the commit (``transaction.on_commit``).
appointment_request_received = Signal()


def count_request(request, scope=RATE_LIMIT_SCOPE):
    """Count one accepted request of this client; raise if over the limit.

    Args:
        request: the HTTP request (only its keyed client hash is used).
        scope: keeps these counters apart from other forms'.

    Returns:
        A ``public_input.ratelimit.Hit``: give it back (``give_back_hit``)
        when the request is not stored after all (None when the limit is off).

    Raises:
        RateLimited: with the seconds until the window ends.
    """
    return count_hit(request, scope=scope, setting=RATE_LIMIT_SETTING)


@sensitive_variables()
def submit_appointment_request(page, form, request, source=RequestSource.FORM):
    """Validate ``form`` and store the request it holds.

    Spam (the honeypot filled in) gets the same answer as a real request,
    with a made-up reference, and nothing is stored or sent.

    Args:
        page: the (specific) ``AppointmentRequestPage`` the request is for.
        form: a bound ``AppointmentRequestForm``.
        request: the HTTP request, for the rate limit and the default clinic.
        source: ``RequestSource.FORM`` or ``RequestSource.API``.

    Returns:
        ``Accepted``; None when the form is invalid (``form.errors`` says why).

    Raises:
        RateLimited: the client has sent too many requests recently.
        DatabaseBusy: another writer kept the database locked for longer
            than ``WAGTAIL_CLINIC["DATABASE_BUSY_TIMEOUT"]``; nothing was
            stored and the rate limit was not spent.
    """
    with busy_errors_as_database_busy():
        if form.is_spam:
            count_request(request)
            return Accepted(reference=new_reference(), stored=False)
        if not form.is_valid():
            return None
        # Read everything before the write transaction: on SQLite a
        # transaction that reads first cannot wait for the write lock.
        clinic = page.get_clinic(request)
    data = form.cleaned_data
    consent_text = page.consent_statement
    privacy_notice_version = page.privacy_notice_version_label
    hit = count_request(request)

    @sensitive_variables()
    def store():
        appointment_request = AppointmentRequest(
            page=page,
            clinic=clinic,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            preferred_contact=data["preferred_contact"],
            preferred_days=list(data["preferred_days"]),
            preferred_times=list(data["preferred_times"]),
            massage_type=data["massage_type"],
            patient_status=data["patient_status"],
            message=data["message"],
            consent_given_at=timezone.now(),
            consent_text=consent_text,
            privacy_notice_version=privacy_notice_version,
            source=source,
        )
        appointment_request.save()
        appointment_request_received.send(
            sender=AppointmentRequest, appointment_request_id=appointment_request.pk
        )
        return appointment_request.reference

    try:
        reference = write_with_retry(store)
    except BaseException:
        # Not stored: the attempt does not spend the patient's quota.
        give_back_hit(hit)
        raise
    return Accepted(reference=reference, stored=True)
