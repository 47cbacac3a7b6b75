"""The clinic's read endpoints, mounted on Wagtail's v3 API under ``/clinic/``.

``build_router(page_detail_schema)`` returns a ninja ``Router`` with:

* ``GET /pages/{page_id}/``: a page, exactly as ``/api/v3/pages/{id}/``;
* ``GET /pages/by-path/?path=/conditions/back-pain/``: the same, found by its
  URL path within the site, so a frontend can route;
* ``GET /conditions/``: condition article cards;
* ``GET /massage-types/``: massage type cards.

Every endpoint is anonymous and shows only live, public pages of the
requested site: a view restriction of any kind (password, login, groups)
hides a page and its subtree, whoever asks, so responses never depend on
credentials and shared caches may keep them (see ``caching``). Listings cost
the same number of queries whatever the number of cards.

Bad parameters get RFC 7807 ``application/problem+json`` answers with
field-level ``errors``, in the shape Wagtail's v3 handlers give the errors
ninja raises itself (e.g. a non-integer id, 422).

Nothing here imports ``wagtail.api.v3``: ``wagtail_clinic.api.v3`` passes in
the page detail schema and mounts the router.
"""

import re

from datetime import date
from functools import reduce, wraps
from operator import or_
from typing import Annotated

import swapper

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import BaseModel, ConfigDict, Field
from wagtail.api.rich_text import RichTextOutputFormat
from wagtail.models import Site

from wagtail_clinic.api.caching import api_cache, content_changed_at, set_last_modified
from wagtail_clinic.api.representations import (
    image_representation,
    page_image,
    page_summary,
)
from wagtail_clinic.api.schemas import ClinicImage, ClinicSchema, Documented
from wagtail_clinic.blocks.choosers import rendition_prefetch
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.models import ConditionPage, MassageTypePage
from wagtail_clinic.public_input.problems import (  # PROBLEM_JSON: kept here too
    PROBLEM_JSON,  # noqa: F401
    problem_response,
)
from wagtail_clinic.public_input.search import search_query
from wagtail_clinic.public_input.text import SingleLineText


DEFAULT_LIMIT = 20
MAX_PATH_LENGTH = 2048
# Largest id worth a lookup: SQLite rejects integers beyond 64 bits.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")
_SITE = re.compile(r"(?P<hostname>[^:]+)(?::(?P<port>[0-9]{1,5}))?")


# Errors -------------------------------------------------------------------


class ClinicFieldError(BaseModel):
    """One problem with one request parameter."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description='Machine-readable kind, e.g. "int_parsing".')
    loc: list[str | int] = Field(
        description='Where the value came from, e.g. ["query", "limit"].'
    )
    msg: str = Field(description="What is wrong, in English.")


class ClinicProblem(BaseModel):
    """An RFC 7807 problem report (``application/problem+json``)."""

    type: str = Field("about:blank", description="A URI naming the problem kind.")
    title: str = Field(description="The HTTP status phrase.")
    status: int
    detail: str = ""
    errors: list[ClinicFieldError] | None = Field(
        None, description="The offending parameters, when there are any."
    )


class Problem(Exception):
    """Raised by helpers to end a request with a problem response."""

    def __init__(self, status, detail, errors=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors

    def response(self):
        return problem_response(self.status, self.detail, self.errors)


def field_error(name, msg, *, kind="value_error", source="query"):
    """A ``ClinicFieldError`` dict for parameter ``name``."""
    return {"type": kind, "loc": [source, name], "msg": msg}


def invalid(name, msg, *, kind="value_error", status=422):
    """A ``Problem`` about one query parameter."""
    return Problem(status, "Validation failed", [field_error(name, msg, kind=kind)])


def answers_problems(view_func):
    """Turn a ``Problem`` raised in ``view_func`` into its response.

    Problems must not escape to ninja: Wagtail's v3 API re-raises unknown
    exceptions, which would be a 500.
    """

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        try:
            return view_func(request, *args, **kwargs)
        except Problem as problem:
            return problem.response()

    return wrapper


ERROR_RESPONSES = {400: ClinicProblem, 404: ClinicProblem, 422: ClinicProblem}
#: What ``caching.api_cache`` answers to conditional requests: 304 (no body)
#: to a matching ``If-None-Match`` / ``If-Modified-Since``, 412 (a problem)
#: to a failed ``If-Match`` / ``If-Unmodified-Since``.
CONDITIONAL_RESPONSES = {304: None, 412: ClinicProblem}


# Parameters ---------------------------------------------------------------


#: Text parameters follow the one text policy for what people send
#: (``public_input.text``): no control or invisible characters.
SafeText = SingleLineText

SITE_DESCRIPTION = (
    'The site to look in, as "hostname" or "hostname:port" of a Wagtail Site. '
    "Default: the site that serves the request's host name."
)
RICH_TEXT_DESCRIPTION = (
    "How rich text is returned (default: WAGTAILAPI_RICH_TEXT_FORMAT), as in "
    "/api/v3/pages/{id}/."
)


# Parameter declarations shared by the operations below.
PATH_QUERY = Query(
    ...,
    max_length=MAX_PATH_LENGTH,
    description='URL path within the site, e.g. "/conditions/back-pain/".',
)
SITE_QUERY = Query(None, max_length=255, description=SITE_DESCRIPTION)
RICH_TEXT_QUERY = Query(None, description=RICH_TEXT_DESCRIPTION)


#: A listing's ``limit``, documented with its maximum (``limit_max()``). A
#: ``limit`` above it is a 400, as in Wagtail's listings.
Limit = Annotated[int, Documented("maximum", lambda: limit_max())]


class ListParams(Schema):
    offset: int = Field(
        0,
        ge=0,
        description="How many cards to skip. Past the end, items is empty.",
    )
    limit: Limit = Field(
        DEFAULT_LIMIT,
        ge=1,
        description=(
            'How many cards to return, at most WAGTAIL_CLINIC["API_LIMIT_MAX"] '
            "(default: WAGTAILAPI_LIMIT_MAX, 20 unless set)."
        ),
    )
    search: SafeText | None = Field(
        None,
        max_length=255,
        description="Only cards of pages matching these words (Wagtail search).",
    )
    site: SafeText | None = Field(None, max_length=255, description=SITE_DESCRIPTION)


class ConditionListParams(ListParams):
    massage_type: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Only the conditions this massage type (a page id) helps.",
    )


class MassageTypeListParams(ListParams):
    condition: SafeText | None = Field(
        None,
        max_length=255,
        description="Only massage types that help this condition: its page id or slug.",
    )


def reject_repeated(request, names):
    """A problem for each single-valued parameter given more than once."""
    errors = [
        field_error(name, "Give this parameter at most once.", kind="repeated")
        for name in names
        if len(request.GET.getlist(name)) > 1
    ]
    if errors:
        raise Problem(422, "Validation failed", errors)


def limit_max():
    """The largest ``limit`` allowed, or None for no limit."""
    if clinic_settings.API_LIMIT_MAX is not None:
        return clinic_settings.API_LIMIT_MAX
    return getattr(settings, "WAGTAILAPI_LIMIT_MAX", DEFAULT_LIMIT)


# Visibility ---------------------------------------------------------------


def find_site(request, site=None):
    """The ``Site`` a request is about: ``?site=host[:port]`` or its host."""
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
    the restriction and whoever asks. Built once per request: the
    restrictions cost one query.
    """

    def __init__(self, site):
        page_model = swapper.load_model("wagtailcore", "Page")
        pages = page_model.objects.all()
        roots = [site.root_page]
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            roots.extend(site.root_page.get_translations())
        in_site = reduce(or_, (pages.descendant_of_q(r, inclusive=True) for r in roots))
        self.site = site
        self.q = pages.live_q() & ~pages.private_q() & in_site

    def pages(self, model):
        """A queryset of ``model`` restricted to the visible pages."""
        return model.objects.filter(self.q)


def page_urls(page, request):
    """``(url, path)``: the page's absolute URL and its path within its site."""
    parts = page.get_url_parts(request)
    if parts is None or parts[2] is None:
        return "", ""
    _, root_url, path = parts
    return (root_url or "") + path, path


# Cards --------------------------------------------------------------------


class ClinicConditionRef(ClinicSchema):
    """A condition a massage type helps: enough to link to it."""

    id: int
    title: str
    path: str = Field(description="URL path within the site.")


class ClinicConditionCard(ClinicSchema):
    """A condition article, as a listing shows it."""

    id: int
    title: str
    summary: str = Field(description="The article's lede.")
    url: str = Field(description="Absolute URL of the page.")
    path: str = Field(
        description="URL path within the site, e.g. /conditions/back-pain/."
    )
    image: ClinicImage | None
    condition_name: str
    last_reviewed: date | None = Field(description="Date of the last clinical review.")


class ClinicMassageTypeCard(ClinicSchema):
    """A massage type, as a listing shows it."""

    id: int
    title: str
    summary: str
    url: str = Field(description="Absolute URL of the page.")
    path: str = Field(description="URL path within the site.")
    image: ClinicImage | None
    session_lengths: list[int] = Field(description="Session lengths in minutes.")
    conditions: list[ClinicConditionRef] = Field(
        description="The live, public conditions it helps, by title."
    )


class ClinicConditionList(ClinicSchema):
    count: int = Field(description="Number of matching conditions, all pages.")
    items: list[ClinicConditionCard]


class ClinicMassageTypeList(ClinicSchema):
    count: int = Field(description="Number of matching massage types, all pages.")
    items: list[ClinicMassageTypeCard]


def condition_card(page, request):
    url, path = page_urls(page, request)
    image, alt = page_image(page)
    return {
        "id": page.pk,
        "title": page.title,
        "summary": page_summary(page),
        "url": url,
        "path": path,
        "image": image_representation(image, alt),
        "condition_name": page.condition_name,
        "last_reviewed": page.last_reviewed,
    }


def massage_type_card(page, request):
    url, path = page_urls(page, request)
    image, alt = page_image(page)
    return {
        "id": page.pk,
        "title": page.title,
        "summary": page_summary(page),
        "url": url,
        "path": path,
        "image": image_representation(image, alt),
        "session_lengths": page.session_lengths_list,
        "conditions": [
            {"id": c.pk, "title": c.title, "path": page_urls(c, request)[1]}
            for c in page.public_conditions
        ],
    }


def paginate(request, scope, params, queryset, card):
    """``{count, items}`` for one page of ``queryset``, as cards.

    An offset past the end gives no items without asking the database for
    it: SQLite and PostgreSQL reject offsets beyond 64 bits.
    """
    limit = params.limit
    maximum = limit_max()
    if maximum is not None and limit > maximum:
        if "limit" not in request.GET:  # The default, above a lower maximum.
            limit = maximum
        else:
            raise Problem(
                400,
                f"limit cannot be higher than {maximum}",
                [
                    field_error(
                        "limit",
                        f"Input should be less than or equal to {maximum}",
                        kind="less_than_equal",
                    )
                ],
            )
    if params.search and params.search.strip():
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise Problem(
                400,
                "search is disabled",
                [field_error("search", "Search is disabled.")],
            )
        # Plain words only: the typed text never reaches the database's
        # full-text syntax (a lone " was a 500 on SQLite).
        words = search_query(params.search)
        if words:
            queryset = queryset.search(words, order_by_relevance=False)
        else:
            queryset = queryset.none()
    count = queryset.count()
    pages = []
    if params.offset < count:
        pages = list(queryset[params.offset : params.offset + limit])
    set_last_modified(
        request,
        *(page.last_published_at for page in pages),
        content_changed_at(scope.site),
    )
    return {"count": count, "items": [card(page, request) for page in pages]}


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


# Router -------------------------------------------------------------------


def request_body_limits():
    """``{operationId: callable}``: the largest request body (in bytes) each
    operation reads, for the OpenAPI document (``api.v3``)."""
    from wagtail_clinic.api.comments import max_body_size as comment_body_size

    return {
        "clinic_appointment_request_create": lambda: int(
            clinic_settings.APPOINTMENT_MAX_BODY_SIZE
        ),
        "clinic_page_comment_create": comment_body_size,
    }


def build_router(page_detail_schema):
    """The clinic's router: the read endpoints above, plus the routes of the
    draft preview (``api.preview``), appointment requests
    (``api.appointments``) and reader comments (``api.comments``).

    Args:
        page_detail_schema: Wagtail's v3 page detail schema (the union of
            every page type), so page details here have exactly the shape of
            ``GET /api/v3/pages/{id}/``.

    Returns:
        A ``ninja.Router`` to mount at ``/clinic/`` on Wagtail's v3 API.
    """
    router = Router(tags=["clinic"])
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
        return page_detail(
            request,
            scope,
            page_model.objects.filter(url_path=url_path),
            source="query",
            name="path",
            message="No page matches the given path.",
        )

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
        return page_detail(
            request,
            scope,
            page_model.objects.filter(pk=page_id),
            source="path",
            name="page_id",
            message="No page matches the given id.",
        )

    @router.get(
        "/conditions/",
        response={
            200: ClinicConditionList,
            **CONDITIONAL_RESPONSES,
            **ERROR_RESPONSES,
        },
        url_name="clinic_condition_list",
        operation_id="clinic_condition_list",
        summary="Condition articles",
        description=("Cards of the site's live, public condition articles, by title."),
    )
    @decorate_view(api_cache)
    @answers_problems
    def clinic_condition_list(request: HttpRequest, params: Query[ConditionListParams]):
        reject_repeated(request, ConditionListParams.model_fields)
        scope = PublicScope(find_site(request, params.site))
        queryset = (
            scope.pages(ConditionPage)
            .defer_streamfields()
            .select_related("hero_image")
            .prefetch_related(rendition_prefetch("hero_image__renditions"))
            .order_by("title", "id")
        )
        if params.massage_type is not None:
            if not scope.pages(MassageTypePage).filter(pk=params.massage_type).exists():
                raise invalid(
                    "massage_type",
                    "No live massage type has this id.",
                    kind="not_found",
                )
            helps = MassageTypePage.conditions.through.objects.filter(
                massagetypepage_id=params.massage_type
            )
            queryset = queryset.filter(pk__in=helps.values("conditionpage_id"))
        return paginate(request, scope, params, queryset, condition_card)

    @router.get(
        "/massage-types/",
        response={
            200: ClinicMassageTypeList,
            **CONDITIONAL_RESPONSES,
            **ERROR_RESPONSES,
        },
        url_name="clinic_massage_type_list",
        operation_id="clinic_massage_type_list",
        summary="Massage types",
        description="Cards of the site's live, public massage types, by title.",
    )
    @decorate_view(api_cache)
    @answers_problems
    def clinic_massage_type_list(
        request: HttpRequest, params: Query[MassageTypeListParams]
    ):
        reject_repeated(request, MassageTypeListParams.model_fields)
        scope = PublicScope(find_site(request, params.site))
        conditions = (
            scope.pages(ConditionPage).defer_streamfields().order_by("title", "id")
        )
        queryset = (
            scope.pages(MassageTypePage)
            .defer_streamfields()
            .select_related("image")
            .prefetch_related(
                rendition_prefetch("image__renditions"),
                Prefetch("conditions", conditions, to_attr="public_conditions"),
            )
            .order_by("title", "id")
        )
        if params.condition:
            match = Q(slug=params.condition)
            if _DIGITS.fullmatch(params.condition) and int(params.condition) <= MAX_ID:
                match |= Q(pk=int(params.condition))
            chosen = list(conditions.filter(match).values_list("pk", flat=True))
            if not chosen:
                raise invalid(
                    "condition",
                    "No live condition has this id or slug.",
                    kind="not_found",
                )
            helped = MassageTypePage.conditions.through.objects.filter(
                conditionpage_id__in=chosen
            )
            queryset = queryset.filter(pk__in=helped.values("massagetypepage_id"))
        return paginate(request, scope, params, queryset, massage_type_card)

    # Routes of the other clinic features. They keep their own cache headers
    # (private previews, uncacheable appointment requests and comment posts):
    # api_cache is applied per operation above, never to the whole router.
    from wagtail_clinic.api.appointments import add_appointment_routes
    from wagtail_clinic.api.comments import add_comment_routes
    from wagtail_clinic.api.preview import add_preview_routes

    add_preview_routes(router, page_detail_schema)
    add_appointment_routes(router)
    add_comment_routes(router)
    return router


__all__ = ["build_router", "ClinicProblem", "PublicScope"]
