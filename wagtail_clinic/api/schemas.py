"""Deprecated: moved to ``wagtail_clinic.serialisation.schemas`` and
``wagtail_clinic.blocks.schemas`` (removed in 0.2).

``Documented`` moved to ``wagtail_clinic.public_input.operations``.
"""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.blocks import schemas as _block_schemas
from wagtail_clinic.public_input import operations as _operations
from wagtail_clinic.serialisation import schemas as _schemas


__all__ = [  # noqa: F822 (see __getattr__)
    "ANCHOR_DESCRIPTION",
    "RICH_TEXT_DESCRIPTION",
    "ClinicAddress",
    "ClinicBenefit",
    "ClinicBenefits",
    "ClinicBookingActionLiteral",
    "ClinicBookingButton",
    "ClinicBookingCTA",
    "ClinicCallout",
    "ClinicDetails",
    "ClinicFaq",
    "ClinicFaqItem",
    "ClinicFigure",
    "ClinicFrequency",
    "ClinicGeo",
    "ClinicHeading",
    "ClinicImage",
    "ClinicImageRendition",
    "ClinicKeyFact",
    "ClinicMassageTypeItem",
    "ClinicMassageTypes",
    "ClinicOpeningHours",
    "ClinicOutlineEntry",
    "ClinicPageLink",
    "ClinicQuote",
    "ClinicReference",
    "ClinicReferences",
    "ClinicSchema",
    "ClinicSource",
    "ClinicTherapist",
    "ClinicToneLiteral",
    "Documented",
    "block_api_schema",
    "rich_text_type",
    "stream_api_schema",
    "stream_item_type",
]

__getattr__ = forward(__name__, [_schemas, _block_schemas, _operations], __all__)
