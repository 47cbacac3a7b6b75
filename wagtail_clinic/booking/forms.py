"""The appointment request form, shared by the HTML page and the JSON API (layer 4b).

Every field is validated here, once: the API turns its JSON body into form
data (``public_input.forms.form_data``) and reports this form's errors
field by field. The massage types offered are the page's
(``AbstractAppointmentRequestPage.get_massage_types``): the form itself
knows no page type.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from wagtail_clinic.booking.models import (
    EMAIL_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_INPUT_MAX_LENGTH,
    REQUEST_FIELDS,
    ContactMethod,
    PatientStatus,
    TimeOfDay,
    Weekday,
)
from wagtail_clinic.public_input.forms import PublicFormMixin
from wagtail_clinic.public_input.honeypot import HoneypotField
from wagtail_clinic.public_input.ids import SafeModelChoiceField
from wagtail_clinic.public_input.phone import normalise_phone
from wagtail_clinic.public_input.text import (
    validate_multiline_text,
    validate_single_line,
)


class AppointmentRequestForm(PublicFormMixin, forms.Form):
    """What a patient sends to request an appointment.

    Args:
        massage_types: a queryset of the massage types to offer (the site's
            live ones); None offers none.
        consent_label: the consent statement shown with the checkbox.
    """

    template_name = "wagtail_clinic/includes/appointment_form.html"

    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        validators=[validate_single_line],
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        validators=[validate_single_line],
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=PHONE_INPUT_MAX_LENGTH,
        validators=[validate_single_line],
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how we should contact you."),
            "invalid_choice": _("Choose email or phone."),
        },
    )
    preferred_days = forms.MultipleChoiceField(
        label=_("Which days suit you?"),
        required=False,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose any that suit you, or none if any day is fine."),
    )
    preferred_times = forms.MultipleChoiceField(
        label=_("Which times of day suit you?"),
        required=False,
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    massage_type = SafeModelChoiceField(
        label=_("Massage type"),
        required=False,
        queryset=None,
        empty_label=_("No preference / not sure"),
        error_messages={"invalid_choice": _("Choose one of the massage types listed.")},
    )
    patient_status = forms.ChoiceField(
        label=_("Have you been to the clinic before?"),
        choices=PatientStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Tell us whether you are a new or returning patient."),
            "invalid_choice": _("Choose new or returning patient."),
        },
    )
    message = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Please do not include medical details, symptoms or diagnoses here. "
            "Your therapist will ask about your health at your appointment."
        ),
    )
    consent = forms.BooleanField(
        label=_("I agree"),
        error_messages={
            "required": _(
                "Tick the box to agree, so that we can store your request and "
                "contact you."
            )
        },
    )
    # The honeypot: hidden from people and assistive technology (see the
    # template); anything typed into it marks the request as spam.
    website = HoneypotField()

    #: Fields in the order the error summary lists them.
    summary_order = [*REQUEST_FIELDS, "consent"]

    def __init__(self, *args, massage_types=None, consent_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if massage_types is None:
            massage_types = Page.objects.none()
        self.fields["massage_type"].queryset = massage_types
        if consent_label:
            self.fields["consent"].label = consent_label

    def _unique_in_choice_order(self, name):
        chosen = set(self.cleaned_data[name])
        return [value for value, _label in self.fields[name].choices if value in chosen]

    def clean_preferred_days(self):
        """The chosen days, once each, Monday first."""
        return self._unique_in_choice_order("preferred_days")

    def clean_preferred_times(self):
        """The chosen times of day, once each, morning first."""
        return self._unique_in_choice_order("preferred_times")

    def clean_email(self):
        """The address without surrounding spaces."""
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        """The number in international (E.164) form, or ""."""
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean(self):
        """Require an email address or a phone number, and the one chosen."""
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        email_ok = "email" not in self.errors
        phone_ok = "phone" not in self.errors
        method = cleaned.get("preferred_contact")
        if email_ok and phone_ok and not email and not phone:
            self.add_error(
                "email",
                ValidationError(
                    _("Enter an email address or a phone number, or both."),
                    code="contact_required",
                ),
            )
        elif method == ContactMethod.EMAIL and email_ok and not email:
            self.add_error(
                "email",
                ValidationError(
                    _(
                        "Enter your email address, or choose phone as the way to contact you."
                    ),
                    code="contact_mismatch",
                ),
            )
        elif method == ContactMethod.PHONE and phone_ok and not phone:
            self.add_error(
                "phone",
                ValidationError(
                    _(
                        "Enter your phone number, or choose email as the way to contact you."
                    ),
                    code="contact_mismatch",
                ),
            )
        return cleaned
