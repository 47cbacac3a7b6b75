"""Deprecated: moved to ``wagtail_clinic.public_input.phone`` (removed in 0.2)."""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.public_input import phone as _phone


__all__ = ["format_phone", "normalise_phone"]  # noqa: F822 (see __getattr__)

__getattr__ = forward(__name__, _phone, __all__)
