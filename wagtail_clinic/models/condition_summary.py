"""The conditions a massage type helps, as a bounded summary (layer 4b).

A massage type's ``conditions`` (kept by the condition articles' ``save()``
from their "Massage types" sections) can name thousands of articles. What
shows them (API cards and fields, the admin panel, the massage type index's
filter) embeds only the first few, by title, with their number: the cost
of a card does not grow with the site. The full list is the conditions
listing filtered by the massage type (``/api/v3/clinic/conditions/?massage_type=<id>``).

Counting and ranking thousands of articles is done when they change, not
when they are shown: ``ConditionsSummary`` stores, per massage type, how
many live, public conditions it helps and the first few by title, and per
massage type index the conditions its filter offers. The summaries are
refreshed by the ``refresh_conditions_summaries`` task, scheduled
(``schedule_refresh``) when an article's massage types change and by the
receivers of ``wagtail_clinic.summaries`` (publish, unpublish, move,
delete, view restrictions, sites); a missing summary is computed when first
shown. What is shown is still filtered when it is shown, so a summary that
a queued refresh has not caught up with never shows a draft or a private
page; only its count can lag behind.
"""

from functools import partial, reduce
from operator import or_

from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from wagtail.models import Page, Site

from wagtail_clinic.blocks.choosers import prefetch_card_images
from wagtail_clinic.models.api_fields import ClinicField
from wagtail_clinic.serialisation.cache import cached_representation, invalidate_pages
from wagtail_clinic.serialisation.representations import page_representation
from wagtail_clinic.serialisation.schemas import ClinicPageLink
from wagtail_clinic.serialisation.translations import in_locale_bulk, public_q


__all__ = [
    "EMBEDDED_CONDITIONS",
    "FILTER_CONDITIONS",
    "ConditionLinksField",
    "ConditionsSummary",
    "conditions_table",
    "page_site_root_paths",
    "page_site_trees_q",
    "prefixed_q",
    "refresh_conditions_summaries",
    "schedule_refresh",
    "site_trees_q",
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


def site_trees_q(site, prefix=""):
    """A ``Q``: the pages in the tree of ``site``'s root or of one of its
    translations (none when ``site`` is None).

    The roots are Wagtail's site root paths (``Site.get_site_root_paths``:
    cached, the same that give pages their URLs), so no query is run to find
    them, and each tree is a ``url_path`` prefix: a range the database
    estimates well. (Matching the tree path's prefix against a subquery of
    the translations' paths left PostgreSQL guessing a handful of pages: it
    scanned every live page once per massage type card, 118 ms for 20 cards
    at 5,000 articles against 30 ms this way.) ``prefix`` reaches the pages
    through a relation (``"condition__"``).
    """
    if site is None:
        return Q(pk__in=[])
    roots = [
        root.root_path for root in Site.get_site_root_paths() if root.site_id == site.pk
    ] or [site.root_page.url_path]
    return _url_path_prefixes_q(roots, prefix)


def page_site_root_paths(page):
    """The ``url_path`` of the root of the site (or sites) ``page`` is in and
    of its translations, from Wagtail's cached site root paths (no query)."""
    roots = Site.get_site_root_paths()
    sites = {root.site_id for root in roots if page.url_path.startswith(root.root_path)}
    return [root.root_path for root in roots if root.site_id in sites]


def page_site_trees_q(page, prefix=""):
    """``site_trees_q`` of the site (or sites) ``page`` is in (no query); no
    page when it is in none."""
    return _url_path_prefixes_q(page_site_root_paths(page), prefix)


def _url_path_prefixes_q(paths, prefix):
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}url_path__startswith": path}) for path in paths))


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
    """The first ``EMBEDDED_CONDITIONS`` live, public conditions of a
    massage type's site, by title, as ``ClinicPageLink`` (API v2 and v3
    detail).

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
        # Live and public (a subquery, no query for the view restrictions).
        return (
            queryset.live()
            .filter(public_q())
            .defer_streamfields()
            .order_by("title", "pk")[: self.limit]
        )

    def listing_prefetches(self, model):
        """The first live, public conditions of every page of the listing, at once."""
        field = model._meta.get_field(self.relation)
        queryset = self._first(field.related_model.objects.all())
        return [Prefetch(self.relation, queryset=queryset, to_attr=self._attr)]

    @cached_representation
    def to_representation(self, value) -> list[ClinicPageLink]:
        """The first live, public conditions of its site, by title."""
        pages = getattr(value, self._attr, None)
        if pages is None:
            pages = list(self._first(getattr(value, self.relation).all()))
        # Chosen pages in the page's own locale (their translation, else the
        # default locale's): one query, none when all are in it already.
        pages = in_locale_bulk(pages, getattr(value, "locale_id", None))
        # Only those of the massage type's own site (its site root paths are
        # cached: no query).
        roots = tuple(page_site_root_paths(value))
        pages = [page for page in pages if page.url_path.startswith(roots)]
        pages = sorted(dict.fromkeys(pages), key=_by_title)
        prefetch_card_images(pages)
        return [page_representation(page, self.request) for page in pages]


class ConditionsSummary(models.Model):
    """What a page shows of the conditions, counted when they change.

    For a massage type (``AbstractMassageTypePage``): how many live, public
    conditions of its site and locale it helps, and the first
    ``EMBEDDED_CONDITIONS`` of them by title. For a massage type index
    (``AbstractMassageTypeIndexPage``): how many conditions its massage types
    help, and the ``FILTER_CONDITIONS`` that most of them help (its filter).
    Computed by the page's ``summarise_conditions()``; see the module
    docstring for when.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="clinic_conditions_summary",
        verbose_name=_("page"),
    )
    count = models.PositiveIntegerField(_("number of conditions"), default=0)
    condition_ids = models.JSONField(
        _("conditions shown"),
        default=list,
        help_text=_("Ids of the condition pages shown, in the order shown."),
    )
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("conditions summary")
        verbose_name_plural = _("conditions summaries")

    def __str__(self):
        return f"{self.page_id}: {self.count}"

    @classmethod
    def of(cls, pages):
        """``{pk: summary}`` of ``pages`` (specific pages that have
        ``summarise_conditions``): one query, plus the computation of those
        that have none yet."""
        summaries = cls.objects.in_bulk([page.pk for page in pages])
        missing = [page for page in pages if page.pk not in summaries]
        if missing:
            summaries.update(cls.refresh(missing))
        return summaries

    @classmethod
    def refresh(cls, pages, create=True):
        """Compute and store the summaries of ``pages`` (specific pages; those
        without ``summarise_conditions()`` are skipped); ``{pk: summary}``.

        With ``create=False`` only existing summaries are updated (the
        task's way: a page deleted in the same transaction may be unpublished
        first, and a summary created for it then would outlive it; pages
        without one are counted when first shown). The API values of the
        pages whose summary changed are invalidated.
        """
        pages = [page for page in pages if hasattr(page, "summarise_conditions")]
        stored = cls.objects.in_bulk([page.pk for page in pages])
        if not create:
            pages = [page for page in pages if page.pk in stored]
        if not pages:
            return {}
        # The view restrictions, looked up once for all the pages.
        private = Page.objects.private_q()
        summaries, changed = {}, []
        for page in pages:
            count, ids = page.summarise_conditions(private=private)
            summary = stored.get(page.pk)
            if summary is None:
                summary, _created = cls.objects.update_or_create(
                    page_id=page.pk, defaults={"count": count, "condition_ids": ids}
                )
                changed.append(page.pk)
            elif (summary.count, summary.condition_ids) != (count, ids):
                summary.count, summary.condition_ids = count, ids
                summary.save(update_fields=["count", "condition_ids", "refreshed_at"])
                changed.append(page.pk)
            summaries[page.pk] = summary
        if changed:
            invalidate_pages(page_ids=changed)
        return summaries


@task()
def refresh_conditions_summaries(page_ids):
    """Refresh the ``ConditionsSummary`` of the massage types ``page_ids``
    and of their index pages (a task: ``schedule_refresh``). Only existing
    summaries: a page without one is counted when first shown."""
    pages = list(Page.objects.filter(pk__in=page_ids).specific())
    parent_paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
    parents = Page.objects.filter(path__in=parent_paths).exclude(pk__in=page_ids)
    ConditionsSummary.refresh([*pages, *parents.specific()], create=False)


def schedule_refresh(page_ids):
    """Have the summaries of the massage types ``page_ids`` (and of their
    index pages) refreshed: when the transaction commits, by the task
    backend's worker; at once with django-tasks' ``ImmediateBackend``
    (inside the transaction, which sees its own writes)."""
    ids = sorted(set(page_ids))
    if not ids:
        return
    if isinstance(refresh_conditions_summaries.get_backend(), ImmediateBackend):
        refresh_conditions_summaries.enqueue(ids)
        return
    transaction.on_commit(
        partial(refresh_conditions_summaries.enqueue, ids), robust=True
    )
