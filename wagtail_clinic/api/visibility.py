"""What an anonymous visitor of a site may see, for the clinic's API.

Layer 5 (feature wiring), shared by the page, listing and comment
operations: the ``Site`` a request is about (``find_site``), the live,
public pages of that site (``PublicScope``), a page's URLs (``page_urls``)
and the lookup of one visible page (``visible_page``, ``page_detail``).

A view restriction of any kind (password, login, groups) hides a page and
its subtree, whoever asks, so responses never depend on credentials and
shared caches may keep them (see ``api.caching``).
"""

import re

import swapper

from django.conf import settings
from wagtail.models import Site

from wagtail_clinic.api.caching import content_changed_at, set_last_modified
from wagtail_clinic.api.locales import locale_q
from wagtail_clinic.models.condition_summary import prefixed_q, site_trees_q
from wagtail_clinic.preview.frontends import frontend_page_url
from wagtail_clinic.public_input.problems import Problem, field_error, invalid


_SITE = re.compile(r"(?P<hostname>[^:]+)(?::(?P<port>[0-9]{1,5}))?")


def find_site(request, site=None):
    """The ``Site`` a request is about: ``?site=host[:port]`` or its host.

    Raises:
        Problem: 404 when no site is configured, 422 when ``site`` names no
            single site.
    """
    if not site:
        found = Site.find_for_request(request)
        if found is None:
            raise Problem(404, "No site is configured.")
        return found
    match = _SITE.fullmatch(site)
    if match is None:
        raise invalid("site", 'Use "hostname" or "hostname:port".')
    sites = Site.objects.select_related("root_page").filter(hostname=match["hostname"])
    if match["port"]:
        sites = sites.filter(port=int(match["port"]))
    sites = list(sites[:2])
    if len(sites) > 1:
        raise invalid("site", "More than one site has this host name; add the port.")
    if not sites:
        raise invalid("site", "No site has this host name.", kind="not_found")
    return sites[0]


class PublicScope:
    """The pages an anonymous visitor of ``site`` may see.

    Live pages in the site's tree (and its translations' trees when
    ``WAGTAIL_I18N_ENABLED``), minus every view-restricted subtree, whatever
    the restriction and whoever asks; only those in the locale of
    ``language`` (a language code, ``api.locales.requested_language``) when
    given. Built once per request: the restrictions cost one query; the
    translations of the site root and the locale are subqueries.
    """

    def __init__(self, site, language=None):
        page_model = swapper.load_model("wagtailcore", "Page")
        self.site = site
        self.language = language
        # Wagtail's private_q() looks the restrictions up: once per request.
        self._visible = page_model.objects.live_q() & ~page_model.objects.private_q()
        self.q = self.q_through()

    def q_through(self, prefix=""):
        """The visibility ``Q`` of pages reached through a relation, e.g.
        ``prefix="condition__"`` on a many-to-many table (``""``: ``q``)."""
        page_model = swapper.load_model("wagtailcore", "Page")
        pages = page_model.objects.all()
        root = self.site.root_page
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            in_site = site_trees_q(self.site, prefix)
        else:
            in_site = prefixed_q(pages.descendant_of_q(root, inclusive=True), prefix)
        return (
            prefixed_q(self._visible, prefix)
            & in_site
            & locale_q(self.language, prefix)
        )

    def pages(self, model):
        """A queryset of ``model`` restricted to the visible pages."""
        return model.objects.filter(self.q)


def page_urls(page, request):
    """``(url, path)``: the page's absolute public URL (its headless
    frontend's when its site has one) and its path within its site."""
    parts = page.get_url_parts(request)
    if parts is None or parts[2] is None:
        return "", ""
    _, root_url, path = parts
    return frontend_page_url(page, request) or (root_url or "") + path, path


def visible_page(scope, queryset, *, source, name, message):
    """The specific page of ``queryset`` in ``scope``, or a 404 problem."""
    page = queryset.filter(scope.q).select_related("content_type").first()
    if page is None:
        raise Problem(
            404, message, [field_error(name, message, kind="not_found", source=source)]
        )
    model = page.specific_class
    if model is None:  # The page's model no longer exists.
        return page
    # The locale is in every page detail's meta: load it in the same query.
    return model.objects.select_related("locale").get(pk=page.pk)


def page_detail(request, scope, queryset, **not_found):
    """``visible_page`` for a detail response, with its ``Last-Modified`` set.

    ``not_found`` are ``visible_page``'s ``source``, ``name`` and ``message``.
    """
    page = visible_page(scope, queryset, **not_found)
    set_last_modified(request, page.last_published_at, content_changed_at(scope.site))
    return page
