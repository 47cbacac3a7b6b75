"""The pages of a listing that match search words, counted and sliced by the database.

Layer 5. The clinic listings' ``?search=`` (plain words only, see
``public_input.search``) narrows a page queryset with the site's search
backend, so that the database counts, orders and limits the matches and
only the requested page of results is loaded:

* **PostgreSQL** (Wagtail's database backend picks its PostgreSQL full-text
  backend there): the words become the backend's own ``tsquery`` (the same
  lexemes, stemming configuration and prefix match of the last word as
  ``Page.objects.search()``), matched against the index entries' ``title``
  and ``body`` vectors separately, so that each can use its GIN index
  (Wagtail's own search matches ``title || body``, which no index serves),
  and :func:`search_page` makes the planner use them even when most
  entries match. At 5,000 matching articles a page of 20 cards took 80 ms
  with Wagtail's search, 25-31 ms this way (100 articles: 19 ms;
  benchmarks/RESULTS.md).
* **SQLite** (FTS5): the backend's own MATCH expression, the matching index
  entries found by rowid and narrowed to the model's content types, then
  their pages (not Wagtail's search of the queryset: with an index entry
  lookup for a single content type, SQLite re-ran the FTS5 match once per
  index entry of that type, 164 ms for the count at 5,000 articles).
  Listings count and order the matches on ``Page``'s own table (``rows``
  of :func:`search_page`).
* Other backends: Wagtail's fallback database backend searches the model
  and the listing keeps the pages it matched (a subquery); a search engine
  (Elasticsearch, OpenSearch…) searches the model and the listing keeps the
  pages it found, by id. Either way the database counts and orders them.
  (The engine cannot apply the listing's filters: the site's tree is a
  ``url_path`` prefix, not one of ``Page``'s filter fields.)
"""

import contextlib

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import (
    Count,
    F,
    IntegerField,
    Q,
    Window,
)
from django.db.models.functions import Cast
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.search.query import PlainText


__all__ = ["search_matches", "search_page"]

#: The largest offset SQLite and PostgreSQL accept (a signed 64-bit integer).
_MAX_OFFSET = 2**63 - 1


def _content_types(model):
    """The content types of ``model`` and of its concrete subclasses."""
    models = [
        other
        for other in apps.get_models()
        if issubclass(other, model) and not other._meta.abstract
    ]
    return list(ContentType.objects.get_for_models(*models).values())


def _type_ids(model):
    """The content type ids of ``model`` and of its concrete subclasses."""
    return [kind.pk for kind in _content_types(model)]


def _entries_of(model):
    """The search index entries of ``model`` and its subclasses.

    "+ 0": the content type is a condition, not an index to search, so that
    the planner starts from the full-text match.
    """
    return IndexEntry.objects.alias(entry_type=F("content_type_id") + 0).filter(
        entry_type__in=_type_ids(model)
    )


def _page_ids(entries):
    """The page ids of ``entries`` (a subquery; the index stores text ids)."""
    return entries.values(page_id=Cast("object_id", IntegerField()))


def _sqlite_matches(backend, queryset, words, model):
    """``queryset`` narrowed to the pages of ``model`` that the SQLite
    backend's FTS5 match finds, or None when the backend is not the SQLite
    one."""
    compiler_class = getattr(backend, "query_compiler_class", None)
    fields = getattr(compiler_class, "FTS_TABLE_FIELDS", None)
    if fields is None:
        return None
    # Only importable with SQLite's FTS5 (its model exists only then).
    from wagtail.search.backends.database.sqlite.query import (
        MatchExpression,
        normalize,
    )
    from wagtail.search.models import SQLiteFTSIndexEntry

    query = PlainText(words, operator="and")
    compiler = compiler_class(
        model._default_manager.all(), query, order_by_relevance=False
    )
    match = MatchExpression(fields, compiler.build_search_query(normalize(query)))
    rows = SQLiteFTSIndexEntry.objects.filter(match).values("index_entry_id")
    # The matching entries of the model's types, by rowid, then their pages.
    entries = IndexEntry.objects.filter(
        content_type_id__in=_type_ids(model), pk__in=rows
    )
    return queryset.filter(pk__in=_page_ids(entries))


def _postgres_matches(backend, queryset, words, model):
    """``queryset`` narrowed to the pages of ``model`` matching the
    PostgreSQL backend's tsquery, or None when the backend is not the
    PostgreSQL one."""
    compiler_class = getattr(backend, "query_compiler_class", None)
    build = getattr(compiler_class, "build_tsquery", None)
    if build is None or not hasattr(backend, "config"):
        return None
    query = PlainText(words, operator="and")
    compiler = compiler_class(
        model._default_manager.all(), query, order_by_relevance=False
    )
    tsquery = compiler.build_tsquery(query, config=backend.config)
    if tsquery is None:
        return queryset.none()
    # Each vector on its own, so that each can use its GIN index.
    entries = _entries_of(model)
    return queryset.filter(
        Q(pk__in=_page_ids(entries.filter(title=tsquery)))
        | Q(pk__in=_page_ids(entries.filter(body=tsquery)))
    )


def search_matches(queryset, words, model=None):
    """``queryset`` (pages, in its own order) narrowed to the pages of
    ``model`` (default: the queryset's) matching ``words`` in the search
    index; the database counts, orders and limits.

    ``words`` are plain words (``public_input.search.search_query``), all of
    which must match, the last one also as a prefix (as Wagtail's database
    backends match them). ``queryset`` may be of ``Page`` itself, filtered
    on its own table (see :func:`search_page`).
    """
    model = queryset.model if model is None else model
    backend = get_search_backend()
    if connection.vendor == "postgresql":
        narrowed = _postgres_matches(backend, queryset, words, model)
        if narrowed is not None:
            return narrowed
    if connection.vendor == "sqlite":
        narrowed = _sqlite_matches(backend, queryset, words, model)
        if narrowed is not None:
            return narrowed
    # Any other backend searches the whole model: the listing's filters (the
    # site's tree by url_path) are not among the fields it can filter on.
    results = backend.search(
        words, model._default_manager.all(), order_by_relevance=False
    )
    matching = getattr(results, "get_queryset", None)
    if matching is not None:  # A database backend: a lazy queryset.
        return queryset.filter(pk__in=matching().values("pk"))
    # A search engine (Elasticsearch, OpenSearch…): the pages it found.
    return queryset.filter(pk__in=[found.pk for found in results])


@contextlib.contextmanager
def _index_plan():
    """Run the queries of a search inside: on PostgreSQL they use the index.

    PostgreSQL's planner prices a full scan of the search index below its
    GIN indexes when most entries match (a word every article holds, such
    as "massage"), but does not price the body vectors that scan reads out
    of line (TOAST): 45 ms for 5,000 matching articles, against 9 through
    the GIN index. Inside, the transaction's planner avoids full scans
    where an index can serve (``SET LOCAL``: this transaction only).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        # Within a request's transaction (ATOMIC_REQUESTS) the setting would
        # outlive this block: the rest is planned as usual. (After an error
        # the rollback undoes it.)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")


def search_page(queryset, words, offset, limit, rows=None):
    """``(count, pages)``: how many pages of ``queryset`` match ``words``
    (:func:`search_matches`), and ``matches[offset:offset + limit]``.

    ``rows``, if given, holds the same pages as ``queryset`` in the same
    order, filtered on ``Page``'s own table: the matches are counted and
    ordered there, without reading the page type's own rows (on SQLite,
    reading 5,000 condition articles' rows, bodies inline, cost as much as
    the rest of the search), and only the page of results is loaded from
    ``queryset``.

    One query counts the matches and orders their ids (a window count), a
    second loads the page's rows by id, without searching again; on
    PostgreSQL through the search index (see ``_index_plan``). An offset
    past the end gives no pages (past 64 bits, without asking the database
    for them: SQLite and PostgreSQL reject such offsets).
    """
    listed = queryset if rows is None else rows
    matches = search_matches(listed, words, model=queryset.model)
    if offset + limit > _MAX_OFFSET:
        return matches.count(), []
    with _index_plan():
        found = list(
            matches.annotate(matches_total=Window(Count("pk"))).values_list(
                "pk", "matches_total"
            )[offset : offset + limit]
        )
        if not found:
            return (matches.count() if offset else 0), []
        ids = [pk for pk, _total in found]
        pages = queryset.order_by().filter(pk__in=ids).in_bulk()
    return found[0][1], [pages[pk] for pk in ids if pk in pages]
