"""Pydantic types of the JSON values the API returns for clinic content (layer 2).

They are the single source of truth for the API contract: the OpenAPI
document is generated from them, and the tests validate real output against
their JSON schemas. Class names are prefixed with ``Clinic`` because
django-ninja names OpenAPI components after classes.

This module holds the shared types (images, page links, clinics,
therapists, rich text) and the types of streams (``stream_api_schema``,
``block_api_schema``); each block's own value type sits beside the block,
in ``wagtail_clinic.blocks.schemas``.
"""

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model


class ClinicSchema(BaseModel):
    """Base of every clinic API type: unknown keys are a contract violation."""

    model_config = ConfigDict(extra="forbid")


class ClinicImageRendition(ClinicSchema):
    """One resized version of an image."""

    url: str = Field(description="Absolute URL of the resized image.")
    width: int
    height: int


class ClinicImage(ClinicSchema):
    """An image, with the alt text to use and the configured renditions."""

    id: int
    title: str
    alt: str = Field(description='Alt text to use; "" for a decorative image.')
    width: int
    height: int
    url: str = Field(description="Absolute URL of the original file.")
    renditions: dict[str, ClinicImageRendition] = Field(
        description='Renditions by purpose, as set in WAGTAIL_CLINIC["RENDITIONS"].'
    )


class ClinicPageLink(ClinicSchema):
    """A page chosen in content, with what a card or link needs."""

    id: int
    type: str = Field(
        description='Page model label, e.g. "wagtail_clinic.MassageTypePage".'
    )
    title: str
    url: str = Field(description="Absolute URL of the page.")
    path: str = Field(
        description="URL path of the page within its site, e.g. /conditions/back-pain/."
    )
    summary: str
    image: ClinicImage | None


class ClinicAddress(ClinicSchema):
    street_address: str
    locality: str
    region: str
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, or empty.")


class ClinicGeo(ClinicSchema):
    latitude: float
    longitude: float


class ClinicOpeningHours(ClinicSchema):
    weekday: int = Field(ge=1, le=7, description="ISO weekday: 1 is Monday.")
    day: str = Field(description="The weekday's name in the active language.")
    opens: str = Field(description="24-hour time, HH:MM.")
    closes: str = Field(description="24-hour time, HH:MM.")


class ClinicDetails(ClinicSchema):
    """A clinic, inline wherever content refers to it."""

    id: int
    name: str
    phone: str
    tel_href: str = Field(description='The phone as a "tel:" URL, or "".')
    email: str
    booking_url: str
    accepting_new_patients: bool
    service_area: str
    address: ClinicAddress
    geo: ClinicGeo | None
    opening_hours: list[ClinicOpeningHours]


class ClinicTherapist(ClinicSchema):
    """A therapist, e.g. an article's medical reviewer."""

    id: int
    name: str
    credentials: str
    display_name: str
    registration_number: str
    photo: ClinicImage | None


RICH_TEXT_DESCRIPTION = (
    "Rich text in the requested `rich_text_format`: db_html (the default, or "
    "WAGTAILAPI_RICH_TEXT_FORMAT), html (links resolved), db_markdown or markdown."
)


def rich_text_type(features=None):
    """The type of a rich text value: a string, with its editor features.

    Args:
        features: the rich text features the editor allows, published as
            ``x-rich-text-features`` like Wagtail's v3 ``RichTextField``.
    """
    extra = {"x-rich-text-features": list(features)} if features is not None else None
    return Annotated[
        str, Field(description=RICH_TEXT_DESCRIPTION, json_schema_extra=extra)
    ]


ANCHOR_DESCRIPTION = (
    'The id of the section heading, for #links and the outline; "" when the '
    "block has no heading."
)


# Stream items: {type, value, id}, discriminated on ``type``.

_stream_item_types = {}


def _schema_class_names(cls=ClinicSchema):
    names = {cls.__name__}
    for subclass in cls.__subclasses__():
        names |= _schema_class_names(subclass)
    return names


def stream_item_type(name, value_type):
    """The pydantic type of one stream item: ``{type: name, value, id}``.

    Item types are shared by every stream with the same child name and value
    type (the article and massage-type bodies share ``ClinicHeadingBlock``),
    and named ``Clinic<Name>Block``; a host stream that reuses a name for
    another value type gets a numbered name, so OpenAPI components (named
    after classes) never shadow each other.
    """
    key = (name, repr(value_type))
    if key not in _stream_item_types:
        camel = "".join(part.capitalize() for part in name.split("_"))
        taken = _schema_class_names()
        class_name, number = f"Clinic{camel}Block", 2
        while class_name in taken:
            class_name, number = f"Clinic{camel}Block{number}", number + 1
        _stream_item_types[key] = create_model(
            class_name,
            __base__=ClinicSchema,
            __doc__=f"A {name!r} block of a stream.",
            type=(Literal[name], ...),
            value=(value_type, ...),
            id=(str, Field(description="The block's unique id (a UUID).")),
        )
    return _stream_item_types[key]


def stream_api_schema(stream_block):
    """The type of a StreamBlock's API value: a list of discriminated items.

    Args:
        stream_block: any ``StreamBlock``; each child's type comes from
            ``block_api_schema``.
    """
    items = tuple(
        stream_item_type(name, block_api_schema(child))
        for name, child in stream_block.child_blocks.items()
    )
    if not items:
        return list[Any]
    if len(items) == 1:
        return list[items[0]]
    return list[Annotated[Union[items], Field(discriminator="type")]]  # noqa: UP007


def block_api_schema(block):
    """The declared type of ``block``'s API value.

    Our blocks declare it with ``api_schema()``. For Wagtail's own blocks
    (in a host's stream) it follows their default output: streams and lists
    recursively, plain field blocks as their scalar type, anything else (such
    as a StructBlock or a chooser of a host's model) as ``Any``.
    """
    api_schema = getattr(block, "api_schema", None)
    if callable(api_schema):
        return api_schema()

    from wagtail import blocks
    from wagtail.blocks.field_block import ChooserBlock

    if isinstance(block, blocks.StreamBlock):
        return stream_api_schema(block)
    if isinstance(block, blocks.ListBlock):
        return list[block_api_schema(block.child_block)]
    if isinstance(block, blocks.RichTextBlock):
        return rich_text_type(block.features)
    if isinstance(block, ChooserBlock):
        return int | None
    scalars = (
        ((blocks.CharBlock, blocks.TextBlock, blocks.URLBlock, blocks.EmailBlock), str),
        ((blocks.BooleanBlock,), bool),
        ((blocks.IntegerBlock,), int),
        ((blocks.FloatBlock,), float),
    )
    for classes, python_type in scalars:
        if isinstance(block, classes):
            return python_type | None
    return Any
