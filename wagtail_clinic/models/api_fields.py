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

A listing (API v2's ``/api/v2/pages/?type=…&fields=…``, a ``ListSerializer``)
loads what these fields need for its whole page of results at once
(``prepare_listing``), the first time one of them misses the cache: the
images with their renditions, the therapists, the locales, the objects the
bodies choose and the breadcrumb ancestors. A listing then costs the same
number of queries for 5 items or 20.
"""

from collections import defaultdict

import swapper

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey, Prefetch, prefetch_related_objects
from pydantic import Field as SchemaField
from rest_framework.fields import Field
from rest_framework.serializers import ListSerializer
from wagtail.blocks import StreamValue
from wagtail.images import get_image_model

from wagtail_clinic.blocks.choosers import (
    prefetch_card_images,
    rendition_prefetch,
    renditions_in_one_query,
)
from wagtail_clinic.blocks.schemas import ClinicOutlineEntry
from wagtail_clinic.blocks.streams import outline
from wagtail_clinic.serialisation.cache import CachedFieldMixin, cached_representation
from wagtail_clinic.serialisation.representations import (
    image_alt_text,
    image_representation,
    page_representation,
    page_root_url,
    remember_ancestors,
    therapist_representation,
)
from wagtail_clinic.serialisation.schemas import (
    ClinicImage,
    ClinicPageLink,
    ClinicSchema,
    ClinicTherapist,
)
from wagtail_clinic.serialisation.translations import (
    i18n_enabled,
    live_translations,
    locale_by_id,
)


# --- Listings: one batch per page of results -----------------------------------------

#: Set on a ``ListSerializer`` once ``prepare_listing`` has run for it.
_PREPARED_ATTR = "_wagtail_clinic_listing_prepared"


def _images_with_renditions():
    return get_image_model().objects.prefetch_related(rendition_prefetch())


def _stream_fields(serializer):
    """Names of the StreamFields a (child) serializer outputs."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return []
    names = []
    for field in serializer.fields.values():
        source = getattr(field, "source", None)
        model_field = _model_field(model, source)
        if model_field is not None and hasattr(model_field, "stream_block"):
            names.append(source)
    return names


def _model_field(model, name):
    """``model``'s field ``name``, or None (a method, ``"*"``…)."""
    try:
        return model._meta.get_field(name)
    except (FieldDoesNotExist, TypeError):
        return None


def convert_streams(stream_values):
    """Convert the blocks of several ``StreamValue``s together.

    Each block type is converted once for all the streams
    (``bulk_to_python``), so the chooser blocks load what all of them choose
    in one query per chooser, and the renditions of all their images in one
    more (``renditions_in_one_query``). Values already converted, or that
    are not lazily converted stream values, are left as they are.

    This fills Wagtail's lazy ``StreamValue`` the way its own
    ``_prefetch_blocks`` does for one stream; if a Wagtail release changes
    those internals, the streams are simply converted one by one again.
    """
    # (id of the stream block, type) -> [(stream, index, raw)]; blocks are
    # not hashable.
    pending = defaultdict(list)
    for stream in stream_values:
        raw_items = getattr(stream, "_raw_data", None)
        bound = getattr(stream, "_bound_blocks", None)
        if not isinstance(stream, StreamValue) or not isinstance(bound, list):
            continue
        if not isinstance(raw_items, list) or len(raw_items) != len(bound):
            continue
        for index, raw in enumerate(raw_items):
            if bound[index] is not None or not isinstance(raw, dict):
                continue
            if raw.get("type") in stream.stream_block.child_blocks:
                pending[(id(stream.stream_block), raw["type"])].append(
                    (stream, index, raw)
                )
    if not pending:
        return
    with renditions_in_one_query():
        for (_, type_name), items in pending.items():
            child_block = items[0][0].stream_block.child_blocks[type_name]
            values = child_block.bulk_to_python([raw["value"] for _, _, raw in items])
            for (stream, index, raw), value in zip(items, values, strict=True):
                stream._bound_blocks[index] = StreamValue.StreamChild(
                    child_block, value, id=raw.get("id")
                )


def prepare_listing(list_serializer):
    """Load what a page of API results needs, for all its pages at once.

    Args:
        list_serializer: the ``ListSerializer`` of a listing (its
            ``instance`` is the page of results, its ``child`` the page
            serializer). Runs once per serializer; pages that have loaded a
            relation already are skipped by Django's prefetching.

    Loads, whatever the number of pages: their locales; what each
    ``ClinicField`` of the serializer declares (``listing_prefetches``: e.g.
    hero images with their renditions, reviewers with their photos); the
    objects their StreamFields choose (``convert_streams``); and their
    breadcrumb ancestors (``remember_ancestors``).
    """
    if getattr(list_serializer, _PREPARED_ATTR, False):
        return
    setattr(list_serializer, _PREPARED_ATTR, True)
    instance = list_serializer.instance
    if instance is None:
        return
    pages = [page for page in instance if getattr(page, "pk", None) is not None]
    if len(pages) < 2:
        return  # Nothing to share between pages.
    child = list_serializer.child
    by_model = defaultdict(list)
    for page in pages:
        by_model[type(page)].append(page)
    fields = [f for f in child.fields.values() if isinstance(f, ClinicField)]
    for model, group in by_model.items():
        if any(f.name == "locale" for f in model._meta.concrete_fields):
            prefetch_related_objects(group, "locale")
        for field in fields:
            for lookup in field.listing_prefetches(model):
                prefetch_related_objects(group, lookup)
    convert_streams(
        getattr(page, name, None) for name in _stream_fields(child) for page in pages
    )
    remember_ancestors(pages)


class ListingBatchMixin:
    """Runs ``prepare_listing`` before a field reads its first value in a listing.

    Sits under ``CachedFieldMixin``, so it only runs when a value is not in
    the representation cache: a warm listing loads nothing in advance.
    """

    def get_attribute(self, instance):
        root = self.root
        if self.cache_representation and isinstance(root, ListSerializer):
            prepare_listing(root)
        return super().get_attribute(instance)


#: Set on a ``ListSerializer`` once ``attach_locales`` has run for it.
_LOCALES_ATTR = "_wagtail_clinic_listing_locales"


def attach_locales(list_serializer):
    """Give each page of a listing its ``Locale`` from the locale cache.

    Wagtail's serializers show every page's locale (``meta.locale``) with
    translations on: a query per page, even when every value comes from the
    representation cache. Runs once per listing, warm or cold; costs at
    most the locale cache's one query per request.
    """
    if not isinstance(list_serializer, ListSerializer) or not i18n_enabled():
        return
    if getattr(list_serializer, _LOCALES_ATTR, False):
        return
    setattr(list_serializer, _LOCALES_ATTR, True)
    missing = []
    known = {}  # The locales pages have loaded already (e.g. the first one's).
    for page in list_serializer.instance or ():
        try:
            field = type(page)._meta.get_field("locale")
        except FieldDoesNotExist:
            continue
        if field.is_cached(page):
            locale = field.get_cached_value(page)
            if locale is not None:
                known[locale.pk] = locale
        elif getattr(page, "locale_id", None):
            missing.append((field, page))
    for field, page in missing:
        locale = known.get(page.locale_id) or locale_by_id(page.locale_id)
        if locale is not None:
            field.set_cached_value(page, locale)


class ClinicField(CachedFieldMixin, ListingBatchMixin, Field):
    """A read-only field; ``request`` is the request when there is one (v2).

    Subclasses decorate ``to_representation`` with ``cached_representation``
    to keep its values in the representation cache, or set
    ``cache_representation = False``. In a listing, ``listing_prefetches``
    names what to load for all its pages at once (see ``prepare_listing``).
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        attach_locales(self.root)
        return super().get_attribute(instance)

    @property
    def request(self):
        """The request (API v2), or None (API v3)."""
        # The root serializer's context in v2; empty in v3.
        return self.context.get("request")

    def listing_prefetches(self, model):
        """Lookups for ``prefetch_related_objects`` on a listing's ``model`` pages."""
        return []


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

    def listing_prefetches(self, model):
        """The image with its renditions."""
        return [Prefetch(self.image_attr, queryset=_images_with_renditions())]

    @cached_representation
    def to_representation(self, value) -> ClinicImage | None:
        """The image and its alt text (the page's, else the image's own), or None."""
        image = getattr(value, self.image_attr)
        return image_representation(
            image,
            image_alt_text(image, getattr(value, self.alt_attr, "")),
            page_root_url(value, self.request),
        )


class TherapistField(ClinicField):
    """A therapist (e.g. the medical reviewer) as ``ClinicTherapist``."""

    def listing_prefetches(self, model):
        """The therapist, with their photo and its renditions."""
        field = _model_field(model, self.source)
        if not isinstance(field, ForeignKey):
            return []
        therapists = field.related_model.objects.all()
        photo = next(
            (f for f in field.related_model._meta.concrete_fields if f.name == "photo"),
            None,
        )
        if isinstance(photo, ForeignKey):
            therapists = therapists.prefetch_related(
                Prefetch("photo", queryset=_images_with_renditions())
            )
        return [Prefetch(self.source, queryset=therapists)]

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


class ClinicTranslation(ClinicSchema):
    """A live, public translation of a page (the page itself included)."""

    locale: str = SchemaField(description='Language code of its locale, e.g. "fr".')
    title: str
    url: str = SchemaField(description="Absolute URL of the translation.")
    id: int = SchemaField(description="Page id, for /pages/{id}/.")


class TranslationsField(ClinicField):
    """A page's live, public translations, itself included, as a list of
    ``ClinicTranslation`` ordered by language code (empty with
    ``WAGTAIL_I18N_ENABLED`` off).

    One query per page (``serialisation.translations.live_translations``);
    in a listing one query for all its pages (``listing_translations``).
    Kept in the representation cache: publishing, unpublishing or moving a
    page replaces the tokens of all its translations
    (``api.cache_invalidation``).
    """

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    @cached_representation
    def to_representation(self, value) -> list[ClinicTranslation]:
        """The translations of the page ``value``."""
        if isinstance(self.root, ListSerializer):
            pairs = listing_translations(self.root).get(value.pk)
        else:
            pairs = None
        if pairs is None:
            pairs = live_translations(value)
        translations = []
        for locale, page in pairs:
            url = page.get_full_url(self.request)
            if not url:
                continue  # Not routable (outside every site).
            translations.append(
                {
                    "locale": locale.language_code,
                    "title": page.title,
                    "url": url,
                    "id": page.pk,
                }
            )
        return translations


_TRANSLATIONS_ATTR = "_wagtail_clinic_listing_translations"


def listing_translations(list_serializer):
    """``{page id: [(Locale, page), ...]}``: ``live_translations`` of every
    live page of a listing, in one query (and the view restrictions')."""
    found = getattr(list_serializer, _TRANSLATIONS_ATTR, None)
    if found is not None:
        return found
    found = {}
    setattr(list_serializer, _TRANSLATIONS_ATTR, found)
    pages = [
        page
        for page in list_serializer.instance or ()
        if getattr(page, "pk", None) and getattr(page, "live", False)
    ]
    if not pages or not i18n_enabled():
        return found
    page_model = swapper.load_model("wagtailcore", "Page")
    rows = (
        page_model.objects.live()
        .public()
        .filter(translation_key__in={page.translation_key for page in pages})
        .exclude(pk__in=[page.pk for page in pages])
        .only(
            "id", "title", "path", "depth", "url_path", "locale_id", "translation_key"
        )
    )
    by_key = defaultdict(list)
    for row in [*pages, *rows]:
        by_key[row.translation_key].append(row)
    for page in pages:
        pairs = [
            (locale_by_id(other.locale_id), page if other.pk == page.pk else other)
            for other in by_key[page.translation_key]
        ]
        found[page.pk] = sorted(
            ((locale, other) for locale, other in pairs if locale is not None),
            key=lambda pair: pair[0].language_code,
        )
    return found
