"""Pydantic types of the JSON values the API returns for clinic content.

They are the single source of truth for the API contract: the OpenAPI
document is generated from them, and the tests validate real output against
their JSON schemas. Class names are prefixed with ``Clinic`` because
django-ninja names OpenAPI components after classes.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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


class ClinicBookingButton(ClinicSchema):
    """Where a booking call to action sends the patient."""

    label: str
    href: str
    external: bool


ClinicToneLiteral = Literal["info", "warning", "disclaimer"]
