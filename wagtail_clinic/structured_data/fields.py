"""The ``structured_data`` API field: a page's schema.org entities (layer 4b).

Declare it in a page's ``api_fields``::

    from wagtail.api import APIField
    from wagtail_clinic.structured_data.fields import StructuredDataField

    api_fields = [..., APIField("structured_data", serializer=StructuredDataField())]

The value is the list of entities the page's HTML embeds in its
``<script type="application/ld+json">``: each has its own ``@context``, so a
frontend can serialise the list as is (escaping ``<``, ``>`` and ``&``).
"""

from typing import Any

from rest_framework.fields import Field

from wagtail_clinic.serialisation.cache import CachedFieldMixin, cached_representation
from wagtail_clinic.structured_data.entities import structured_data_for_page


class StructuredDataField(CachedFieldMixin, Field):
    """The page's ``get_structured_data()`` (any page: a ``WebPage`` at least).

    Works in API v2 (with the request's site) and v3 (no request: the page's
    own site and its default clinic). Live pages' values are kept in the
    representation cache.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    @cached_representation
    def to_representation(self, page) -> list[dict[str, Any]]:
        """The entities of ``page``, in the request's site when there is one."""
        # API v2 passes DRF's Request: it proxies Django's, and Wagtail's
        # per-request caches (site, settings, root paths) live on it.
        request = self.context.get("request")
        if hasattr(page, "get_structured_data"):
            return page.get_structured_data(request=request)
        return structured_data_for_page(page, request=request)
