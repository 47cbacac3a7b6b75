"""``StructuredDataMixin``: schema.org data for a page type (layer 4b).

Page types describe themselves: ``structured_data_entities(ld, context)``
returns their entities, built with ``structured_data.entities``. Wagtail
Clinic's page types override it (see ``models.pages``); any other page that
uses the mixin is a ``WebPage``.
"""

from wagtail.images.models import AbstractImage
from wagtail.models import TranslatableMixin

from wagtail_clinic.models.snippets import Therapist
from wagtail_clinic.serialisation.translations import i18n_enabled, localized_in_bulk
from wagtail_clinic.structured_data.entities import (
    page_entities,
    structured_data_for_page,
)


def _shown_objects_field(field):
    related = field.related_model
    return (
        field.many_to_one
        and isinstance(related, type)
        and issubclass(related, (AbstractImage, Therapist))
    )


def _translatable(field):
    return isinstance(field.related_model, type) and issubclass(
        field.related_model, TranslatableMixin
    )


def localize_shown_objects(page, fields=None):
    """Show the snippets ``page`` chooses itself (the reviewer) in its locale.

    Each translatable key's object becomes its translation in the page's
    locale, else in the default locale (``localized_in_bulk``); the key's id
    is kept, so the page still holds what the editor chose. A key already
    loaded in the page's locale costs no query; one not loaded yet is loaded
    with its translations in one query (what reading it would cost).
    """
    if fields is None:
        fields = [
            f for f in type(page)._meta.concrete_fields if _shown_objects_field(f)
        ]
    locale_id = getattr(page, "locale_id", None)
    if locale_id is None or not i18n_enabled():
        return
    for field in fields:
        value_id = getattr(page, field.attname)
        if not _translatable(field) or value_id is None:
            continue
        if field.is_cached(page):
            current = field.get_cached_value(page)
            if current is None or current.locale_id == locale_id:
                continue
        manager = field.related_model._default_manager
        shown = localized_in_bulk(manager.all(), [value_id], locale_id).get(value_id)
        if shown is not None:
            field.set_cached_value(page, shown)


def load_shown_objects(page):
    """Load the images and therapists ``page`` chooses itself in one query.

    Its meta tags, JSON-LD and header show them (the hero image, the
    reviewer): with two or more set, one query with ``select_related``
    instead of one per foreign key. Keys loaded already are left alone.
    The therapists are then shown in the page's locale
    (``localize_shown_objects``: no query when they are in it).
    """
    fields = [
        field
        for field in type(page)._meta.concrete_fields
        if _shown_objects_field(field)
        and getattr(page, field.attname) is not None
        and not field.is_cached(page)
    ]
    if len(fields) < 2 or page.pk is None:
        localize_shown_objects(page)
        return
    names = [field.name for field in fields]
    row = (
        type(page)._base_manager.select_related(*names).only(*names).filter(pk=page.pk)
    ).first()
    for field in fields:
        # Only what the page holds (a preview may have changed a key).
        if row is not None and getattr(row, field.attname) == getattr(
            page, field.attname
        ):
            setattr(page, field.name, getattr(row, field.name))
    localize_shown_objects(page)


class StructuredDataMixin:
    """Gives a page ``get_structured_data()``: its schema.org entities.

    The default templates render them in ``<head>`` with ``{% clinic_json_ld %}``
    and the API serves them as ``structured_data``. Override to add entities::

        def get_structured_data(self, request=None, context=None):
            entities = super().get_structured_data(request, context)
            entities.append({"@context": "https://schema.org", "@type": "Event", …})
            return entities

    or override ``structured_data_entities()`` to describe the page another
    way, e.g. with ``entities.condition_page_entities(ld)``.
    """

    def get_structured_data(self, request=None, context=None):
        """The schema.org entities describing this page (see ``entities``).

        Args:
            request: the current request, or None to use the page's own site.
            context: the template context, if rendering a template.
        """
        return structured_data_for_page(self, request=request, context=context)

    def structured_data_entities(self, ld, context=None):
        """The entities of this kind of page (None items are dropped).

        Args:
            ld: the page's ``entities.LinkedData`` (its URL, site and clinic).
            context: the template context, if rendering a template.

        Returns:
            A list of entities; the default is a ``WebPage`` with the
            breadcrumb trail and the site's clinic.
        """
        return page_entities(ld)
