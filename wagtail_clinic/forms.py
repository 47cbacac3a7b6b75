"""Deprecated: moved to ``wagtail_clinic.booking.forms`` and ``public_input`` (removed in 0.2).

``AppointmentRequestForm`` → ``booking.forms``; ``HONEYPOT_FIELD`` →
``public_input.honeypot``; ``SafeModelChoiceField`` and ``MAX_ID`` (now
``MAX_PAGE_ID``) → ``public_input.ids``; ``validate_single_line`` and
``validate_text`` (now ``validate_multiline_text``) → ``public_input.text``.
"""

from types import SimpleNamespace

from wagtail_clinic._deprecation import forward
from wagtail_clinic.booking import forms as booking_forms
from wagtail_clinic.public_input import honeypot, ids, text


# The names that changed: the warning names the new one.
_renamed = (
    SimpleNamespace(__name__=f"{ids.__name__} as MAX_PAGE_ID", MAX_ID=ids.MAX_PAGE_ID),
    SimpleNamespace(
        __name__=f"{text.__name__} as validate_multiline_text",
        validate_text=text.validate_multiline_text,
    ),
)

__all__ = [  # noqa: F822 (see __getattr__)
    "HONEYPOT_FIELD",
    "MAX_ID",
    "AppointmentRequestForm",
    "SafeModelChoiceField",
    "validate_single_line",
    "validate_text",
]

__getattr__ = forward(
    __name__, (honeypot, ids, text, *_renamed, booking_forms), __all__
)
