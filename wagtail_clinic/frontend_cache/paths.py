"""The URLs a page change makes stale in an edge cache (layer 5).

For a page and every page that shows its content (its parent index page,
the live pages referring to it: ``serialisation.locations``, shared with
the webhooks): their HTML URLs with each page's ``get_cached_paths()``, and
their API URLs: ``/api/v3/clinic/pages/<id>/``, Wagtail's
``/api/v3/pages/<id>/``, ``/api/v3/clinic/pages/<id>/shown-on/``,
``/api/v3/clinic/pages/by-path/?path=<path>`` and the card listings
(``/api/v3/clinic/massage-types/``, ``/api/v3/clinic/conditions/``) a
massage type or condition appears in.

At most ``WAGTAIL_CLINIC["WEBHOOK_MAX_PATHS"]`` pages per change, found with
the same queries whatever the number of pages showing the changed one (a
massage type chosen by 5,000 articles). Past it, Wagtail's frontend cache
offers no "purge everything" (its backends purge URLs only), so the first
pages and every card listing of the site are purged and the others expire
with their cache lifetime (docs/deploy.md).
"""

from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.models.pages import AbstractConditionPage, AbstractMassageTypePage
from wagtail_clinic.serialisation.locations import (
    OWN_PARENT,
    affected_pages,
    moved_locations,
    page_location,
)


__all__ = [
    "API_NAMESPACE",
    "api_urls",
    "configured",
    "html_urls",
    "listing_urls",
    "move_urls",
    "page_change_urls",
]

#: The URL namespace of Wagtail's v3 API (``wagtail.api.v3.urls.api``).
API_NAMESPACE = "wagtailapi_v3"

#: The card listing endpoint that shows pages of each type.
_LISTINGS = (
    (AbstractMassageTypePage, "clinic_massage_type_list"),
    (AbstractConditionPage, "clinic_condition_list"),
)


def configured():
    """Whether an edge cache is configured (``WAGTAILFRONTENDCACHE`` or the
    older ``WAGTAILFRONTENDCACHE_LOCATION``)."""
    return bool(
        getattr(settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def _reverse(name, **kwargs):
    try:
        return reverse(f"{API_NAMESPACE}:{name}", kwargs=kwargs or None)
    except NoReverseMatch:
        return None  # The host site does not mount the v3 API.


def html_urls(page, location):
    """The page's URL at ``location`` with each of its ``get_cached_paths()``.

    As Wagtail's own purge builds them: the URL plus each cached path.
    """
    base = location["url"]
    cached_paths = getattr(page, "get_cached_paths", lambda: ["/"])()
    return [base + path.lstrip("/") for path in cached_paths]


def api_urls(page, location):
    """The API URLs that show ``page`` (found at ``location``)."""
    root = location["root_url"]
    paths = [
        _reverse("clinic_page_detail", page_id=page.pk),
        _reverse("detail_page", page_id=page.pk),
        _reverse("clinic_page_shown_on", page_id=page.pk),
    ]
    by_path = _reverse("clinic_page_by_path")
    if by_path is not None:
        paths.append(f"{by_path}?path={quote(location['path'], safe='/')}")
    paths += [_reverse(name) for model, name in _LISTINGS if isinstance(page, model)]
    return [root + path for path in paths if path]


def _urls(pairs, *, skip_html_of=None):
    urls = []
    for location, page in pairs:
        if location is None:
            continue
        if skip_html_of is None or page.pk != skip_html_of.pk:
            urls += html_urls(page, location)
        urls += api_urls(page, location)
    return list(dict.fromkeys(urls))


def max_pages():
    """The most pages whose URLs one change purges (``WEBHOOK_MAX_PATHS``)."""
    return max(1, int(clinic_settings.WEBHOOK_MAX_PATHS))


def listing_urls(location):
    """Every card listing's URL on the site at ``location``.

    Purged with the bounded set when a change is shown on too many pages to
    list (Wagtail's frontend cache has no "purge everything").
    """
    root = location["root_url"]
    paths = (_reverse(name) for _model, name in _LISTINGS)
    return [root + path for path in paths if path]


def page_change_urls(page, parent=OWN_PARENT, *, include_own_html=True):
    """The URLs a publish, unpublish or delete of ``page`` makes stale.

    The page's and those of at most ``WEBHOOK_MAX_PATHS`` pages in all
    (``locations.affected_pages``: the same queries whatever the number of
    pages showing it); past it, every card listing of the page's site too
    (see :func:`truncated_change_urls` to know whether it was cut).

    Args:
        page: the page (specific).
        parent: its parent, None, or ``OWN_PARENT`` (found by tree path).
        include_own_html: False when Wagtail's frontend cache app purges
            the page's own HTML URLs itself (on publish and unpublish).
    """
    return truncated_change_urls(page, parent, include_own_html=include_own_html)[0]


def truncated_change_urls(page, parent=OWN_PARENT, *, include_own_html=True):
    """``(urls, affected)``: :func:`page_change_urls` and the
    ``locations.AffectedPages`` it purged (``affected.truncated`` when more
    pages show ``page`` than were purged)."""
    affected = affected_pages(page, parent, limit=max_pages())
    pairs = [(page_location(shown), shown) for shown in affected.pages]
    urls = _urls(pairs, skip_html_of=None if include_own_html else page)
    if affected.truncated:
        locations = {loc["root_url"]: loc for loc, _page in pairs if loc}
        for location in locations.values():
            urls += listing_urls(location)
        urls = list(dict.fromkeys(urls))
    return urls, affected


def move_urls(page, url_path_before, parent_before):
    """The URLs a move of ``page`` makes stale: old and new, of the page, its
    live descendants, both parents and the live pages referring to it (at
    most ``WEBHOOK_MAX_PATHS`` of those)."""
    return _urls(
        moved_locations(page, url_path_before, parent_before, limit=max_pages())
    )
