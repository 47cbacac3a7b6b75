"""Phone numbers: normalising what patients type, formatting what they read.

A deliberately small, dependency-free subset of what ``phonenumbers`` does
(see docs/booking.md for why it is not a dependency):

* ``normalise_phone`` turns "(780) 555-0123", "780.555.0123" or
  "+1 780 555 0123" into E.164 ("+17805550123"). Numbers typed without a
  country code are assumed to be in ``WAGTAIL_CLINIC["PHONE_DEFAULT_COUNTRY_CODE"]``
  (North America, "1", by default) when they have that plan's length;
  other numbers without "+" are kept as digits.
* ``format_phone`` shows North American numbers the way people write them,
  "(780) 555-0123"; any other number is shown as the editor typed it.

Layer 1 (shared public input).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail_clinic.conf import clinic_settings


# Characters people use to group digits; anything else (letters, "ext") is
# rejected rather than silently dropped.
_SEPARATORS = re.compile(r"[\s().\-/]")
_DIGITS = re.compile(r"[0-9]+")
# North American Numbering Plan: area code and exchange start with 2-9.
_NANP = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{6}")

E164_MAX_DIGITS = 15
MIN_DIGITS = 7


def _digits(value):
    """``(has_plus, digits)`` of a typed number, or None if it is not one."""
    text = _SEPARATORS.sub("", str(value or ""))
    has_plus = text.startswith("+")
    if has_plus:
        text = text[1:]
    if not _DIGITS.fullmatch(text):
        return None
    return has_plus, text


def normalise_phone(value, default_country_code=None):
    """A typed phone number in E.164 form, or as digits when its country is unknown.

    Args:
        value: what was typed, e.g. "(780) 555-0123".
        default_country_code: the country calling code assumed for numbers
            typed without "+"; defaults to the ``PHONE_DEFAULT_COUNTRY_CODE``
            setting. Only "1" (North America) knows its numbers' length.

    Raises:
        ValidationError: the value is not a plausible phone number.
    """
    if default_country_code is None:
        default_country_code = clinic_settings.PHONE_DEFAULT_COUNTRY_CODE or ""
    parsed = _digits(value)
    invalid = ValidationError(
        _("Enter a phone number using digits, e.g. 780 555 0123."), code="invalid"
    )
    if parsed is None:
        raise invalid
    has_plus, digits = parsed
    if not has_plus and default_country_code == "1":
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) == 10:
            has_plus, digits = True, "1" + digits
    if len(digits) < MIN_DIGITS or len(digits) > E164_MAX_DIGITS:
        raise invalid
    if has_plus and digits.startswith("1") and not _NANP.fullmatch(digits[1:]):
        raise ValidationError(
            _("Enter a 10-digit North American number, e.g. 780 555 0123."),
            code="invalid",
        )
    if has_plus and digits.startswith("0"):
        raise invalid
    return f"+{digits}" if has_plus else digits


def format_phone(value):
    """A phone number for people to read.

    North American numbers ("+1 780 555 0123", "780-555-0123") become
    "(780) 555-0123"; other numbers are returned as typed (trimmed).
    """
    text = str(value or "").strip()
    parsed = _digits(text)
    if parsed is None:
        return text
    has_plus, digits = parsed
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    elif has_plus or len(digits) != 10:
        return text
    if not _NANP.fullmatch(digits):
        return text
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
