"""Deprecated: moved to ``wagtail_clinic.structured_data.fields`` (removed in 0.2)."""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.structured_data import fields


__getattr__ = forward(__name__, fields, ["StructuredDataField"])
