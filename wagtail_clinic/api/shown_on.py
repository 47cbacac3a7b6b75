"""Where a page is shown: ``GET /pages/{page_id}/shown-on/`` (layer 6).

``router`` (a ninja ``Router``, mounted by ``api.router``) serves the URL
paths a change of a page makes stale, page by page: the page itself, its
parent index page, the pages whose content refers to it (the reference
index) and those choosing it in a many-to-many field
(``serialisation.locations.showing_pages``, the same set the webhooks and
the edge-cache purge use). A webhook whose payload could not list them all
(``purge_all``) links here (``paths_url``).

Only live, public pages of the requested site are listed (``api.visibility``);
a page that is not visible itself is a 404. Cached as a public response like
the other clinic endpoints (``api.caching``). Costs the same queries whatever
the number of pages showing the page: a count and one page of results.
"""

from typing import Annotated

import swapper

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.decorators import decorate_view
from pydantic import Field

from wagtail_clinic.api.caching import api_cache, content_changed_at, set_last_modified
from wagtail_clinic.api.visibility import PublicScope, find_site, page_urls
from wagtail_clinic.public_input.ids import MAX_PAGE_ID
from wagtail_clinic.public_input.params import (
    DEFAULT_LIMIT,
    SITE_DESCRIPTION,
    Limit,
    SafeText,
    check_limit,
    reject_repeated,
)
from wagtail_clinic.public_input.problems import (
    CONDITIONAL_RESPONSES,
    ERROR_RESPONSES,
    Problem,
    answers_problems,
    field_error,
)
from wagtail_clinic.serialisation.locations import showing_pages
from wagtail_clinic.serialisation.schemas import ClinicSchema


__all__ = ["ClinicShownOn", "ClinicShownOnList", "router", "shown_on"]

router = Router(tags=["clinic"])

_NOT_FOUND = "No page matches the given id."

PageId = Annotated[int, Path(ge=1, le=MAX_PAGE_ID, description="The page's id.")]


class ClinicShownOn(ClinicSchema):
    """A live, public page that shows the page (or the page itself)."""

    id: int
    path: str = Field(description="URL path within the site.")
    url: str = Field(description="Absolute URL of the page.")


#: One page of the pages showing a page (no docstring: it would be in OpenAPI).
class ClinicShownOnList(ClinicSchema):
    count: int = Field(description="Number of pages, all result pages.")
    items: list[ClinicShownOn]


def shown_on(scope, page, offset, limit):
    """``(count, pages)``: ``page`` then the visible pages showing it, one slice.

    Args:
        scope: the ``PublicScope`` of the request.
        page: a page visible in ``scope``.
        offset: how many pages to skip (``page`` is the first).
        limit: how many to return at most.

    An offset past the end gives no pages without asking the database for
    it (SQLite and PostgreSQL reject offsets beyond 64 bits).
    """
    others = showing_pages(page).filter(scope.q)
    count = 1 + others.count()
    pages = []
    if offset >= count:
        return count, pages
    if offset == 0:
        pages.append(page)
        start, stop = 0, limit - 1
    else:
        start, stop = offset - 1, offset - 1 + limit
    if stop > start:
        pages += list(others[start:stop].specific(defer=True))
    return count, pages


@router.get(
    "/pages/{page_id}/shown-on/",
    response={200: ClinicShownOnList, **CONDITIONAL_RESPONSES, **ERROR_RESPONSES},
    url_name="clinic_page_shown_on",
    operation_id="clinic_page_shown_on",
    summary="Where a page is shown",
    description=(
        "The URL paths a change of the page makes stale: the page itself, then "
        "its parent index page and the live, public pages whose content shows "
        "it (a page chooser, a rich-text link, a many-to-many chooser), by "
        "tree path. Webhook payloads link here (paths_url) when they list too "
        "many paths. Drafts, private pages and other sites' pages are never "
        "listed; the page itself must be live and public (404 otherwise)."
    ),
)
@decorate_view(api_cache)
@answers_problems
def clinic_page_shown_on(
    request: HttpRequest,
    page_id: PageId,
    offset: int = Query(  # noqa: B008 - ninja's parameter declaration.
        0, ge=0, description="How many pages to skip. Past the end, items is empty."
    ),
    limit: Limit = Query(  # noqa: B008
        DEFAULT_LIMIT,
        ge=1,
        description=(
            'How many pages to return, at most WAGTAIL_CLINIC["API_LIMIT_MAX"] '
            "(default: WAGTAILAPI_LIMIT_MAX, 20 unless set)."
        ),
    ),
    site: SafeText | None = Query(None, max_length=255, description=SITE_DESCRIPTION),  # noqa: B008
):
    """The page and the pages showing it, page by page."""
    reject_repeated(request, ("offset", "limit", "site"))
    limit = check_limit(request, limit)
    scope = PublicScope(find_site(request, site))
    page_model = swapper.load_model("wagtailcore", "Page")
    page = page_model.objects.filter(scope.q, pk=page_id).first()
    if page is None:
        raise Problem(
            404,
            _NOT_FOUND,
            [field_error("page_id", _NOT_FOUND, kind="not_found", source="path")],
        )
    count, pages = shown_on(scope, page, offset, limit)
    set_last_modified(
        request,
        *(shown.last_published_at for shown in pages),
        content_changed_at(scope.site),
    )
    items = []
    for shown in pages:
        url, path = page_urls(shown, request)
        items.append({"id": shown.pk, "path": path, "url": url})
    return {"count": count, "items": items}
