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
  with Wagtail's search, 35 ms through the index, 28 ms ordering the
  matches' ids alone (100 articles: 20 ms; benchmarks/RESULTS.md).
* **SQLite** (FTS5): a subquery of page ids searched over ``Page`` rather
  than one page type: with an index entry lookup for a single content type,
  SQLite's query planner re-ran the FTS5 match once per index entry of that
  type (the count alone took 164 ms at 5,000 articles; 17 ms this way).
* Elsewhere (Elasticsearch, OpenSearch…): the backend's own search of the
  queryset, which it counts and slices itself.
"""

import contextlib

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, IntegerField, Q
from django.db.models.functions import Cast
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.search.query import PlainText


__all__ = ["search_matches", "search_page"]


def _content_types(model):
    """The content types of ``model`` and of its concrete subclasses."""
    models = [
        other
        for other in apps.get_models()
        if issubclass(other, model) and not other._meta.abstract
    ]
    return list(ContentType.objects.get_for_models(*models).values())


def _postgres_matches(backend, queryset, words):
    """``queryset`` narrowed with the PostgreSQL backend's tsquery, or None
    when the backend is not the PostgreSQL one."""
    compiler_class = getattr(backend, "query_compiler_class", None)
    build = getattr(compiler_class, "build_tsquery", None)
    if build is None or not hasattr(backend, "config"):
        return None
    query = PlainText(words, operator="and")
    compiler = compiler_class(queryset, query, order_by_relevance=False)
    tsquery = compiler.build_tsquery(query, config=backend.config)
    if tsquery is None:
        return queryset.none()
    # "+ 0": the content type is a condition, not an index to search, so
    # that each vector's GIN index is the only one the planner may use.
    entries = IndexEntry.objects.alias(entry_type=F("content_type_id") + 0).filter(
        entry_type__in=[kind.pk for kind in _content_types(queryset.model)]
    )

    def matching(**vector):
        return entries.filter(**vector).values(
            page_id=Cast("object_id", IntegerField())
        )

    return queryset.filter(
        Q(pk__in=matching(title=tsquery)) | Q(pk__in=matching(body=tsquery))
    )


def search_matches(queryset, words):
    """``queryset`` (pages, in its own order) narrowed to the pages matching
    ``words`` in the search index; the database counts, orders and limits.

    ``words`` are plain words (``public_input.search.search_query``), all of
    which must match, the last one also as a prefix (as Wagtail's database
    backends match them).
    """
    backend = get_search_backend()
    if connection.vendor == "postgresql":
        narrowed = _postgres_matches(backend, queryset, words)
        if narrowed is not None:
            return narrowed
    if connection.vendor == "sqlite":
        results = backend.search(words, Page.objects.all(), order_by_relevance=False)
        matching = getattr(results, "get_queryset", None)
        if matching is not None:  # A database backend: a lazy queryset.
            return queryset.filter(pk__in=matching().values("pk"))
    return queryset.search(words, order_by_relevance=False)


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


def search_page(queryset, offset, limit):
    """``(count, pages)``: how many pages ``queryset`` (narrowed by
    :func:`search_matches`) holds, and ``pages[offset:offset + limit]``.

    On PostgreSQL through the search index (see ``_index_plan``), and the
    matches are ordered on their ids alone before the page's rows are
    loaded: sorting 5,000 whole rows took 15 ms of a 35 ms request. An
    offset past the end gives no pages without asking the database for it.
    """
    with _index_plan():
        count = queryset.count()
        if offset >= count:
            return count, []
        if connection.vendor != "postgresql":
            return count, list(queryset[offset : offset + limit])
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        found = queryset.order_by().filter(pk__in=ids).in_bulk()
        return count, [found[pk] for pk in ids if pk in found]
