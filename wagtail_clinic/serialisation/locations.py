"""Where pages are shown: their URL paths and the pages that show them.

Layer 2 (serialisation). Both the publish webhooks
(``wagtail_clinic.webhooks.payloads``) and the edge-cache purge
(``wagtail_clinic.frontend_cache``) need the same answer to "which live
pages show this page's content": the page itself, its parent (an index page
lists its children) and the live pages whose content refers to it (e.g. an
article whose body chooses a massage type). It lives here, below both.
Imports only Wagtail, Django and swapper.
"""

import copy

import swapper

from django.contrib.contenttypes.models import ContentType
from wagtail.models import ReferenceIndex, Site


__all__ = [
    "affected_pages",
    "moved_locations",
    "page_location",
    "referencing_live_pages",
    "showing_page_ids",
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


def referencing_live_pages(page):
    """Live pages whose content (e.g. a page chooser) refers to ``page``."""
    Page = swapper.load_model("wagtailcore", "Page")
    ids = set(
        ReferenceIndex.get_references_to(page)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    ids.discard(str(page.pk))
    if not ids:
        return []
    return list(Page.objects.live().filter(pk__in=ids).specific(defer=True))


def _choosing_models(page_model):
    """``(model, field name)`` of page many-to-many fields that can choose ``page_model``.

    The reference index leaves many-to-many fields out (e.g. a massage
    type's ``conditions``).
    """
    Page = swapper.load_model("wagtailcore", "Page")
    found = []
    for relation in page_model._meta.get_fields(include_hidden=True):
        if (
            relation.many_to_many
            and relation.auto_created
            and not relation.concrete
            and issubclass(relation.related_model, Page)
        ):
            found.append((relation.related_model, relation.field.name))
    return found


def showing_page_ids(page, limit):
    """Ids of at most ``limit + 1`` live pages, other than ``page``, showing it.

    Those referring to it in the reference index (a page chooser, a body
    choosing it), those choosing it in a many-to-many field and its parent
    if that is a live page listing its children (:func:`shown_parent`). One
    query each, limited: a result longer than ``limit`` means "too many".
    """
    Page = swapper.load_model("wagtailcore", "Page")
    found = set()
    parent_path = page.path[: -page.steplen] if page.depth and page.depth > 1 else ""
    if parent_path:
        found.update(
            Page.objects.live()
            .filter(path=parent_path, depth__gt=1)
            .values_list("pk", flat=True)
        )
    referring = (
        ReferenceIndex.get_references_to(page)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .exclude(object_id=str(page.pk))
        .values_list("object_id", flat=True)
        .distinct()[: limit + 1]
    )
    ids = [int(pk) for pk in referring]
    if ids:
        found.update(
            Page.objects.live().filter(pk__in=ids).values_list("pk", flat=True)
        )
    for model, field_name in _choosing_models(page.specific_class or type(page)):
        if len(found) > limit:
            break
        found.update(
            model.objects.live()
            .filter(**{field_name: page.pk})
            .values_list("pk", flat=True)[: limit + 1]
        )
    found.discard(page.pk)
    return found


def shown_parent(parent):
    """``parent`` if it is a live page that lists its children, else None."""
    if parent is not None and parent.live and not parent.is_root():
        return parent
    return None


def affected_pages(page, parent):
    """The page, its live parent and the live pages referring to it.

    Args:
        page: the page that changed.
        parent: its parent (before a move: the old one), or None.

    Returns:
        A list of pages, ``page`` first; the others are live.
    """
    pages = [page]
    parent = shown_parent(parent)
    if parent is not None:
        pages.append(parent.specific_deferred)
    return pages + referencing_live_pages(page)


def with_url_path(page, url_path):
    """A copy of ``page`` at another ``url_path`` (to find a URL it had before)."""
    before = copy.copy(page)
    before.url_path = url_path
    return before


def moved_locations(page, url_path_before, parent_before):
    """Where a move changed what is shown, or [] when no live page moved.

    Args:
        page: the moved page (at its new place).
        url_path_before: its ``url_path`` before the move.
        parent_before: its parent before the move.

    Returns:
        ``(location, page)`` pairs: the old and new locations of the page and
        of its live descendants, then both parents' and those of the live
        pages referring to the page (``page_location`` values; unrouted
        ones left out).
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
    found += [(page_location(other), other) for other in referencing_live_pages(page)]
    return [(location, shown) for location, shown in found if location]
