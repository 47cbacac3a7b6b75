"""A paginator that sorts ids and loads only the requested page's objects.

Layer 2 (models). Django's ``Paginator`` slices the queryset it is given: the
database sorts every matching row, all selected columns included, to return
one page of them. For a deep ``?page=`` of an index page (the middle of 5,000
condition articles, sorted by title) that sort was most of the request: 13 ms
against 3.5 ms for sorting the ids alone, then loading the page's 24 rows by
id (benchmarks/RESULTS.md, "conditions index HTML, middle page").
"""

from django.core.paginator import Page, Paginator


__all__ = ["IdsFirstPaginator"]


class IdsFirstPaginator(Paginator):
    """A ``Paginator`` of a queryset that sorts its ids, then loads the page's
    objects by id (one query more than Django's, whatever the page).

    The objects are those of the queryset, in its order, with its
    ``select_related`` and ``prefetch_related`` lookups (and specific pages
    from a ``.specific()`` page queryset).
    """

    def _get_page(self, object_list, number, paginator):
        """The page of the objects whose ids ``object_list`` (a slice of the
        queryset) holds."""
        ids = list(object_list.values_list("pk", flat=True))
        loaded = {}
        if ids:
            loaded = {
                obj.pk: obj for obj in self.object_list.order_by().filter(pk__in=ids)
            }
        return Page([loaded[pk] for pk in ids if pk in loaded], number, paginator)
