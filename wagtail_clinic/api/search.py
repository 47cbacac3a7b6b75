"""The pages of a listing that match search words, counted and sliced by the database.

Layer 5. The clinic listings' ``?search=`` (plain words only, see
``public_input.search``) narrows a page queryset with the site's search
backend, so that the database counts, orders and limits the matches and
only the requested page of results is loaded:

* **PostgreSQL** (Wagtail's database backend picks its PostgreSQL full-text
  backend there): the words become the backend's own ``tsquery`` (the same
  lexemes, stemming configuration and prefix match of the last word as
  ``Page.objects.search()``), matched against the index entries' ``title``
  and ``body`` vectors separately, so that each uses its GIN index. Wagtail's
  own search matches ``title || body``, which no index serves: at 5,000
  matching articles its count took 60 ms and a page of 20 cards 120 ms, this
  way 22 and 30 ms (benchmarks/RESULTS.md).
* **SQLite** (FTS5): a subquery of page ids searched over ``Page`` rather
  than one page type: with an index entry lookup for a single content type,
  SQLite's query planner re-ran the FTS5 match once per index entry of that
  type (the count alone took 164 ms at 5,000 articles; 17 ms this way).
* Elsewhere (Elasticsearch, OpenSearch…): the backend's own search of the
  queryset, which it counts and slices itself.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import IntegerField, Q
from django.db.models.functions import Cast
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.search.query import PlainText


__all__ = ["search_matches"]


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
    entries = (
        IndexEntry.objects.filter(content_type__in=_content_types(queryset.model))
        .filter(Q(title=tsquery) | Q(body=tsquery))
        .values_list(Cast("object_id", IntegerField()), flat=True)
    )
    return queryset.filter(pk__in=entries)


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
