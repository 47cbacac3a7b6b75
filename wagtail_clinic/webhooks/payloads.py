"""The JSON bodies of publish notifications (see docs/headless.md).

Layer 5 (feature wiring): describes pages (their URL paths, the paths of
their parents and of the live pages referring to them) for the webhooks.
Which pages show a page is ``serialisation.locations``, shared with the
edge-cache purge (``wagtail_clinic.frontend_cache``) and the API's
``/pages/{id}/shown-on/`` operation.

A payload lists at most ``WEBHOOK_MAX_PATHS`` paths, whatever the number of
pages showing the page (a massage type chosen by 5,000 articles): past it,
``purge_all`` is true, ``paths_total`` says how many there are (exact up
to ten times the maximum, a lower bound past it) and ``paths_url`` lists
them all, page by page. Building it costs the same
queries and time at 100 and at 5,000 pages.
"""

from urllib.parse import urlsplit

from django.utils import timezone

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.preview.frontends import frontend_page_url
from wagtail_clinic.serialisation.locations import (
    OWN_PARENT,
    affected_pages,
    moved_locations,
    showing_pages,
    shown_on_url,
)
from wagtail_clinic.serialisation.locations import page_location as _location
from wagtail_clinic.serialisation.locations import with_url_path as _with_url_path
from wagtail_clinic.webhooks.endpoints import get_endpoints
from wagtail_clinic.webhooks.models import WebhookDelivery


def _page_model_wanted(page):
    labels = clinic_settings.WEBHOOK_PAGE_MODELS
    if labels is None:
        return True
    model = page.specific_class or type(page)
    return model._meta.label_lower in {label.lower() for label in labels}


def wanted(page):
    """Whether a change to ``page`` is notified: an endpoint is configured
    and the page's model is in ``WEBHOOK_PAGE_MODELS`` (when that is set)."""
    return bool(get_endpoints()) and _page_model_wanted(page)


def _public_url(page, location):
    # The headless frontend's URL of the page when its site has one.
    if location is None:
        return None
    return frontend_page_url(page) or location["url"]


def _page_info(page, location):
    model = page.specific_class or type(page)
    site = None
    if location is not None:
        site = {
            "id": location["site_id"],
            "hostname": urlsplit(location["root_url"]).hostname or "",
            "root_url": location["root_url"],
        }
    return {
        "id": page.pk,
        "type": model._meta.label,
        "title": page.title,
        "slug": page.slug,
        "live": page.live,
        "url": _public_url(page, location),
        "path": location["path"] if location else None,
        "site": site,
    }


def _max_paths():
    return max(1, int(clinic_settings.WEBHOOK_MAX_PATHS))


def _paths_for(page, parent):
    """``(paths, total)``: the paths of the page, its parent and the live
    pages showing it, at most ``WEBHOOK_MAX_PATHS``, and the number of
    pages in all."""
    affected = affected_pages(page, parent, limit=_max_paths())
    paths = [
        location["path"] for location in map(_location, affected.pages) if location
    ]
    return paths, affected.total


def _dedupe(paths):
    return list(dict.fromkeys(path for path in paths if path))


def build_payload(event, page, *, paths, paths_total=None, previous=None):
    """The JSON body of a webhook (see docs/headless.md for its schema).

    Args:
        event: the event name.
        page: the page it is about.
        paths: the paths to revalidate (deduplicated and cut to
            ``WEBHOOK_MAX_PATHS`` here).
        paths_total: how many there are in all (default: as many as
            ``paths``); more than listed sets ``purge_all``.
        previous: a move's previous place.
    """
    location = _location(page)
    paths = _dedupe(paths)
    max_paths = _max_paths()
    total = max(paths_total or 0, len(paths))
    truncated = total > max_paths or len(paths) > max_paths
    payload = {
        "event": event,
        "timestamp": timezone.now().isoformat(),
        "page": _page_info(page, location),
        "paths": paths[:max_paths],
        "paths_total": total,
        "purge_all": truncated,
        "paths_url": (
            shown_on_url(page, location) if page.live and location is not None else None
        ),
    }
    if previous is not None:
        payload["previous"] = previous
    return payload


def page_payload(event, page, parent=OWN_PARENT):
    """The payload of a publish, unpublish or delete event for ``page``.

    ``parent`` defaults to the page's own (found without a query).
    """
    paths, total = _paths_for(page, parent)
    return build_payload(event, page, paths=paths, paths_total=total)


def move_payload(page, url_path_before, parent_before):
    """The payload of a move, or None when no live page changed its URL.

    Lists the old and new paths of the page and of its live descendants,
    both parents' paths, and those of the live pages referring to the page.
    """
    max_paths = _max_paths()
    found = moved_locations(page, url_path_before, parent_before, limit=max_paths)
    if not found:
        return None
    paths = _dedupe(location["path"] for location, _shown in found)
    total = len(paths)
    if total > max_paths:
        # At most max_paths referring pages were listed: count the others.
        total += max(0, showing_pages(page, parent=None).count() - max_paths)
    page_before = _with_url_path(page, url_path_before)
    old_location = _location(page_before)
    previous = {
        "parent_id": parent_before.pk if parent_before is not None else None,
        "url": _public_url(page_before, old_location),
        "path": old_location["path"] if old_location else None,
    }
    return build_payload(
        WebhookDelivery.Event.MOVED,
        page,
        paths=paths,
        paths_total=total,
        previous=previous,
    )
