"""The conditions a massage type helps, as a bounded summary (layer 4b).

A massage type's ``conditions`` (kept by the condition articles' ``save()``
from their "Massage types" sections) can name thousands of articles. What
shows them (API cards and fields, the admin panel, the massage type index's
filter) embeds only the first few, by title, with their number: the cost
of a card does not grow with the site. The full list is the conditions
listing filtered by the massage type (``/api/v3/clinic/conditions/?massage_type=<id>``).
"""

from django.db.models import Prefetch, Q

from wagtail_clinic.blocks.choosers import prefetch_card_images
from wagtail_clinic.models.api_fields import ClinicField
from wagtail_clinic.serialisation.cache import cached_representation
from wagtail_clinic.serialisation.representations import page_representation
from wagtail_clinic.serialisation.schemas import ClinicPageLink
from wagtail_clinic.serialisation.translations import in_locale_bulk


__all__ = [
    "EMBEDDED_CONDITIONS",
    "FILTER_CONDITIONS",
    "ConditionLinksField",
    "conditions_table",
    "prefixed_q",
]

#: How many conditions a massage type's card or API field embeds.
EMBEDDED_CONDITIONS = 5

#: How many conditions the massage type index's filter offers (those most
#: massage types help); ``?condition=<slug>`` works for any condition.
FILTER_CONDITIONS = 50


def prefixed_q(q, prefix):
    """``q`` (a ``Q`` on a page) with every lookup prefixed by ``prefix``,
    e.g. ``"condition__"``: the same filter through a relation."""
    clone = Q()
    clone.connector = q.connector
    clone.negated = q.negated
    clone.children = [
        prefixed_q(child, prefix)
        if isinstance(child, Q)
        else (f"{prefix}{child[0]}", child[1])
        for child in q.children
    ]
    return clone


def conditions_table(massage_type_model):
    """``(through model, massage type column, condition column)`` of the
    ``conditions`` relation of a concrete massage type model; the columns
    are field names (without ``_id``), usable as relations in lookups."""
    field = massage_type_model._meta.get_field("conditions")
    return (
        field.remote_field.through,
        field.m2m_field_name(),
        field.m2m_reverse_field_name(),
    )


def _by_title(page):
    return (page.title, page.pk)


class ConditionLinksField(ClinicField):
    """The first ``EMBEDDED_CONDITIONS`` live conditions of a massage type,
    by title, as ``ClinicPageLink`` (API v2 and v3 detail).

    Bounded: the full list is the clinic conditions listing filtered by the
    massage type (``/api/v3/clinic/conditions/?massage_type=<id>``). Two
    queries for the conditions and their card images, whatever their number;
    in a v2 listing, one sliced prefetch for all its pages
    (``listing_prefetches``).

    Args:
        relation: the many-to-many field, ``"conditions"``.
        limit: how many conditions to embed.
    """

    def __init__(self, relation="conditions", limit=EMBEDDED_CONDITIONS, **kwargs):
        self.relation = relation
        self.limit = limit
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    @property
    def _attr(self):
        return f"_first_live_{self.relation}"

    def _first(self, queryset):
        return (
            queryset.live().defer_streamfields().order_by("title", "pk")[: self.limit]
        )

    def listing_prefetches(self, model):
        """The first live conditions of every page of the listing, at once."""
        field = model._meta.get_field(self.relation)
        queryset = self._first(field.related_model.objects.all())
        return [Prefetch(self.relation, queryset=queryset, to_attr=self._attr)]

    @cached_representation
    def to_representation(self, value) -> list[ClinicPageLink]:
        """The first live conditions, by title."""
        pages = getattr(value, self._attr, None)
        if pages is None:
            pages = list(self._first(getattr(value, self.relation).all()))
        # Chosen pages in the page's own locale (their translation, else the
        # default locale's): one query, none when all are in it already.
        pages = in_locale_bulk(pages, getattr(value, "locale_id", None))
        pages = sorted(dict.fromkeys(pages), key=_by_title)
        prefetch_card_images(pages)
        return [page_representation(page, self.request) for page in pages]
