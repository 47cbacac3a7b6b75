"""``SitemapMixin``: the clinic pages' entries in ``wagtail.contrib.sitemaps`` (layer 4b).

Wagtail's ``Sitemap`` lists the live, public pages under the site's root page
and asks each for ``get_sitemap_urls(request)``. A clinic page answers with:

* its own entry, whose ``lastmod`` is the later of ``last_published_at`` and
  the page's medical review date (``last_reviewed``), for page types that
  have one; Wagtail's default (``last_published_at``) otherwise;
* with translations on, an entry for each of its live, public translations
  on the same site (Wagtail's sitemap walks only the site root's tree, so the
  French pages under ``/fr/`` would be missing), each with its own URL and
  ``lastmod``;
* when it has translations, ``xhtml:link`` hreflang alternates (Django's
  ``sitemap.xml`` template renders them), with ``x-default`` for the
  default language's version, as the pages' ``<link rel="alternate">``.

The URLs are the pages' own (``get_full_url``), so a host that changes how
page URLs are built (a headless frontend) changes the sitemap with them.

The translations of the whole site are loaded once per request (one query
for the pages, one per page type for their fields, one for the view
restrictions), never per page. Values are the live ones: the page rows hold
the published revision, drafts only ever live in revisions.
"""

import datetime

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, Site

from wagtail_clinic.serialisation.translations import (
    default_locale,
    i18n_enabled,
    page_language,
)


#: The request attribute holding the site and its translations for one sitemap.
_REQUEST_CACHE = "_wagtail_clinic_sitemap"


def sitemap_lastmod(published, reviewed):
    """The later of a publication time and a review date, as a datetime.

    Args:
        published: ``last_published_at`` (a datetime) or None.
        reviewed: a review date (``datetime.date``) or None.

    Returns:
        ``published`` unless ``reviewed`` is a later day, then the start of
        that day (aware in the current time zone when ``USE_TZ``), so that
        Wagtail can compare every entry's ``lastmod``; None if both are None.
    """
    if reviewed is None:
        return published
    if published is not None:
        published_day = (
            timezone.localdate(published)
            if timezone.is_aware(published)
            else published.date()
        )
        if reviewed <= published_day:
            return published
    reviewed_at = datetime.datetime.combine(reviewed, datetime.time.min)
    if settings.USE_TZ:
        reviewed_at = timezone.make_aware(reviewed_at)
    return reviewed_at


def _load_site_translations(request):
    """``(site, {translation_key: [page, ...]})`` for the request's site.

    The pages are the live, public, specific pages under the translations of
    the site's root page in the other locales (where Wagtail's sitemap does
    not look).
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = (
            Site.objects.select_related("root_page")
            .filter(is_default_site=True)
            .first()
        )
    by_key = {}
    if site is None or not i18n_enabled():
        return site, by_key
    root_path = site.root_page.url_path
    other_roots = [
        srp.root_path
        for srp in Site.get_site_root_paths()
        if srp.site_id == site.pk and srp.root_path != root_path
    ]
    if not other_roots:
        return site, by_key
    pages = (
        Page.objects.filter(
            reduce(or_, (Q(url_path__startswith=path) for path in other_roots))
        )
        .live()
        .public()
        .order_by("path")
        .defer_streamfields()
        .specific()
    )
    for page in pages:
        by_key.setdefault(page.translation_key, []).append(page)
    return site, by_key


def site_translations(request):
    """The request's site and its translated pages, loaded once per request."""
    cached = getattr(request, _REQUEST_CACHE, None)
    if cached is None:
        cached = _load_site_translations(request)
        if request is not None:
            setattr(request, _REQUEST_CACHE, cached)
    return cached


class SitemapMixin:
    """Review-based ``lastmod`` and per-locale entries in the XML sitemap.

    Put it before ``Page`` in the bases. A page type with a review date
    names its field in ``sitemap_review_date_field`` (``None``: Wagtail's
    ``lastmod``).
    """

    #: The ``DateField`` holding the page's last medical review, or None.
    sitemap_review_date_field = None

    def get_sitemap_lastmod(self):
        """The later of ``last_published_at`` and the review date."""
        published = self.last_published_at or self.latest_revision_created_at
        field = self.sitemap_review_date_field
        reviewed = getattr(self, field, None) if field else None
        return sitemap_lastmod(published, reviewed)

    def get_sitemap_urls(self, request=None):
        """This page's sitemap entries: itself, then its translations.

        Translations are listed by the page in the site root's locale (the
        tree Wagtail's ``Sitemap`` walks); a page in another locale lists
        only itself. Pages without a URL are left out. Pass ``request``:
        without one, each call loads the site's translations again.
        """
        site, by_key = site_translations(request)
        group = [self]
        if site is not None and self.locale_id == site.root_page.locale_id:
            group += [
                page
                for page in by_key.get(self.translation_key, ())
                if page.pk != self.pk and _on_site(page, site, request)
            ]
        linked = []
        for page in sorted(group, key=page_language):
            location = page.get_full_url(request)
            if location:
                linked.append((page, location))
        alternates = _alternates(linked)
        entries = []
        for page, location in linked:
            entry = {"location": location, "lastmod": _lastmod(page)}
            if alternates:
                entry["alternates"] = alternates
            entries.append(entry)
        return entries


def _lastmod(page):
    """A page's ``lastmod``: its own rule, else Wagtail's."""
    if isinstance(page, SitemapMixin):
        return page.get_sitemap_lastmod()
    return page.last_published_at or page.latest_revision_created_at


def _on_site(page, site, request):
    """Whether ``page``'s URL is on ``site`` (``get_url_parts`` names the site)."""
    parts = page.get_url_parts(request)
    return parts is not None and parts[0] == site.pk


def _alternates(linked):
    """Django's ``alternates`` for ``[(page, location)]``: one per language, then
    ``x-default`` (the default language's version); none for a single page."""
    if len(linked) < 2:
        return []
    alternates = [
        {"lang_code": page_language(page), "location": location}
        for page, location in linked
    ]
    default = default_locale()
    for page, location in linked:
        if default is not None and page.locale_id == default.pk:
            alternates.append({"lang_code": "x-default", "location": location})
            break
    return alternates
