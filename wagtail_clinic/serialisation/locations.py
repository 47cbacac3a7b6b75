"""Where pages are shown: their URL paths and the pages that show them.

Layer 2 (serialisation). The publish webhooks
(``wagtail_clinic.webhooks.payloads``), the edge-cache purge
(``wagtail_clinic.frontend_cache``), the API's ``/pages/{id}/shown-on/``
(``api.shown_on``) and the representation cache's invalidation
(``api.cache_invalidation``) need the same answer to "which live pages show
this page's content": the page itself, its parent (an index page lists its
children), the live pages whose content refers to it (the reference index:
an article whose body chooses a massage type) and those choosing it in a
many-to-many field (a massage type's ``conditions``). One definition of
those relations: :func:`showing_pages`, a queryset counted and sliced in the
database (the API's exact, paged list), and :func:`affected_pages`, which
reads at most a bounded number of rows of each relation (webhooks and
purges, on every publish), so neither grows with the number of such pages
(a massage type that 5,000 articles choose). Imports only Wagtail, Django
and swapper.
"""

import copy

import swapper

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from wagtail.models import ReferenceIndex, Site


__all__ = [
    "OWN_PARENT",
    "SHOWN_ON_URL_NAME",
    "COUNT_FACTOR",
    "AffectedPages",
    "affected_pages",
    "moved_locations",
    "page_location",
    "referencing_live_pages",
    "showing_page_ids",
    "showing_pages",
    "shown_on_url",
    "shown_parent",
    "with_url_path",
]


def page_location(page):
    """``{"site_id", "root_url", "path", "url"}`` of a page, or None if unrouted.

    ``path`` is the page's path within its site (what the by-path API takes),
    also when Wagtail's page serving is not in the URLconf (a headless site).
    """
    parts = page.get_url_parts()
    if parts is None:
        return None
    site_id, root_url, path = parts
    if path is None:
        # Wagtail's page serving is not in the URLconf (a headless-only
        # site): the path is still the page's place below its site root.
        root = next(
            (
                root
                for root in Site.get_site_root_paths()
                if root.site_id == site_id and page.url_path.startswith(root.root_path)
            ),
            None,
        )
        if root is None:
            return None
        root_url = root.root_url
        path = "/" + page.url_path[len(root.root_path) :]
    return {
        "site_id": site_id,
        "root_url": root_url or "",
        "path": path,
        "url": (root_url or "") + path,
    }


#: ``affected_pages``'s default ``parent``: the page's own parent, found by
#: its tree path (no query).
OWN_PARENT = object()


def _page_model():
    return swapper.load_model("wagtailcore", "Page")


def _referring_rows(page):
    """The reference index's rows of pages referring to ``page``, each
    annotated with ``page_id`` (the index stores object ids as text)."""
    page_type = ContentType.objects.get_for_model(_page_model())
    return (
        ReferenceIndex.get_references_to(page)
        # "+ 0": a condition, not an index to search. Without statistics
        # SQLite otherwise walks every reference *from* a page (the unique
        # index leads with base_content_type) instead of those to this one.
        .alias(source_type=F("base_content_type_id") + 0)
        .filter(source_type=page_type.pk)
        .annotate(page_id=Cast("object_id", IntegerField()))
    )


def _referring_q(page):
    """Pages whose content refers to ``page`` in Wagtail's reference index
    (a subquery)."""
    return Q(pk__in=_referring_rows(page).values("page_id"))


def _choosing_models(page_model):
    """``(model, field)`` of page many-to-many fields that can choose ``page_model``.

    The reference index leaves many-to-many fields out (e.g. a massage
    type's ``conditions``).
    """
    Page = _page_model()
    found = []
    for relation in page_model._meta.get_fields(include_hidden=True):
        if (
            relation.many_to_many
            and relation.auto_created
            and not relation.concrete
            and issubclass(relation.related_model, Page)
        ):
            found.append((relation.related_model, relation.field))
    return found


def _choosing_q(page):
    """Pages choosing ``page`` in a many-to-many field (a subquery each)."""
    q = Q(pk__in=[])
    for rows in _choosing_rows(page):
        q |= Q(pk__in=rows.values("page_id"))
    return q


def _parent_q(page, parent):
    """The parent that may list ``page`` (not the tree root), or None."""
    if parent is OWN_PARENT:
        if not page.depth or page.depth <= 1:
            return None
        return Q(path=page.path[: -page.steplen], depth__gt=1)
    if parent is None:
        return None
    return Q(pk=parent.pk, depth__gt=1)


def showing_pages(page, parent=OWN_PARENT):
    """The live pages, other than ``page``, that show it: a queryset.

    Its parent if that is a live page listing its children (not the tree
    root), the pages referring to it in the reference index (a page
    chooser, a body choosing it) and those choosing it in a many-to-many
    field. Ordered: the parent first, then by tree path. One query to
    slice or count, whatever the number of pages (subqueries, never a list
    of ids in Python).

    Args:
        page: the page.
        parent: its parent (before a move: the old one), None for none, or
            ``OWN_PARENT`` (default) for its current parent, found by its
            tree path.
    """
    Page = _page_model()
    q = _referring_q(page) | _choosing_q(page)
    parent_q = _parent_q(page, parent)
    order = ["path"]
    if parent_q is not None:
        q |= parent_q
        order.insert(0, Case(When(parent_q, then=0), default=1))
    return Page.objects.live().filter(q).exclude(pk=page.pk).order_by(*order)


def referencing_live_pages(page, limit=None):
    """Live pages whose content refers to ``page``, at most ``limit`` (specific).

    Those referring to it in the reference index and those choosing it in a
    many-to-many field.
    """
    queryset = showing_pages(page, parent=None)
    if limit is not None:
        queryset = queryset[:limit]
    return list(queryset.specific(defer=True))


def showing_page_ids(page, limit):
    """Ids of at most ``limit + 1`` live pages, other than ``page``, showing it.

    The pages of :func:`showing_pages`, in one query: a result longer than
    ``limit`` means "too many".
    """
    return set(showing_pages(page).order_by().values_list("pk", flat=True)[: limit + 1])


def shown_parent(parent):
    """``parent`` if it is a live page that lists its children, else None."""
    if parent is not None and parent.live and not parent.is_root():
        return parent
    return None


class AffectedPages:
    """The first pages a change of a page makes stale, and how many in all.

    Attributes:
        pages: ``page`` first, then at most ``limit - 1`` of the live pages
            showing it (its parent first, then by tree path), specific.
        total: the number of pages in all (``page`` included), exact when
            ``exact``; otherwise how many were counted before the count
            stopped (a lower bound).
        exact: whether ``total`` is exact: counting stops at
            ``COUNT_FACTOR`` times ``limit`` pages.
        truncated: whether ``pages`` leaves some out.
    """

    def __init__(self, pages, total, exact=True):
        self.pages = pages
        self.total = total
        self.exact = exact
        self.truncated = not exact or total > len(pages)


#: ``affected_pages`` counts at most this many times ``limit`` pages: past
#: that, a receiver revalidates everything or pages through the API anyway.
COUNT_FACTOR = 10


def _choosing_rows(page):
    """Querysets of the rows choosing ``page`` in a many-to-many field, one
    per field, each annotated with the choosing page's ``page_id``."""
    found = []
    for _model, field in _choosing_models(page.specific_class or type(page)):
        through = field.remote_field.through
        found.append(
            through.objects.filter(
                **{f"{field.m2m_reverse_field_name()}_id": page.pk}
            ).annotate(page_id=F(f"{field.m2m_field_name()}_id"))
        )
    return found


def _first_showing_ids(page, bound):
    """``(ids, complete)``: ids of live pages other than ``page`` showing it,
    from at most ``bound`` rows of each relation (the reference index, each
    many-to-many field choosing it), and whether every relation had fewer
    rows (then ``ids`` are all of them).

    Each relation is read in its index order and stops at ``bound`` rows:
    no query reads, counts or sorts every page showing ``page``.
    """
    Page = _page_model()
    live = Page.objects.live().filter(pk=OuterRef("page_id")).exclude(pk=page.pk)
    ids, complete = {}, True
    for rows in [_referring_rows(page), *_choosing_rows(page)]:
        found = list(
            rows.filter(Exists(live))
            .order_by()
            .values_list("page_id", flat=True)[:bound]
        )
        complete = complete and len(found) < bound
        ids.update(dict.fromkeys(found))
    return list(ids), complete


def _live_parent(page, parent):
    """The live parent listing ``page`` (not the tree root), or None."""
    if parent is not OWN_PARENT:
        return shown_parent(parent)
    q = _parent_q(page, parent)
    return None if q is None else _page_model().objects.live().filter(q).first()


def affected_pages(page, parent=OWN_PARENT, *, limit):
    """The page and the first live pages showing it, with their total.

    The pages of :func:`showing_pages`, found without reading every page
    showing ``page``: its parent, then at most ``COUNT_FACTOR * limit`` rows
    of each relation (the reference index, many-to-many fields), of which
    the first that fit (by id) are loaded, in tree order. So the cost is
    the same whether 3 or 5,000 articles choose a massage type: a query for
    the parent (none when ``parent`` is given), one per relation, one for
    the pages (plus one per page type among them).

    Args:
        page: the page that changed (live or not).
        parent: as :func:`showing_pages`.
        limit: the most pages to return (``page`` included), at least 1.

    Returns:
        An :class:`AffectedPages`.
    """
    limit = max(1, limit)
    parent_page = _live_parent(page, parent)
    ids, complete = _first_showing_ids(page, COUNT_FACTOR * limit)
    if parent_page is not None:
        ids = [pk for pk in ids if pk != parent_page.pk]
    head = [parent_page] if parent_page is not None else []
    room = limit - 1 - len(head)
    others = []
    if room > 0 and ids:
        others = list(
            _page_model()
            .objects.filter(pk__in=sorted(ids)[:room])
            .order_by("path")
            .specific(defer=True)
        )
    total = 1 + len(head) + len(ids)
    return AffectedPages([page, *head, *others][:limit], total, exact=complete)


#: The URL name of the operation listing the pages that show a page
#: (``api.shown_on``), in Wagtail's v3 API namespace.
SHOWN_ON_URL_NAME = "wagtailapi_v3:clinic_page_shown_on"


def shown_on_url(page, location):
    """Absolute URL of the API operation listing where ``page`` is shown.

    On the page's site (``location`` is its ``page_location``), so the
    operation answers for that site; None when the host site does not mount
    the clinic's v3 API.
    """
    try:
        path = reverse(SHOWN_ON_URL_NAME, kwargs={"page_id": page.pk})
    except NoReverseMatch:
        return None
    return location["root_url"] + path


def with_url_path(page, url_path):
    """A copy of ``page`` at another ``url_path`` (to find a URL it had before)."""
    before = copy.copy(page)
    before.url_path = url_path
    return before


def moved_locations(page, url_path_before, parent_before, *, limit=None):
    """Where a move changed what is shown, or [] when no live page moved.

    Args:
        page: the moved page (at its new place).
        url_path_before: its ``url_path`` before the move.
        parent_before: its parent before the move.
        limit: the most pages referring to it to include (None: all).

    Returns:
        ``(location, page)`` pairs: the old and new locations of the page and
        of its live descendants, then both parents' and those of the live
        pages referring to the page (at most ``limit``; ``page_location``
        values; unrouted ones left out).
    """
    descendants = page.get_descendants().live().specific(defer=True)
    moved = [p for p in [page, *descendants] if p.live]
    if not moved:
        return []
    found = []
    for moved_page in moved:
        old_url_path = url_path_before + moved_page.url_path[len(page.url_path) :]
        before = with_url_path(moved_page, old_url_path)
        found += [
            (page_location(before), before),
            (page_location(moved_page), moved_page),
        ]
    for parent in (parent_before, page.get_parent()):
        if shown_parent(parent) is not None:
            parent = parent.specific_deferred
            found.append((page_location(parent), parent))
    found += [
        (page_location(other), other) for other in referencing_live_pages(page, limit)
    ]
    return [(location, shown) for location, shown in found if location]
