"""``StructuredDataMixin``: schema.org data for a page type (layer 4b).

Page types describe themselves: ``structured_data_entities(ld, context)``
returns their entities, built with ``structured_data.entities``. Wagtail
Clinic's page types override it (see ``models.pages``); any other page that
uses the mixin is a ``WebPage``.
"""

from wagtail_clinic.structured_data.entities import (
    page_entities,
    structured_data_for_page,
)


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
