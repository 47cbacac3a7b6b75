"""Pydantic types of the blocks' API values, one per block (layer 3).

Each block's ``api_schema()`` returns its type from here; the shared types
they use (images, page links, clinics, rich text) come from
``wagtail_clinic.serialisation.schemas``. Class names are OpenAPI component
names (django-ninja names components after classes): never rename them.

The block modules import this one at the top, so every type exists before
``api.v3`` names the stream item components (``stream_item_type``).
"""

from typing import Literal

from pydantic import Field

from wagtail_clinic.serialisation.schemas import (
    ANCHOR_DESCRIPTION,
    ClinicDetails,
    ClinicImage,
    ClinicPageLink,
    ClinicSchema,
    rich_text_type,
)


ClinicToneLiteral = Literal["info", "warning", "disclaimer"]


ClinicBookingActionLiteral = Literal["book_online", "call", "request_form", "link"]


class ClinicSection(ClinicSchema):
    """Base of the values of blocks with an optional section heading.

    Not a component of its own: its fields come first in each subclass.
    """

    heading: str
    anchor: str = Field(description=ANCHOR_DESCRIPTION)


class ClinicBookingButton(ClinicSchema):
    """Where a booking call to action sends the patient."""

    label: str
    href: str
    external: bool


class ClinicHeading(ClinicSchema):
    """A section (level 2) or subsection (level 3) heading."""

    text: str
    level: Literal[2, 3]
    anchor: str = Field(
        min_length=1,
        description="The heading's id: the editor's anchor, or one made from the text.",
    )


class ClinicSource(ClinicSchema):
    """Where a figure comes from."""

    title: str
    url: str = Field(description='Link to the source, or "".')


class ClinicKeyFact(ClinicSchema):
    """A highlighted statistic, e.g. "85%" of adults…"""

    value: str
    statement: str
    source: ClinicSource | None


class ClinicMassageTypeItem(ClinicSchema):
    """One massage type of a list; a chosen page lends title and description."""

    title: str = Field(min_length=1)
    description: str = Field(
        description="The editor's description, or the chosen page's summary."
    )
    page: ClinicPageLink | None = Field(
        description="The chosen massage-type page, if it is live."
    )


class ClinicMassageTypes(ClinicSection):
    """A list of massage types that help with a condition."""

    intro: str
    items: list[ClinicMassageTypeItem]


class ClinicBenefit(ClinicSchema):
    title: str
    description: str


class ClinicBenefits(ClinicSection):
    """A list of health benefits."""

    intro: str
    items: list[ClinicBenefit]


class ClinicFrequency(ClinicSection):
    """How often to have treatment."""

    how_often: str
    note: str


class ClinicFaqItem(ClinicSchema):
    question: str
    answer: rich_text_type()


class ClinicFaq(ClinicSection):
    """Questions and answers."""

    items: list[ClinicFaqItem]


class ClinicCallout(ClinicSchema):
    """A note, warning or medical disclaimer."""

    tone: ClinicToneLiteral
    heading: str
    text: rich_text_type() = Field(
        description=(
            "Rich text in the requested `rich_text_format`. A disclaimer left "
            "blank carries the site's default disclaimer."
        )
    )


class ClinicFigure(ClinicSchema):
    """An image with its alt text and caption."""

    image: ClinicImage | None
    alt: str = Field(description='Alt text; "" when the image is decorative.')
    decorative: bool
    caption: str


class ClinicQuote(ClinicSchema):
    text: str
    attribution: str


class ClinicBookingCTA(ClinicSection):
    """A call to action to book an appointment, with the clinic inline."""

    text: str
    action: ClinicBookingActionLiteral
    clinic: ClinicDetails | None = Field(
        description="The chosen clinic, or the site's default clinic."
    )
    button: ClinicBookingButton | None = Field(
        description="The button to show; null when the action has nowhere to go."
    )
    accepting_new_patients: bool
    link_page: ClinicPageLink | None = Field(
        description="The chosen page (request form or other page), if it is live."
    )
    link_url: str


class ClinicReference(ClinicSchema):
    title: str
    url: str
    publisher: str
    year: int | None


class ClinicReferences(ClinicSection):
    """The sources an article relies on."""

    items: list[ClinicReference]


class ClinicOutlineEntry(ClinicSchema):
    """One entry of an article's table of contents."""

    level: Literal[2, 3]
    text: str
    anchor: str
