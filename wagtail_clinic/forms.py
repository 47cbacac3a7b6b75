"""The appointment request form, shared by the HTML page and the JSON API.

Every field is validated here, once: the API turns its JSON body into form
data and reports this form's errors field by field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail_clinic.models.appointments import (
    EMAIL_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_INPUT_MAX_LENGTH,
    ContactMethod,
    PatientStatus,
    TimeOfDay,
    Weekday,
)
from wagtail_clinic.phone import normalise_phone
from wagtail_clinic.public_input import text as text_policy


#: The honeypot's field name: a plausible one, so that bots fill it in.
HONEYPOT_FIELD = "website"

# Largest primary key a chooser value may name: bigger numbers are never
# valid ids, and some databases fail on them instead of finding nothing.
MAX_ID = 2**31 - 1

# The one text policy for what people type (``public_input.text``): no
# control characters (line breaks only in multi-line fields) and no
# invisible or direction-changing characters. Re-exported under the names
# other modules import from here.
validate_single_line = text_policy.validate_single_line
validate_text = text_policy.validate_multiline_text


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` that rejects non-ids before asking the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        # Check the length first: int() refuses strings of over 4300 digits.
        if (
            not text.isascii()
            or not text.isdigit()
            or len(text) > len(str(MAX_ID))
            or not 0 < int(text) <= MAX_ID
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


class AppointmentRequestForm(forms.Form):
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
        validators=[validate_text],
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
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    #: Fields in the order the error summary lists them.
    summary_order = [
        "name",
        "email",
        "phone",
        "preferred_contact",
        "preferred_days",
        "preferred_times",
        "massage_type",
        "patient_status",
        "message",
        "consent",
    ]

    def __init__(self, *args, massage_types=None, consent_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["massage_type"]
        if massage_types is None:
            from wagtail_clinic.models.pages import MassageTypePage

            massage_types = MassageTypePage.objects.none()
        field.queryset = massage_types
        if consent_label:
            self.fields["consent"].label = consent_label
        self.fields["website"].required = False

    @property
    def is_spam(self):
        """Whether the honeypot was filled in (checked before validation)."""
        if not self.is_bound:
            return False
        value = self.data.get(HONEYPOT_FIELD)
        return bool(value and str(value).strip())

    def _unique_in_choice_order(self, name):
        chosen = set(self.cleaned_data[name])
        return [value for value, _label in self.fields[name].choices if value in chosen]

    def clean_preferred_days(self):
        return self._unique_in_choice_order("preferred_days")

    def clean_preferred_times(self):
        return self._unique_in_choice_order("preferred_times")

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean(self):
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

    # Presentation ----------------------------------------------------------

    def error_summary(self):
        """``[(anchor id or "", message)]``: the errors, in form order.

        Anchors point at the field's input (the first option of a group),
        for the links of the error summary at the top of the form.
        """
        items = [("", message) for message in self.non_field_errors()]
        for name in self.summary_order:
            if name not in self.errors:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if bound.use_fieldset:
                anchor = f"{anchor}_0"
            items.extend((anchor, message) for message in self.errors[name])
        return items

    def field_errors(self):
        """``[(field name, code, message)]`` for API responses."""
        result = []
        for name, errors in self.errors.as_data().items():
            for error in errors:
                for message in error.messages:
                    result.append((name, error.code or "invalid", message))
        return result
