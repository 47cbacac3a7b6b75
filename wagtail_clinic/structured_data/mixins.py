"""``StructuredDataMixin``: schema.org data for a page type (layer 4b).

Page types describe themselves: ``structured_data_entities(ld, context)``
returns their entities, built with ``structured_data.entities``. Wagtail
Clinic's page types override it (see ``models.pages``); any other page that
uses the mixin is a ``WebPage``.
"""

from wagtail.images.models import AbstractImage

from wagtail_clinic.models.snippets import Therapist
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


def load_shown_objects(page):
    """Load the images and therapists ``page`` chooses itself in one query.

    Its meta tags, JSON-LD and header show them (the hero image, the
    reviewer): with two or more set, one query with ``select_related``
    instead of one per foreign key. Keys loaded already are left alone.
    """
    fields = [
        field
        for field in type(page)._meta.concrete_fields
        if _shown_objects_field(field)
        and getattr(page, field.attname) is not None
        and not field.is_cached(page)
    ]
    if len(fields) < 2 or page.pk is None:
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
