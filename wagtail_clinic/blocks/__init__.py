"""StreamField blocks of wagtail-clinic (layer 3).

Every block works on its own in a host site's StreamField::

    from wagtail_clinic.blocks import BookingCTABlock, KeyFactBlock

    body = StreamField([("key_fact", KeyFactBlock()), ("booking_cta", BookingCTABlock())])

The block modules import only ``wagtail_clinic.serialisation`` (layer 2),
``wagtail_clinic.public_input``, ``wagtail_clinic.conf`` and each other:
never the models or the HTTP API. Besides the blocks, this package holds
their API value types (``schemas``), the booking links they resolve
(``booking``) and the numbered citations of a page (``citations``).
"""

from .choosers import (
    ClinicChooserBlock,
    MassageTypeChooserBlock,
    RenditionImageChooserBlock,
    SpecificPageChooserBlock,
)
from .clinic import BookingCTABlock, MassageTypeItemBlock, MassageTypesBlock
from .content import (
    BatchedRichTextBlock,
    BenefitItemBlock,
    BenefitsBlock,
    CalloutBlock,
    FaqBlock,
    FaqItemBlock,
    FrequencyBlock,
    HeadingBlock,
    ImageBlock,
    KeyFactBlock,
    ParagraphBlock,
    QuoteBlock,
    ReferenceItemBlock,
    ReferencesBlock,
)
from .streams import (
    ArticleStreamBlock,
    MassageTypeStreamBlock,
    OutlineValidationMixin,
    StreamAPIMixin,
    outline,
)


__all__ = [
    "ArticleStreamBlock",
    "BatchedRichTextBlock",
    "BenefitItemBlock",
    "BenefitsBlock",
    "BookingCTABlock",
    "CalloutBlock",
    "ClinicChooserBlock",
    "FaqBlock",
    "FaqItemBlock",
    "FrequencyBlock",
    "HeadingBlock",
    "ImageBlock",
    "KeyFactBlock",
    "MassageTypeChooserBlock",
    "MassageTypeItemBlock",
    "MassageTypeStreamBlock",
    "MassageTypesBlock",
    "OutlineValidationMixin",
    "ParagraphBlock",
    "QuoteBlock",
    "ReferenceItemBlock",
    "ReferencesBlock",
    "RenditionImageChooserBlock",
    "SpecificPageChooserBlock",
    "StreamAPIMixin",
    "outline",
]
