"""Chooser blocks that load everything their templates need in one query (layer 3).

Wagtail's choosers already load all values of one block in a single
``in_bulk`` query; these subclasses also bring the related rows the default
templates use (image renditions, a massage type's image, a clinic's hours), so
that the number of queries does not grow with the number of chosen items.
"""

import contextvars
import copy

from collections import defaultdict
from contextlib import contextmanager

from django.db.models import ForeignKey, Prefetch, prefetch_related_objects
from wagtail.blocks import PageChooserBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.representations import (
    api_request,
    clinic_representation,
    context_root_url,
    image_representation,
    live_page,
    page_representation,
    remember_clinic,
)
from wagtail_clinic.serialisation.schemas import (
    ClinicDetails,
    ClinicImage,
    ClinicPageLink,
)
from wagtail_clinic.serialisation.translations import (
    content_locale,
    current_content_locale,
    localized_in_bulk,
)


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


#: While ``renditions_in_one_query`` runs: the images the choosers loaded
#: without their renditions, to be completed in one query at its end.
_deferred_images = contextvars.ContextVar(
    "wagtail_clinic_deferred_images", default=None
)


@contextmanager
def renditions_in_one_query():
    """Load the renditions of every image the choosers load inside, in one query.

    Within the block, the choosers below load images (chosen images,
    massage types' and chosen pages' card images) without their renditions;
    on leaving it, the configured renditions of all of them are prefetched
    together. The API serialisation of a stream wraps the loading of its
    blocks in it, so a body costs one rendition query, not one per chooser.
    """
    images = []
    token = _deferred_images.set(images)
    try:
        yield
    finally:
        _deferred_images.reset(token)
    prefetch_renditions(images)


class PageBodyObjects:
    """What the choosers loaded while ``loading_page_body`` ran.

    Attributes:
        known_clinics: clinics loaded already, by the pk a block may hold
            (the value may be that clinic's translation in the page's locale).
        clinics: every clinic the clinic choosers handed out.
        pages: the specific pages the page choosers loaded, by the pk the
            blocks hold (the value is in the page's locale).
    """

    def __init__(self, known_clinics=()):
        if isinstance(known_clinics, dict):
            self.known_clinics = {
                pk: c for pk, c in known_clinics.items() if c is not None
            }
        else:
            self.known_clinics = {c.pk: c for c in known_clinics if c is not None}
        self.clinics = []
        self.pages = {}


#: While ``loading_page_body`` runs: a ``PageBodyObjects``.
_page_body = contextvars.ContextVar("wagtail_clinic_page_body", default=None)


def _note_pages(pages_by_id):
    loaded = _page_body.get()
    if loaded is not None:
        loaded.pages.update(pages_by_id)


@contextmanager
def loading_page_body(page, known_clinics=()):
    """Load the chosen objects of ``page``'s blocks read inside, for rendering.

    Like ``renditions_in_one_query``, and besides: the clinic choosers reuse
    ``known_clinics`` (e.g. the site's default clinic, which the clinic
    settings loaded already) and only add their opening hours, and every
    clinic they load is noted on ``page`` (``remember_clinic``), so the
    page's structured data reuses it instead of loading its hours again.
    Yields a ``PageBodyObjects``, whose ``pages`` (the chosen pages, specific)
    the body's rich text links can reuse (``expand_rich_text_in``).

    Chosen pages and snippets are shown in ``page``'s locale: each chooser
    loads their translations there (else in the default locale) in the same
    query as the objects (``content_locale``). ``known_clinics`` may be a
    dict from the pk blocks hold to the clinic to show for it.
    """
    loaded = PageBodyObjects(known_clinics)
    token = _page_body.set(loaded)
    try:
        with content_locale(page.locale_id), renditions_in_one_query():
            yield loaded
    finally:
        _page_body.reset(token)
    for clinic in loaded.clinics:
        remember_clinic(page, clinic)


def prefetch_renditions(images):
    """Prefetch the configured renditions of ``images`` (None allowed), in one query.

    Images whose renditions are loaded already are skipped.
    """
    images = [image for image in images if image is not None]
    if images:
        prefetch_related_objects(images, rendition_prefetch())


def _images_queryset():
    """Images, with their renditions unless ``renditions_in_one_query`` defers them."""
    images = get_image_model().objects.all()
    if _deferred_images.get() is None:
        images = images.prefetch_related(rendition_prefetch())
    return images


def defer_renditions(images):
    """Inside ``renditions_in_one_query``: load the renditions of ``images``
    (None allowed) with those of the chosen images, in the same query.
    Outside it, does nothing."""
    deferred = _deferred_images.get()
    if deferred is not None:
        deferred.extend(image for image in images if image is not None)


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
        objects = _images_queryset().in_bulk(ids)
        defer_renditions(objects.values())
        return _ordered(objects, values)

    def get_api_representation(self, value, context=None):
        # On its own, the image's default alt text (its description or title);
        # ImageBlock passes the editor's alt text instead.
        alt = value.default_alt_text if value is not None else ""
        return image_representation(value, alt, base=context_root_url(context))

    def api_schema(self):
        return ClinicImage | None


# Page fields that hold a card image, in order of preference.
CARD_IMAGE_FIELDS = ("image", "hero_image")


def prefetch_card_images(pages):
    """Load the card images of ``pages`` (of any types) with their renditions.

    Costs two queries per (page type, image field) pair, whatever the number
    of pages (one, plus the shared rendition query, inside
    ``renditions_in_one_query``).
    """
    groups = defaultdict(list)
    for page in pages:
        for name in CARD_IMAGE_FIELDS:
            field = next(
                (f for f in type(page)._meta.concrete_fields if f.name == name), None
            )
            if isinstance(field, ForeignKey):
                groups[(type(page), name)].append(page)
    images = _images_queryset()
    for (_, name), group in groups.items():
        prefetch_related_objects(group, Prefetch(name, queryset=images))
        defer_renditions(getattr(page, name) for page in group)


class PageLinkAPIMixin:
    """The API value of a page chooser: ``ClinicPageLink`` of a live page.

    Only live pages: a draft has no public URL and must not leak.
    """

    def get_api_representation(self, value, context=None):
        return page_representation(live_page(value), api_request(context))

    def api_schema(self):
        return ClinicPageLink | None


class SpecificPageChooserBlock(PageLinkAPIMixin, PageChooserBlock):
    """A page chooser that loads the specific pages, with their card images."""

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        objects = localized_in_bulk(
            self.model_class.objects.specific(), ids, current_content_locale()
        )
        prefetch_card_images(list({p.pk: p for p in objects.values()}.values()))
        _note_pages(objects)
        return _ordered(objects, values)

    def to_python(self, value):
        # A single value (outside a batch) is specific too.
        return self.bulk_to_python([value])[0] if value is not None else None


class MassageTypeChooserBlock(PageLinkAPIMixin, PageChooserBlock):
    """Chooses a massage-type page, loading its image and renditions in bulk."""

    def __init__(self, **kwargs):
        kwargs.setdefault("page_type", "wagtail_clinic.MassageTypePage")
        super().__init__(**kwargs)

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        pages = self.model_class.objects.select_related("image")
        if _deferred_images.get() is None:
            pages = pages.prefetch_related(rendition_prefetch("image__renditions"))
        objects = localized_in_bulk(pages, ids, current_content_locale())
        defer_renditions(page.image for page in objects.values())
        _note_pages(objects)
        return _ordered(objects, values)


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
        loaded = _page_body.get()
        known = loaded.known_clinics if loaded is not None else {}
        objects = {pk: known[pk] for pk in ids if pk in known}
        missing = [pk for pk in ids if pk not in objects]
        if missing:
            objects.update(
                localized_in_bulk(
                    self.model_class.objects.all(), missing, current_content_locale()
                )
            )
        # The hours of all of them (known and loaded) in one query.
        prefetch_related_objects(list(objects.values()), "opening_hours")
        if loaded is not None:
            loaded.clinics.extend(objects.values())
        return _ordered(objects, values)

    def get_api_representation(self, value, context=None):
        return clinic_representation(value)

    def api_schema(self):
        return ClinicDetails | None
