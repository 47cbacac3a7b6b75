"""Chooser blocks that load everything their templates need in one query.

Wagtail's choosers already load all values of one block in a single
``in_bulk`` query; these subclasses also bring the related rows the default
templates use (image renditions, a massage type's image, a clinic's hours), so
that the number of queries does not grow with the number of chosen items.
"""

import copy

from collections import defaultdict

from django.db.models import ForeignKey, Prefetch, prefetch_related_objects
from wagtail.blocks import PageChooserBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from wagtail_clinic.api.representations import (
    api_request,
    clinic_representation,
    image_representation,
    live_page,
    page_representation,
)
from wagtail_clinic.api.schemas import ClinicDetails, ClinicImage, ClinicPageLink
from wagtail_clinic.conf import clinic_settings


def rendition_specs():
    """The filter specs of every rendition the default templates use."""
    return sorted(set(clinic_settings.RENDITIONS.values()))


def rendition_prefetch(lookup="renditions"):
    """A ``Prefetch`` of the configured renditions for ``lookup``."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(
        lookup,
        queryset=rendition_model.objects.filter(filter_spec__in=rendition_specs()),
        to_attr="prefetched_renditions",
    )


def _ordered(objects, values):
    """Return ``objects[id]`` for each id in ``values``, keeping gaps as None.

    Like Wagtail's own choosers, a repeated id gets its own copy of the object,
    so per-use attributes (such as contextual alt text) never leak between uses.
    """
    seen = set()
    result = []
    for value in values:
        obj = objects.get(value)
        if obj is not None and value in seen:
            obj = copy.copy(obj)
        seen.add(value)
        result.append(obj)
    return result


class RenditionImageChooserBlock(ImageChooserBlock):
    """An image chooser that prefetches the configured renditions."""

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        objects = (
            get_image_model()
            .objects.prefetch_related(rendition_prefetch())
            .in_bulk(ids)
        )
        return _ordered(objects, values)

    def get_api_representation(self, value, context=None):
        # On its own, the image's default alt text (its description or title);
        # ImageBlock passes the editor's alt text instead.
        alt = value.default_alt_text if value is not None else ""
        return image_representation(value, alt)

    def api_schema(self):
        return ClinicImage | None


# Page fields that hold a card image, in order of preference.
CARD_IMAGE_FIELDS = ("image", "hero_image")


def prefetch_card_images(pages):
    """Load the card images of ``pages`` (of any types) with their renditions.

    Costs two queries per (page type, image field) pair, whatever the number
    of pages.
    """
    groups = defaultdict(list)
    for page in pages:
        for name in CARD_IMAGE_FIELDS:
            field = next(
                (f for f in type(page)._meta.concrete_fields if f.name == name), None
            )
            if isinstance(field, ForeignKey):
                groups[(type(page), name)].append(page)
    images = get_image_model().objects.prefetch_related(rendition_prefetch())
    for (_, name), group in groups.items():
        prefetch_related_objects(group, Prefetch(name, queryset=images))


class SpecificPageChooserBlock(PageChooserBlock):
    """A page chooser that loads the specific pages, with their card images."""

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        pages = list(self.model_class.objects.filter(pk__in=ids).specific())
        prefetch_card_images(pages)
        return _ordered({page.pk: page for page in pages}, values)

    def to_python(self, value):
        # A single value (outside a batch) is specific too.
        return self.bulk_to_python([value])[0] if value is not None else None

    def get_api_representation(self, value, context=None):
        # Only live pages: a draft has no public URL and must not leak.
        return page_representation(live_page(value), api_request(context))

    def api_schema(self):
        return ClinicPageLink | None


class MassageTypeChooserBlock(PageChooserBlock):
    """Chooses a massage-type page, loading its image and renditions in bulk."""

    def __init__(self, **kwargs):
        kwargs.setdefault("page_type", "wagtail_clinic.MassageTypePage")
        super().__init__(**kwargs)

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        objects = (
            self.model_class.objects.select_related("image")
            .prefetch_related(rendition_prefetch("image__renditions"))
            .in_bulk(ids)
        )
        return _ordered(objects, values)

    def get_api_representation(self, value, context=None):
        # Only live pages: a draft has no public URL and must not leak.
        return page_representation(live_page(value), api_request(context))

    def api_schema(self):
        return ClinicPageLink | None


class ClinicChooserBlock(SnippetChooserBlock):
    """Chooses a clinic, loading its opening hours in the same batch."""

    def __init__(self, **kwargs):
        super().__init__("wagtail_clinic.Clinic", **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        # The target model is fixed by this class, so migrations need not store it.
        return path, (), kwargs

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        objects = self.model_class.objects.prefetch_related("opening_hours").in_bulk(
            ids
        )
        return _ordered(objects, values)

    def get_api_representation(self, value, context=None):
        return clinic_representation(value)

    def api_schema(self):
        return ClinicDetails | None
