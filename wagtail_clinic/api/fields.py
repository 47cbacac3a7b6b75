"""Deprecated: moved to ``wagtail_clinic.models.api_fields`` (removed in 0.2)."""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.models import api_fields


__getattr__ = forward(
    __name__,
    api_fields,
    [
        "ClinicField",
        "IntegerListField",
        "OutlineField",
        "PageImageField",
        "PageLinksField",
        "StringListField",
        "TherapistField",
    ],
)
