"""The clinic's listings: condition and massage type cards (layer 6).

``router`` (a ninja ``Router``, mounted by ``api.router``) serves:

* ``GET /conditions/``: condition article cards;
* ``GET /massage-types/``: massage type cards.

Both show only the live, public pages of the requested site
(``api.visibility``) in the requested locale (``?locale=``, default the
request's language, ``api.locales``: never several locales at once; the
conditions a massage type card embeds and counts too), are cached as public responses (``api.caching``) and
cost the same number of queries whatever the number of cards (one more
per page type when a host adds its own subclasses of the abstract pages:
every concrete subclass of ``AbstractConditionPage`` /
``AbstractMassageTypePage`` is listed). Bad
parameters get ``application/problem+json`` answers
(``public_input.problems``).
"""

import re

from datetime import date
from functools import partial, reduce
from operator import or_
from urllib.parse import urlencode

import swapper

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from wagtail_clinic.api.caching import api_cache, content_changed_at, set_last_modified
from wagtail_clinic.api.locales import LOCALE_DESCRIPTION, requested_language
from wagtail_clinic.api.search import search_page
from wagtail_clinic.api.visibility import PublicScope, find_site, page_urls
from wagtail_clinic.models.condition_summary import (
    EMBEDDED_CONDITIONS,
    ConditionsSummary,
)
from wagtail_clinic.models.pages import (
    AbstractConditionPage,
    AbstractMassageTypePage,
    concrete_subclasses,
    pages_of_types,
)
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
    invalid,
)
from wagtail_clinic.public_input.search import search_query
from wagtail_clinic.serialisation.representations import (
    image_representation,
    page_image,
    page_root_url,
    page_summary,
)
from wagtail_clinic.serialisation.schemas import ClinicImage, ClinicSchema


_DIGITS = re.compile(r"[0-9]+")

#: The listings' order: by title, then id (equal titles in a stable order).
LISTING_ORDER = ("title", "id")

router = Router(tags=["clinic"])


# Parameters ---------------------------------------------------------------


#: The parameters every listing takes.
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
    locale: SafeText | None = Field(None, max_length=35, description=LOCALE_DESCRIPTION)


#: The condition listing's parameters.
class ConditionListParams(ListParams):
    massage_type: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_ID,
        description="Only the conditions this massage type (a page id) helps.",
    )


#: The massage type listing's parameters.
class MassageTypeListParams(ListParams):
    condition: SafeText | None = Field(
        None,
        max_length=255,
        description="Only massage types that help this condition: its page id or slug.",
    )


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
        description=(
            "The first live, public conditions it helps, by title (at most "
            f"{EMBEDDED_CONDITIONS}; all of them: conditions_url)."
        )
    )
    conditions_count: int = Field(
        description="How many live, public conditions it helps, in all."
    )
    conditions_url: str = Field(
        description=(
            "Absolute URL of the condition listing filtered by this massage "
            "type (?massage_type=<id>): every condition it helps, page by page."
        )
    )


#: One page of condition cards (no docstring: it would be in OpenAPI).
class ClinicConditionList(ClinicSchema):
    count: int = Field(description="Number of matching conditions, all pages.")
    items: list[ClinicConditionCard]


#: One page of massage type cards (no docstring: it would be in OpenAPI).
class ClinicMassageTypeList(ClinicSchema):
    count: int = Field(description="Number of matching massage types, all pages.")
    items: list[ClinicMassageTypeCard]


def _card(page, request, **extra):
    """The fields every card has, then ``extra``."""
    url, path = page_urls(page, request)
    image, alt = page_image(page)
    return {
        "id": page.pk,
        "title": page.title,
        "summary": page_summary(page),
        "url": url,
        "path": path,
        "image": image_representation(image, alt, page_root_url(page, request)),
        **extra,
    }


def condition_card(page, request):
    """A ``ClinicConditionCard`` of a condition page."""
    return _card(
        page,
        request,
        condition_name=page.condition_name,
        last_reviewed=page.last_reviewed,
    )


def massage_type_card(page, request, listing_url="?"):
    """A ``ClinicMassageTypeCard`` of a massage type page, with its first
    ``public_conditions`` prefetched and their ``conditions_count``
    annotated (``public_conditions_count``); ``listing_url`` is
    ``conditions_listing_url()``."""
    return _card(
        page,
        request,
        session_lengths=page.session_lengths_list,
        conditions=[
            {"id": c.pk, "title": c.title, "path": page_urls(c, request)[1]}
            for c in page.public_conditions
        ],
        conditions_count=page.conditions_count,
        conditions_url=f"{listing_url}massage_type={page.pk}",
    )


def conditions_listing_url(request, params):
    """The absolute URL of the condition listing, ending in ``?`` or ``&``
    (with ``?site=`` and ``?locale=`` when the request names them), for
    ``massage_type=<id>``."""
    match = request.resolver_match
    name = "clinic_condition_list"
    if match is not None and match.namespace:
        name = f"{match.namespace}:{name}"
    url = request.build_absolute_uri(reverse(name))
    named = {
        key: value
        for key, value in (("site", params.site), ("locale", params.locale))
        if value
    }
    if named:
        return f"{url}?{urlencode(named)}&"
    return f"{url}?"


def with_conditions_summary(queryset):
    """``queryset`` of massage type pages, each with its stored
    ``ConditionsSummary`` as ``conditions_count`` and ``shown_condition_ids``
    (None when it has none yet): joined, no extra query."""
    return queryset.annotate(
        conditions_count=F("clinic_conditions_summary__count"),
        shown_condition_ids=F("clinic_conditions_summary__condition_ids"),
    )


def attach_conditions_summaries(scope, condition_model, massage_types):
    """Give the massage type pages of ``with_conditions_summary`` their
    ``public_conditions`` (the first few by title), as ``massage_type_card``
    shows them.

    From the stored ``ConditionsSummary`` (counted when the articles change,
    not here; computed now for a massage type that has none yet): one query
    for the conditions it names, narrowed to the live, public ones of
    ``scope`` (a summary that a queued refresh has not caught up with never
    shows a draft or a private page).
    """
    missing = {page.pk: page for page in massage_types if page.conditions_count is None}
    for pk, summary in ConditionsSummary.refresh(list(missing.values())).items():
        missing[pk].conditions_count = summary.count
        missing[pk].shown_condition_ids = summary.condition_ids
    shown = {pk for page in massage_types for pk in page.shown_condition_ids}
    conditions = {}
    if shown:
        conditions = (
            scope.pages(condition_model)
            .filter(pk__in=shown)
            .only("title", "url_path", "path", "depth", "locale_id")
            .in_bulk()
        )
    for page in massage_types:
        page.public_conditions = [
            conditions[pk] for pk in page.shown_condition_ids if pk in conditions
        ]


def page_rows(page_types, listed):
    """The pages of ``page_types`` that ``listed`` (a ``Q`` on ``Page``'s
    fields) selects, in the listings' order, on ``Page``'s own table.

    A search counts and orders its matches there (``search_page``), without
    reading the page types' own rows. The content type is compared as a
    value ("+ 0"), not looked up in its index: the search's matches are
    already of these types.
    """
    page_model = swapper.load_model("wagtailcore", "Page")
    type_ids = [
        kind.pk for kind in ContentType.objects.get_for_models(*page_types).values()
    ]
    return (
        page_model.objects.alias(page_type=F("content_type_id") + 0)
        .filter(listed, page_type__in=type_ids)
        .order_by(*LISTING_ORDER)
    )


def listed_pages(page_types, image_field, listed):
    """``(queryset, rows)``: the pages of ``page_types`` that ``listed``
    selects, in the listings' order, twice: for their cards (with their
    images, without their bodies) and on ``Page``'s own table
    (``page_rows``, where a search counts and orders its matches)."""
    queryset = (
        pages_of_types(page_types, image_field)
        .filter(listed)
        .defer_streamfields()
        .order_by(*LISTING_ORDER)
    )
    return queryset, page_rows(page_types, listed)


def paginate(request, scope, params, queryset, card, prepare=None, rows=None):
    """``{count, items}`` for one page of ``queryset``, as cards;
    ``prepare(pages)``, if given, is called with the page's pages first.
    ``rows``: the same pages on ``Page``'s own table (``page_rows``), where a
    search counts and orders its matches.

    An offset past the end gives no items without asking the database for
    it: SQLite and PostgreSQL reject offsets beyond 64 bits.
    """
    limit = check_limit(request, params.limit)
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
            count, pages = search_page(queryset, words, params.offset, limit, rows=rows)
        else:
            count, pages = 0, []
    else:
        count = queryset.count()
        pages = []
        if params.offset < count:
            pages = list(queryset[params.offset : params.offset + limit])
    if prepare is not None and pages:
        prepare(pages)
    set_last_modified(
        request,
        *(page.last_published_at for page in pages),
        content_changed_at(scope.site),
    )
    return {"count": count, "items": [card(page, request) for page in pages]}


def conditions_table_q(massage_types, *, select, **lookups):
    """A ``Q``: the pk is among the massage types (``select="source"``) or the
    conditions (``select="target"``) of the ``conditions`` rows matching
    ``lookups``, e.g. ``source=7`` or ``target__in=[1, 2]``.

    Each concrete massage type model has its own ``conditions`` table (the
    field is declared on ``AbstractMassageTypePage``): one subquery each.
    """
    subqueries = []
    for model in massage_types:
        field = model._meta.get_field("conditions")
        columns = {
            "source": f"{field.m2m_field_name()}_id",
            "target": f"{field.m2m_reverse_field_name()}_id",
        }
        filters = {}
        for key, value in lookups.items():
            side, _, lookup = key.partition("__")
            filters[f"{columns[side]}__{lookup}" if lookup else columns[side]] = value
        rows = field.remote_field.through.objects.filter(**filters)
        subqueries.append(Q(pk__in=rows.values(columns[select])))
    return reduce(or_, subqueries)


def helped_condition_model(massage_types):
    """The condition page model that the massage types' ``conditions`` name.

    ``wagtail_clinic.ConditionPage``: the field is declared on the abstract
    massage type with that concrete target.
    """
    return massage_types[0]._meta.get_field("conditions").related_model


# Operations ---------------------------------------------------------------


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
    description=(
        "Cards of the site's live, public condition articles in one locale, by title."
    ),
)
@decorate_view(api_cache)
@answers_problems
def clinic_condition_list(request: HttpRequest, params: Query[ConditionListParams]):
    """Condition cards, optionally only those a massage type helps."""
    reject_repeated(request, ConditionListParams.model_fields)
    scope = PublicScope(
        find_site(request, params.site), requested_language(request, params.locale)
    )
    massage_types = concrete_subclasses(AbstractMassageTypePage)
    condition_types = concrete_subclasses(AbstractConditionPage)
    listed = scope.q
    if params.massage_type is not None:
        live = pages_of_types(massage_types).filter(scope.q)
        if not live.filter(pk=params.massage_type).exists():
            raise invalid(
                "massage_type",
                "No live massage type has this id.",
                kind="not_found",
            )
        listed &= conditions_table_q(
            massage_types, select="target", source=params.massage_type
        )
    queryset, rows = listed_pages(condition_types, "hero_image", listed)
    return paginate(request, scope, params, queryset, condition_card, rows=rows)


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
    description=(
        "Cards of the site's live, public massage types in one locale, by title."
    ),
)
@decorate_view(api_cache)
@answers_problems
def clinic_massage_type_list(
    request: HttpRequest, params: Query[MassageTypeListParams]
):
    """Massage type cards, optionally only those helping a condition."""
    reject_repeated(request, MassageTypeListParams.model_fields)
    scope = PublicScope(
        find_site(request, params.site), requested_language(request, params.locale)
    )
    massage_types = concrete_subclasses(AbstractMassageTypePage)
    # Only the concrete condition model the ``conditions`` field names can
    # be helped (a host's own condition subclasses cannot).
    conditions = scope.pages(helped_condition_model(massage_types))
    listed = scope.q
    if params.condition:
        match = Q(slug=params.condition)
        if _DIGITS.fullmatch(params.condition) and int(params.condition) <= MAX_PAGE_ID:
            match |= Q(pk=int(params.condition))
        chosen = list(conditions.filter(match).values_list("pk", flat=True))
        if not chosen:
            raise invalid(
                "condition",
                "No live condition has this id or slug.",
                kind="not_found",
            )
        listed &= conditions_table_q(massage_types, select="source", target__in=chosen)
    queryset, rows = listed_pages(massage_types, "image", listed)
    queryset = with_conditions_summary(queryset)
    card = partial(
        massage_type_card, listing_url=conditions_listing_url(request, params)
    )
    prepare = partial(attach_conditions_summaries, scope, conditions.model)
    return paginate(request, scope, params, queryset, card, prepare, rows=rows)
