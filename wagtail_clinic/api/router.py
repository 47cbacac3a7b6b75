"""The clinic's router, mounted on Wagtail's v3 API under ``/clinic/``.

Layer 6 (delivery). ``build_router(page_detail_schema)`` returns a ninja
``Router`` with the page endpoints below and mounts the routers of the
clinic's features:

* ``GET /pages/by-path/?path=/conditions/back-pain/``: a page found by its
  URL path within the site, so a frontend can route;
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

from django.http import HttpRequest
from ninja import Router
from ninja.decorators import decorate_view
from wagtail.api.rich_text import RichTextOutputFormat

from wagtail_clinic.api import listings, shown_on
from wagtail_clinic.api.caching import api_cache
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
            "repeated slashes are ignored. 404 when no such page is visible."
        ),
    )
    @decorate_view(api_cache)
    @answers_problems
    def clinic_page_by_path(
        request: HttpRequest,
        path: SafeText = PATH_QUERY,
        site: SafeText | None = SITE_QUERY,
        rich_text_format: RichTextOutputFormat | None = RICH_TEXT_QUERY,
    ):
        reject_repeated(request, ("path", "site", "rich_text_format"))
        scope = PublicScope(find_site(request, site))
        components = [part for part in path.split("/") if part]
        url_path = scope.site.root_page.url_path + "".join(f"{c}/" for c in components)
        queryset = page_model.objects.filter(url_path=url_path)
        return page_detail(request, scope, queryset, **_NOT_FOUND_BY_PATH)

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
        return page_detail(request, scope, queryset, **_NOT_FOUND_BY_ID)
