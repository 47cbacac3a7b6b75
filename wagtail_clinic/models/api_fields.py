"""Serializer fields for the pages' ``api_fields``, typed for API v2 and v3 (layer 4b).

Each field's ``to_representation`` is annotated with the type it returns, so
Wagtail's v3 API (which wraps ``APIField(serializer=…)`` fields) puts that
type in its OpenAPI document and validates the output against it; API v2
uses the same fields as ordinary DRF fields.

In v3 these serializers get no context at all (no request), so nothing here
needs one: page URLs are built from the cached site root paths instead.

The values of live pages are kept in the representation cache (see
``serialisation.cache``): a field's ``to_representation`` decorated with
``cached_representation`` runs once per page, revision and content change.
"""

from rest_framework.fields import Field

from wagtail_clinic.blocks.choosers import prefetch_card_images
from wagtail_clinic.blocks.schemas import ClinicOutlineEntry
from wagtail_clinic.blocks.streams import outline
from wagtail_clinic.serialisation.cache import CachedFieldMixin, cached_representation
from wagtail_clinic.serialisation.representations import (
    image_representation,
    page_representation,
    therapist_representation,
)
from wagtail_clinic.serialisation.schemas import (
    ClinicImage,
    ClinicPageLink,
    ClinicTherapist,
)


class ClinicField(CachedFieldMixin, Field):
    """A read-only field; ``request`` is the request when there is one (v2).

    Subclasses decorate ``to_representation`` with ``cached_representation``
    to keep its values in the representation cache, or set
    ``cache_representation = False``.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    @property
    def request(self):
        """The request (API v2), or None (API v3)."""
        # The root serializer's context in v2; empty in v3.
        return self.context.get("request")


class PageImageField(ClinicField):
    """A page's image with its alt text field, as ``ClinicImage``.

    Args:
        image_attr: the page's image foreign key, e.g. ``"hero_image"``.
        alt_attr: the page field holding the image's alt text.
    """

    def __init__(self, image_attr, alt_attr, **kwargs):
        self.image_attr = image_attr
        self.alt_attr = alt_attr
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    @cached_representation
    def to_representation(self, value) -> ClinicImage | None:
        """The image and its alt text, or None."""
        return image_representation(
            getattr(value, self.image_attr), getattr(value, self.alt_attr, "")
        )


class TherapistField(ClinicField):
    """A therapist (e.g. the medical reviewer) as ``ClinicTherapist``."""

    @cached_representation
    def to_representation(self, value) -> ClinicTherapist:
        """The therapist, or None."""
        return therapist_representation(value)


class PageLinksField(ClinicField):
    """Related pages (a many-to-many relation) as a list of ``ClinicPageLink``.

    Only live pages are listed, by title. Their card images are loaded in
    one batch, so the cost does not grow with the number of pages.
    """

    @cached_representation
    def to_representation(self, value) -> list[ClinicPageLink]:
        """The live related pages, by title."""
        pages = sorted((page for page in value.all() if page.live), key=_title)
        prefetch_card_images(pages)
        return [page_representation(page, self.request) for page in pages]


def _title(page):
    return page.title


class StringListField(ClinicField):
    """A list of strings, e.g. ``alternate_names``."""

    cache_representation = False

    def to_representation(self, value) -> list[str]:
        """The items as strings."""
        return [str(item) for item in value]


class IntegerListField(ClinicField):
    """A list of integers, e.g. session lengths in minutes."""

    cache_representation = False

    def to_representation(self, value) -> list[int]:
        """The items as integers."""
        return [int(item) for item in value]


class OutlineField(ClinicField):
    """The table of contents of a body: its section headings, in order."""

    @cached_representation
    def to_representation(self, value) -> list[ClinicOutlineEntry]:
        """The body's section headings."""
        return [
            {"level": entry.level, "text": str(entry.text), "anchor": entry.anchor}
            for entry in outline(value)
        ]
