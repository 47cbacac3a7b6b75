"""The JSON bodies of publish notifications (see docs/headless.md).

Layer 5 (feature wiring): describes pages (their URL paths, the paths of
their parents and of the live pages referring to them) for the webhooks.
"""

import copy

from urllib.parse import urlsplit

import swapper

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ReferenceIndex, Site

from wagtail_clinic.conf import clinic_settings
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


def _location(page):
    """``{"site_id", "root_url", "path", "url"}`` of a page, or None if unrouted."""
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


def _referencing_live_pages(page):
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


def _paths_for(page, parent):
    """The page's path, its parent's and those of live pages referring to it."""
    pages = [page]
    if parent is not None and parent.live and not parent.is_root():
        pages.append(parent)
    pages += _referencing_live_pages(page)
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
    descendants = page.get_descendants().live().specific(defer=True)
    moved = [p for p in [page, *descendants] if p.live]
    if not moved:
        return None
    paths = []
    for moved_page in moved:
        old_url_path = url_path_before + moved_page.url_path[len(page.url_path) :]
        old, new = (
            _location(_with_url_path(moved_page, old_url_path)),
            _location(moved_page),
        )
        paths += [location["path"] for location in (old, new) if location]
    for parent in (parent_before, page.get_parent()):
        if parent is not None and parent.live and not parent.is_root():
            location = _location(parent)
            paths += [location["path"]] if location else []
    paths += [
        location["path"]
        for location in map(_location, _referencing_live_pages(page))
        if location
    ]
    old_location = _location(_with_url_path(page, url_path_before))
    previous = {
        "parent_id": parent_before.pk if parent_before is not None else None,
        "url": old_location["url"] if old_location else None,
        "path": old_location["path"] if old_location else None,
    }
    return build_payload(
        WebhookDelivery.Event.MOVED, page, paths=paths, previous=previous
    )


def _with_url_path(page, url_path):
    """A copy of ``page`` at another ``url_path`` (to find a URL it had before)."""
    before = copy.copy(page)
    before.url_path = url_path
    return before
