"""Appointment requests, the data: the ``AppointmentRequest`` model (layer 4a).

Requests are health data. They live in their own model, readable only with
its own permission (never through page edit rights, unlike Wagtail's form
submissions), are never exposed by the page APIs, and are deleted after the
retention period by ``purge_appointment_requests``.

Also here: the field limits and choices that the form, the JSON endpoint
and the admin share (``REQUEST_FIELDS``: what a patient fills in), and
``consent_fingerprint``. The page type with the form is in
``wagtail_clinic.booking.pages``.
"""

import hashlib
import secrets

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


# Field limits shared by the HTML form, the JSON endpoint and the model.
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
PHONE_INPUT_MAX_LENGTH = 32
PHONE_MAX_LENGTH = 20
MESSAGE_MAX_LENGTH = 1000

#: The fields a patient fills in, in form order: the form's error summary
#: and the admin's inspect view list them in this order.
REQUEST_FIELDS = [
    "name",
    "email",
    "phone",
    "preferred_contact",
    "preferred_days",
    "preferred_times",
    "massage_type",
    "patient_status",
    "message",
]

REFERENCE_PREFIX = "AR-"
# No 0/O, 1/I/L: a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference():
    """A random, unguessable reference such as "AR-7K3M9Q2P"."""
    return REFERENCE_PREFIX + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)
    )


class ContactMethod(models.TextChoices):
    """How the patient wants to be contacted."""

    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class Weekday(models.TextChoices):
    """A day of the week a patient may prefer."""

    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")
    SATURDAY = "sat", _("Saturday")
    SUNDAY = "sun", _("Sunday")


class TimeOfDay(models.TextChoices):
    """A time of day a patient may prefer."""

    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class PatientStatus(models.TextChoices):
    """Whether the patient has been to the clinic before."""

    NEW = "new", _("New patient")
    RETURNING = "returning", _("Returning patient")


class RequestStatus(models.TextChoices):
    """Where staff are with a request."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    BOOKED = "booked", _("Booked")
    CLOSED = "closed", _("Closed")


class RequestSource(models.TextChoices):
    """The channel a request came through."""

    FORM = "form", _("Web form")
    API = "api", _("API")


def _labels(choices, values):
    labels = dict(choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])


class AppointmentRequest(models.Model):
    """One patient's request for an appointment.

    ``__str__`` is the reference only: it is what admin history, audit log
    entries and notification emails show, so it must carry no patient data.
    """

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, editable=False
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("request page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    clinic = models.ForeignKey(
        "wagtail_clinic.Clinic",
        verbose_name=_("clinic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment_requests",
        editable=False,
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, editable=False)
    email = models.EmailField(
        _("email"), max_length=EMAIL_MAX_LENGTH, blank=True, editable=False
    )
    phone = models.CharField(
        _("phone"),
        max_length=PHONE_MAX_LENGTH,
        blank=True,
        editable=False,
        help_text=_("In international (E.164) form, e.g. +17805550123."),
    )
    preferred_contact = models.CharField(
        _("preferred contact method"),
        max_length=10,
        choices=ContactMethod.choices,
        editable=False,
    )
    preferred_days = models.JSONField(
        _("preferred days"), default=list, blank=True, editable=False
    )
    preferred_times = models.JSONField(
        _("preferred times"), default=list, blank=True, editable=False
    )
    massage_type = models.ForeignKey(
        "wagtail_clinic.MassageTypePage",
        verbose_name=_("massage type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    patient_status = models.CharField(
        _("new or returning"),
        max_length=10,
        choices=PatientStatus.choices,
        editable=False,
    )
    message = models.TextField(
        _("message"), max_length=MESSAGE_MAX_LENGTH, blank=True, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
        db_index=True,
    )
    consent_given_at = models.DateTimeField(_("consent given at"), editable=False)
    consent_text = models.TextField(
        _("consent text"),
        editable=False,
        help_text=_("The consent statement the patient agreed to, word for word."),
    )
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=80, blank=True, editable=False
    )
    source = models.CharField(
        _("received through"),
        max_length=10,
        choices=RequestSource.choices,
        default=RequestSource.FORM,
        editable=False,
    )
    created_at = models.DateTimeField(
        _("received at"), default=timezone.now, db_index=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        ordering = ["-created_at", "-pk"]
        # No "add": requests only come from patients. "export" is separate
        # from "view" so a clinic can let staff read requests without
        # letting them download all of them.
        default_permissions = ("view", "change", "delete")
        permissions = [
            ("export_appointmentrequest", _("Can export appointment requests")),
        ]

    def __str__(self):
        return str(
            format_lazy(_("Appointment request {reference}"), reference=self.reference)
        )

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # A clash is astronomically unlikely (31^8 references), but retry
        # rather than fail the patient's request if it happens.
        for attempt in range(5):
            self.reference = new_reference()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if attempt == 4 or not self._reference_taken():
                    raise
        return None  # pragma: no cover

    def _reference_taken(self):
        return type(self).objects.filter(reference=self.reference).exists()

    @property
    def clinic_name(self):
        return self.clinic.name if self.clinic is not None else ""

    @property
    def massage_type_title(self):
        return self.massage_type.title if self.massage_type is not None else ""

    def get_preferred_days_display(self):
        return _labels(Weekday.choices, self.preferred_days) or "-"

    def get_preferred_times_display(self):
        return _labels(TimeOfDay.choices, self.preferred_times) or "-"


def consent_fingerprint(text):
    """A short, stable version id for a consent text the editor did not version."""
    digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"
