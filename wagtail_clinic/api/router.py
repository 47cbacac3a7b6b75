"""The clinic's router, mounted on Wagtail's v3 API under ``/clinic/``.

Layer 6 (delivery). ``build_router(page_detail_schema)`` returns a ninja
``Router`` with the page endpoints below and mounts the routers of the
clinic's features:

* ``GET /pages/by-path/?path=/conditions/back-pain/``: a page found by its
  URL path within the site, so a frontend can route (under the root of the
  requested locale: ``/fr/conditions/…`` or ``?locale=fr``);
* ``GET /pages/{page_id}/``: a page, exactly as ``/api/v3/pages/{id}/``;
* ``GET /preview/``: a draft (``wagtail_clinic.preview.api``);
* ``GET /conditions/``, ``GET /massage-types/``: cards (``api.listings``);
* ``POST /appointment-requests/`` (``wagtail_clinic.booking.api``);
* ``/pages/{page_id}/comments/…`` (``wagtail_clinic.comments.api``).

Every read endpoint is anonymous and shows only live, public pages of the
requested site (``api.visibility``). Bad parameters get RFC 7807
``application/problem+json`` answers with field-level ``errors``.

Nothing here imports ``wagtail.api.v3``: ``wagtail_clinic.api.v3`` imports
this module by name (``v3.ENDPOINTS_MODULE``), passes in the page detail
schema, mounts the router and reads ``request_body_limits()``.
"""

import swapper

from django.db.models import Subquery, TextField, Value
from django.db.models.functions import Concat
from django.http import HttpRequest
from django.utils import translation
from ninja import Router
from ninja.decorators import decorate_view
from wagtail.api.rich_text import RichTextOutputFormat

from wagtail_clinic.api import listings, shown_on
from wagtail_clinic.api.caching import api_cache
from wagtail_clinic.api.locales import (
    LOCALE_QUERY,
    language_prefix,
    locale_q,
    note_language,
    noted_language,
    requested_language,
)
from wagtail_clinic.api.visibility import PublicScope, find_site, page_detail
from wagtail_clinic.booking import api as booking_api
from wagtail_clinic.comments import api as comments_api
from wagtail_clinic.preview import api as preview_api
from wagtail_clinic.public_input.params import (
    PATH_QUERY,
    RICH_TEXT_QUERY,
    SITE_QUERY,
    SafeText,
    reject_repeated,
)
from wagtail_clinic.public_input.problems import (
    CONDITIONAL_RESPONSES,
    ERROR_RESPONSES,
    answers_problems,
)
from wagtail_clinic.serialisation.translations import i18n_enabled


#: ``page_detail``'s arguments for the 404 of each page operation.
_NOT_FOUND_BY_PATH = {
    "source": "query",
    "name": "path",
    "message": "No page matches the given path.",
}
_NOT_FOUND_BY_ID = {
    "source": "path",
    "name": "page_id",
    "message": "No page matches the given id.",
}


def request_body_limits():
    """``{operationId: callable}``: the largest request body (in bytes) each
    operation reads, for the OpenAPI document (``api.v3``)."""
    return {
        **booking_api.request_body_limits(),
        **comments_api.request_body_limits(),
    }


def build_router(page_detail_schema):
    """The clinic's router: the page endpoints and the features' routers.

    The feature routers keep their own cache headers (private previews,
    uncacheable appointment requests and comment posts): ``api_cache`` is
    applied per operation, never to a whole router.

    Args:
        page_detail_schema: Wagtail's v3 page detail schema (the union of
            every page type), so page details here have exactly the shape of
            ``GET /api/v3/pages/{id}/``.

    Returns:
        A ``ninja.Router`` to mount at ``/clinic/`` on Wagtail's v3 API.
    """
    router = Router(tags=["clinic"])
    _add_page_routes(router, page_detail_schema)
    for child in (
        preview_api.build_router(page_detail_schema),
        listings.router,
        shown_on.router,
        booking_api.router,
        comments_api.router,
    ):
        # Mounted with the parent's tags: a child's own would be added to them.
        router.add_router("", child, tags=["clinic"])
    return router


def _add_page_routes(router, page_detail_schema):
    """Add ``GET /pages/by-path/`` and ``GET /pages/{page_id}/`` to ``router``."""
    detail_responses = {
        200: page_detail_schema,
        **CONDITIONAL_RESPONSES,
        **ERROR_RESPONSES,
    }
    page_model = swapper.load_model("wagtailcore", "Page")

    # Registered before /pages/{page_id}/, which would match "by-path".
    @router.get(
        "/pages/by-path/",
        response=detail_responses,
        url_name="clinic_page_by_path",
        operation_id="clinic_page_by_path",
        summary="Page by URL path",
        description=(
            "The live, public page at a URL path of the site, in the shape of "
            "/api/v3/pages/{id}/. Missing leading or trailing slashes and "
            "repeated slashes are ignored. The path is looked up under the "
            "root page of one locale: a leading language code "
            "(/fr/conditions/..., as i18n_patterns serves it) or ?locale= "
            "names it, else the request's language. 404 when no such page "
            "is visible."
        ),
    )
    @decorate_view(api_cache)
    @answers_problems
    def clinic_page_by_path(
        request: HttpRequest,
        path: SafeText = PATH_QUERY,
        site: SafeText | None = SITE_QUERY,
        rich_text_format: RichTextOutputFormat | None = RICH_TEXT_QUERY,
        locale: SafeText | None = LOCALE_QUERY,
    ):
        reject_repeated(request, ("path", "site", "rich_text_format", "locale"))
        found_site = find_site(request, site)
        components = [part for part in path.split("/") if part]
        language, components = path_language(request, components, locale)
        scope = PublicScope(found_site, language)
        queryset = page_model.objects.filter(
            url_path=url_path_q(page_model, found_site.root_page, language, components)
        )
        page = page_detail(request, scope, queryset, **_NOT_FOUND_BY_PATH)
        negotiated = noted_language(request)[1]
        return in_page_language(request, page, negotiated=negotiated)

    @router.get(
        "/pages/{page_id}/",
        response=detail_responses,
        url_name="clinic_page_detail",
        operation_id="clinic_page_detail",
        summary="Page detail",
        description=(
            "A live, public page of the site, in the shape of /api/v3/pages/{id}/. "
            "Drafts, private pages and other sites' pages are 404."
        ),
    )
    @decorate_view(api_cache)
    @answers_problems
    def clinic_page_detail(
        request: HttpRequest,
        page_id: int,
        site: SafeText | None = SITE_QUERY,
        rich_text_format: RichTextOutputFormat | None = RICH_TEXT_QUERY,
    ):
        reject_repeated(request, ("site", "rich_text_format"))
        scope = PublicScope(find_site(request, site))
        queryset = page_model.objects.filter(pk=page_id)
        page = page_detail(request, scope, queryset, **_NOT_FOUND_BY_ID)
        return in_page_language(request, page, negotiated=False)


def path_language(request, components, locale=None):
    """``(language, components)`` of a by-path request.

    A leading language code (``/fr/conditions/…``, as ``i18n_patterns``
    serves other languages) names the locale and is dropped from the path,
    unless ``?locale=`` names another one (then it is an ordinary slug).
    Without either, the request's language (``api.locales``).
    """
    prefixed, rest = language_prefix(components) if i18n_enabled() else (None, [])
    if locale:
        language = requested_language(request, locale)
        return language, rest if prefixed == language else components
    if prefixed is not None:
        note_language(request, prefixed, negotiated=False)
        return prefixed, rest
    return requested_language(request), components


def url_path_q(page_model, root, language, components):
    """The ``url_path`` of the page at ``components`` under the root of the
    locale of ``language`` (the translation of the site root page), as an
    expression: the root's translation is a subquery, not a query."""
    tail = "".join(f"{c}/" for c in components)
    if language is None or not i18n_enabled():
        return root.url_path + tail
    roots = page_model.objects.filter(
        locale_q(language), translation_key=root.translation_key
    ).values("url_path")[:1]
    return Concat(Subquery(roots), Value(tail), output_field=TextField())


def in_page_language(request, page, *, negotiated):
    """Serialise ``page`` in its own language; returns it.

    Activates the language of the page's locale until the response is
    built (``api_cache`` restores the request's), so translated labels and
    the representation cache's entries are those of the page's language,
    and records it for ``Content-Language`` (``Vary`` too when the page was
    chosen by the request's negotiated language: ``negotiated``).
    """
    if not i18n_enabled():
        return page
    locale = page.locale  # Loaded with the page (``visible_page``).
    translation.activate(locale.language_code)
    note_language(request, locale.language_code, negotiated=negotiated)
    return page
