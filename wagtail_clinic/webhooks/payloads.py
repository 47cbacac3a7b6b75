"""The JSON bodies of publish notifications (see docs/headless.md).

Layer 5 (feature wiring): describes pages (their URL paths, the paths of
their parents and of the live pages referring to them) for the webhooks.
Which pages show a page is ``serialisation.locations``, shared with the
edge-cache purge (``wagtail_clinic.frontend_cache``).
"""

from urllib.parse import urlsplit

from django.utils import timezone

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.locations import affected_pages, moved_locations
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
        "url": location["url"] if location else None,
        "path": location["path"] if location else None,
        "site": site,
    }


def _paths_for(page, parent):
    """The page's path, its parent's and those of live pages referring to it."""
    pages = affected_pages(page, parent)
    return [location["path"] for location in map(_location, pages) if location]


def _dedupe(paths):
    return list(dict.fromkeys(path for path in paths if path))


def build_payload(event, page, *, paths, previous=None):
    """The JSON body of a webhook (see docs/headless.md for its schema)."""
    payload = {
        "event": event,
        "timestamp": timezone.now().isoformat(),
        "page": _page_info(page, _location(page)),
        "paths": _dedupe(paths),
    }
    if previous is not None:
        payload["previous"] = previous
    return payload


def page_payload(event, page):
    """The payload of a publish, unpublish or delete event for ``page``."""
    return build_payload(event, page, paths=_paths_for(page, page.get_parent()))


def move_payload(page, url_path_before, parent_before):
    """The payload of a move, or None when no live page changed its URL.

    Lists the old and new paths of the page and of its live descendants,
    both parents' paths, and those of the live pages referring to the page.
    """
    found = moved_locations(page, url_path_before, parent_before)
    if not found:
        return None
    paths = [location["path"] for location, _shown in found]
    old_location = _location(_with_url_path(page, url_path_before))
    previous = {
        "parent_id": parent_before.pk if parent_before is not None else None,
        "url": old_location["url"] if old_location else None,
        "path": old_location["path"] if old_location else None,
    }
    return build_payload(
        WebhookDelivery.Event.MOVED, page, paths=paths, previous=previous
    )
