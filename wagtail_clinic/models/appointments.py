"""Appointment requests: the request form page and the requests it stores.

Requests are health data. They live in their own model, readable only with
its own permission (never through page edit rights, unlike Wagtail's form
submissions), are never exposed by the page APIs, and are deleted after the
retention period by ``purge_appointment_requests``.
"""

import hashlib
import secrets

from django.db import IntegrityError, models, transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from wagtail_clinic.preview import HeadlessPreviewMixin


INTRO_FEATURES = ["bold", "italic", "link", "ul", "ol"]

DEFAULT_CONSENT_TEXT = _(
    "I agree that the clinic may store these details and use them to contact "
    "me about an appointment. They are deleted after a limited time."
)
DEFAULT_THANK_YOU_TEXT = _(
    "Thank you. We have received your request and will contact you soon to "
    "find a time. If you need help urgently, call us."
)

# Field limits shared by the HTML form, the JSON endpoint and the model.
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
PHONE_INPUT_MAX_LENGTH = 32
PHONE_MAX_LENGTH = 20
MESSAGE_MAX_LENGTH = 1000

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
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class Weekday(models.TextChoices):
    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")
    SATURDAY = "sat", _("Saturday")
    SUNDAY = "sun", _("Sunday")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class PatientStatus(models.TextChoices):
    NEW = "new", _("New patient")
    RETURNING = "returning", _("Returning patient")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    BOOKED = "booked", _("Booked")
    CLOSED = "closed", _("Closed")


class RequestSource(models.TextChoices):
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


class AbstractAppointmentRequestPage(HeadlessPreviewMixin, Page):
    """A page with the fixed, privacy-minded appointment request form.

    GET shows the form (``?sent=1``: the thank-you text); POST validates and
    stores an ``AppointmentRequest``, then redirects (POST-redirect-GET), so
    no patient data ever ends up in a URL.
    """

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_(
            "Shown above the form, e.g. what happens after a request and how soon "
            "the clinic answers."
        ),
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_(
            "Shown after a request is sent. Leave blank for: 'Thank you. We have "
            "received your request and will contact you soon to find a time.'"
        ),
    )
    clinic = models.ForeignKey(
        "wagtail_clinic.Clinic",
        verbose_name=_("clinic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The clinic that receives the requests. Leave blank to use the "
            "default clinic from Settings › Clinic settings."
        ),
    )
    consent_text = models.TextField(
        _("consent statement"),
        blank=True,
        max_length=1000,
        help_text=_(
            "What patients agree to with the consent checkbox. Leave blank for "
            "the built-in statement. Each request stores the text it was sent with."
        ),
    )
    privacy_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked next to the consent checkbox."),
    )
    privacy_notice_version = models.CharField(
        _("privacy notice version"),
        max_length=50,
        blank=True,
        help_text=_(
            "e.g. '2026-01'. Stored with each request. Leave blank to store a "
            "fingerprint of the consent statement instead."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
        FieldPanel("clinic"),
        MultiFieldPanel(
            [
                FieldPanel("consent_text"),
                FieldPanel("privacy_notice_page"),
                FieldPanel("privacy_notice_version"),
            ],
            heading=_("Consent and privacy"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    # Public page content only: the requests themselves are never in the API.
    api_fields = [
        APIField("intro"),
        APIField("thank_you_text"),
        APIField("consent_statement"),
        APIField("privacy_notice_version_label"),
    ]

    subpage_types = []

    class Meta:
        abstract = True

    # Content ---------------------------------------------------------------

    @property
    def consent_statement(self):
        """The consent text patients see: the page's own or the built-in one."""
        return self.consent_text or str(DEFAULT_CONSENT_TEXT)

    @property
    def privacy_notice_version_label(self):
        """The version stored with each request."""
        return self.privacy_notice_version or consent_fingerprint(
            self.consent_statement
        )

    @property
    def thank_you_message(self):
        return self.thank_you_text or ""

    def get_clinic(self, request=None):
        """The page's clinic, or the default clinic of its site."""
        if self.clinic_id is not None:
            return self.clinic
        from wagtail_clinic.models.settings import get_default_clinic

        return get_default_clinic(request)

    def get_massage_types(self, request=None):
        """The live, public massage types of this page's site, by title."""
        from wagtail_clinic.models.pages import MassageTypePage

        queryset = MassageTypePage.objects.live().public()
        site = self.get_site()
        if site is not None:
            queryset = queryset.in_site(site)
        return queryset.order_by("title").only("pk", "title", "slug")

    # Serving ---------------------------------------------------------------

    def get_form(self, data=None, request=None):
        from wagtail_clinic.forms import AppointmentRequestForm

        return AppointmentRequestForm(
            data=data,
            massage_types=self.get_massage_types(request),
            consent_label=self.consent_statement,
        )

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            return self.serve_post(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        sent = request.GET.get("sent") == "1"
        return self.render_form_page(
            request, form=None if sent else self.get_form(request=request), sent=sent
        )

    def serve_post(self, request):
        from wagtail_clinic.appointments.service import (
            DatabaseBusy,
            RateLimited,
            submit_appointment_request,
        )

        # Error reports (500 emails, Sentry) must not carry what patients typed.
        request.sensitive_post_parameters = "__ALL__"
        form = self.get_form(data=request.POST, request=request)
        try:
            outcome = submit_appointment_request(
                self, form, request, source=RequestSource.FORM
            )
        except RateLimited:
            form.add_error(
                None,
                _(
                    "We have received several requests from your connection "
                    "recently. Please try again later, or call us."
                ),
            )
            response = self.render_form_page(request, form=form, status=429)
        except DatabaseBusy as busy:
            # Nothing was stored: show the form again, as the patient filled
            # it in, so that sending it again is one click.
            form.add_error(
                None,
                _(
                    "We could not save your request just now because our "
                    "system is busy. Nothing was sent, and everything you "
                    "typed is still here: please send it again in a few "
                    "seconds."
                ),
            )
            response = self.render_form_page(request, form=form, status=503)
            response["Retry-After"] = str(busy.retry_after)
        else:
            if outcome is None:  # Invalid: show the errors.
                response = self.render_form_page(request, form=form, status=200)
            else:
                response = HttpResponseRedirect(self.get_sent_url(request))
        response["Cache-Control"] = "no-store"
        return response

    def get_sent_url(self, request):
        return (self.get_url(request) or request.path) + "?sent=1"

    def render_form_page(self, request, *, form, sent=False, status=200):
        context = self.get_context(request)
        context.update(
            form=form,
            sent=sent,
            clinic=self.get_clinic(request),
            thank_you_text=self.thank_you_message,
            default_thank_you_text=DEFAULT_THANK_YOU_TEXT,
        )
        return TemplateResponse(
            request, self.get_template(request), context, status=status
        )


class AppointmentRequestPage(AbstractAppointmentRequestPage):
    """The site's "Book an appointment" page with the request form."""

    template = "wagtail_clinic/pages/appointment_request_page.html"

    class Meta:
        verbose_name = _("appointment request page")
        verbose_name_plural = _("appointment request pages")
