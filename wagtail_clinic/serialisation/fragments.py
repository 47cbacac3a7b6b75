"""Rendered HTML fragments of live pages, cached with their API values (layer 2).

An article's HTML is mostly work that depends only on published content:
the body's chosen objects and renditions, its rich text links, the outline
and citations, the JSON-LD (clinic, opening hours, breadcrumb trail,
reviewer) and the meta tags. The article templates wrap those parts in
``{% clinic_cached_fragment "name" %}`` (``wagtail_clinic_tags``), which
keeps their HTML in the representation cache (``serialisation.cache``):
the same storage, the same version tokens (content version, the page's own
page version, its ancestors' tree versions) and so the same invalidation
as the API values: publishing the page or a page it shows, or changing an
image, a clinic, its hours or a therapist, makes the HTML stale exactly
as it makes the API values stale.

Key: everything :func:`serialisation.cache.cached_value` keys with (page
and live revision, language, release and settings, version tokens) and the
request's site and origin (the HTML holds absolute URLs), the canonical
``?page=`` number, and the templates: the page's template and the template
holding the tag, each by its path and modification time, so an edited or
overridden template never meets HTML rendered by another.

Never cached (:func:`request_allows` and ``cache.is_cacheable``): with the
representation cache off (``cache.enabled``), drafts, revisions and previews
(``cache.exclude_from_cache``, ``request.is_preview``), pages that are not
live, anything but GET/HEAD, and requests that may belong to a signed-in
user or a visitor who passed a view restriction (a session cookie or an
``Authorization`` header): private pages are rendered only for those, since
Wagtail answers every other visitor with its password form or login
redirect before the page is served. What renders per visitor (the comment
form with its CSRF token, messages) stays outside the cached fragments.
"""

import os

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.functional import LazyObject, empty

from wagtail_clinic.serialisation import cache


__all__ = [
    "HTML_FORMAT_VERSION",
    "PageFragments",
    "request_allows",
    "template_stamp",
]

#: Changes whenever the cached HTML's shape changes (a template context change).
HTML_FORMAT_VERSION = 1
#: The context variable holding the page's ``PageFragments``.
CONTEXT_NAME = "clinic_page_fragments"
_NAME_PREFIX = "html:"


def request_allows(request):
    """Whether HTML rendered for ``request`` may be shared with other visitors.

    Decided without a query and without reading the session (which would
    add ``Vary: Cookie``): see the module doc.
    """
    if request is None or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False) or getattr(request, "is_dummy", False):
        return False
    if (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return False
    # A user already resolved (never resolve it here: that reads the session).
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return not (user is not None and getattr(user, "is_authenticated", False))


def _file_stamp(path):
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, TypeError, ValueError):
        return None


def template_stamp(*names):
    """Which files the templates ``names`` resolve to, and when they changed.

    Resolved through Django's (cached) template loaders, so a host site's
    override of a template gives other keys than the package's own.
    """
    stamp = []
    for name in names:
        try:
            origin = get_template(name).origin.name
        except TemplateDoesNotExist:
            origin = None
        stamp.append((str(name), origin, _file_stamp(origin)))
    return tuple(stamp)


def _canonical_page_number(request):
    number = request.GET.get("page", "")
    return int(number) if number.isdigit() and int(number) > 1 else 1


class PageFragments:
    """The cached fragments of one page for one request.

    Args:
        page: the page served.
        request: the request it is served for.
        templates: the templates the fragments come from (their names), e.g.
            the page's template and the layout it extends.
    """

    def __init__(self, page, request, templates=()):
        self.page = page
        self.request = request
        self.active = cache.is_cacheable(page) and request_allows(request)
        self.variant = None
        if self.active:
            self.variant = (
                "html",
                HTML_FORMAT_VERSION,
                template_stamp(*templates),
                _canonical_page_number(request),
                *cache.request_variant(request, "html"),
            )

    def get(self, name):
        """The cached HTML of fragment ``name``, or None."""
        if not self.active:
            return None
        return cache.peek(self.page, _NAME_PREFIX + name, self.variant)

    def render(self, name, render):
        """The HTML of fragment ``name``: cached, or ``render()`` (then stored)."""
        if not self.active:
            return render()
        return cache.cached_value(self.page, _NAME_PREFIX + name, self.variant, render)
