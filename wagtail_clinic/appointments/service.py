"""Accepting an appointment request, shared by the HTML form and the API.

``submit_appointment_request`` validates, reads what it needs, applies the
rate limit, stores the request in one short write transaction (waiting for,
and retrying on, a busy database: ``wagtail_clinic.db``) and schedules the
clinic's notification for after the commit. Nothing is stored when anything
fails, a request that is not stored does not count against the rate limit,
and nothing here logs what the patient typed.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from wagtail_clinic.antispam import give_back_hit
from wagtail_clinic.appointments.notifications import notify_clinic
from wagtail_clinic.appointments.ratelimit import RateLimited, count_request
from wagtail_clinic.db import (
    DatabaseBusy,
    busy_errors_as_database_busy,
    write_with_retry,
)
from wagtail_clinic.models.appointments import (
    AppointmentRequest,
    RequestSource,
    new_reference,
)


__all__ = ["Accepted", "DatabaseBusy", "RateLimited", "submit_appointment_request"]


@dataclass(frozen=True)
class Accepted:
    """What the patient is told: the reference (also for spam, never stored)."""

    reference: str
    stored: bool


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
        ``Accepted``, or None when the form is invalid (see ``form.errors``).

    Raises:
        RateLimited: the client has sent too many requests recently.
        DatabaseBusy: the database stayed busy (locked by another writer)
            for longer than ``WAGTAIL_CLINIC["DATABASE_BUSY_TIMEOUT"]``;
            nothing was stored and the rate limit was not spent.
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
        pk = appointment_request.pk
        # robust: the request is stored; a failing queue must not turn that
        # into an error page (and a patient sending it twice).
        transaction.on_commit(lambda: notify_clinic.enqueue(pk), robust=True)
        return appointment_request.reference

    try:
        reference = write_with_retry(store)
    except BaseException:
        # Not stored: the attempt does not spend the patient's quota.
        give_back_hit(hit)
        raise
    return Accepted(reference=reference, stored=True)
