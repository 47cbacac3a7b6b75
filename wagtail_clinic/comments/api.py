"""Reader comments for headless frontends, under ``/api/v3/clinic/`` (layer 5).

``router`` (a ninja ``Router``, mounted by ``wagtail_clinic.api.router``)
holds:

* ``GET /pages/{page_id}/comments/``: a page's approved comments, paginated
  by thread: ``{count, total_comments, comments_open, items}``, each item
  ``{id, author_name, body, body_html, created_at, replies: […]}``;
* ``GET /pages/{page_id}/comments/token/``: a form token for the minimum
  fill time (``WAGTAIL_CLINIC["COMMENTS_MIN_FILL_SECONDS"]``);
* ``POST /pages/{page_id}/comments/``: send a comment (and its CORS
  preflight). 202 ``{"status": "pending"}``, or 201 ``{"status":
  "approved", "id": …}`` when the commenter is auto-approved.

Submissions go through the HTML form's ``CommentForm`` and
``comments.service.submit_comment``, so both channels accept exactly the
same comments. The page must be live, public and in the requested site (as
for the page endpoints) and its comments open. Errors are RFC 7807
``application/problem+json`` with ``errors[].field`` naming each field.
Email and IP addresses are never in a response; CORS follows the
appointment endpoint (``API_CORS_ORIGINS``: the frontend's origins).
"""

from datetime import datetime
from typing import Annotated, Literal

import swapper

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_variables
from ninja import Path, Query, Router
from ninja.decorators import decorate_view
from pydantic import BaseModel, ConfigDict, Field

from wagtail_clinic.api.caching import api_cache, private_cache
from wagtail_clinic.api.visibility import PublicScope, find_site, visible_page
from wagtail_clinic.comments import service, spam
from wagtail_clinic.comments.mixins import CommentsMixin
from wagtail_clinic.comments.models import (
    AUTHOR_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    CommentSource,
)
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.db import DatabaseBusy
from wagtail_clinic.public_input import params
from wagtail_clinic.public_input.cors import cors_origin, preflight_response, with_cors
from wagtail_clinic.public_input.forms import form_data
from wagtail_clinic.public_input.ids import MAX_BIG_ID, MAX_PAGE_ID, json_integer
from wagtail_clinic.public_input.json_body import read_json_model
from wagtail_clinic.public_input.operations import (
    PAYLOAD,
    Documented,
    anonymous,
)
from wagtail_clinic.public_input.problems import (
    CONDITIONAL_RESPONSES,
    ERROR_RESPONSES,
    ClinicProblem,
    Problem,
    answers_problems,
    body_field_errors,
    field_error,
    problem_response,
)
from wagtail_clinic.public_input.ratelimit import RateLimited
from wagtail_clinic.serialisation.schemas import ClinicSchema


__all__ = [
    "ClinicComment",
    "ClinicCommentAccepted",
    "ClinicCommentFormToken",
    "ClinicCommentList",
    "ClinicCommentReply",
    "ClinicCommentSubmission",
    "find_commentable_page",
    "handle_comment",
    "max_body_size",
    "request_body_limits",
    "router",
]

PATH = "/pages/{page_id}/comments/"
TOKEN_PATH = "/pages/{page_id}/comments/token/"  # noqa: S105 (a URL)
CREATE_OPERATION_ID = "clinic_page_comment_create"
# JSON may spell one character as 12 bytes ("\ud83d\ude00").
BYTES_PER_CHARACTER = 12
BODY_OVERHEAD = 4096
MIN_BODY_SIZE = 16 * 1024
#: What a comment that may be sent again later is told, by status.
TRY_AGAIN = {
    429: "Too many comments from this client; try again later.",
    503: "The comment could not be stored just now; nothing was saved. "
    "Send it again after Retry-After seconds.",
}


# Schemas --------------------------------------------------------------------


class ClinicCommentReply(ClinicSchema):
    """An approved reply. Never carries the commenter's email or IP address."""

    id: int
    author_name: str = Field(description="The name the commenter gave.")
    body: str = Field(
        description=(
            "The comment as plain text, exactly as written. Render it as text "
            "(escaped), or use body_html."
        )
    )
    body_html: str = Field(
        description=(
            "The comment as safe HTML: escaped text in <p> paragraphs with <br> "
            'line breaks and links marked rel="nofollow ugc".'
        )
    )
    created_at: datetime


class ClinicComment(ClinicCommentReply):
    """An approved top-level comment with its approved replies (oldest first)."""

    replies: list[ClinicCommentReply] = Field(
        description="Replies, one level deep: replies to replies join this list."
    )


class ClinicCommentList(ClinicSchema):
    count: int = Field(description="Number of threads (top-level comments), all pages.")
    total_comments: int = Field(description="Number of comments including replies.")
    comments_open: bool = Field(
        description=(
            "Whether the page takes comments now (page and site settings). When "
            "false, items is empty and POST answers 403."
        )
    )
    items: list[ClinicComment]


class ClinicCommentFormToken(ClinicSchema):
    token: str = Field(description="Send it back as `token` with the comment.")
    min_fill_seconds: int = Field(
        description="Seconds to wait after fetching the token before sending (0: none)."
    )
    expires_in: int | None = Field(description="Seconds the token stays valid.")


def _comments_max_length():
    return int(clinic_settings.COMMENTS_MAX_LENGTH)


class ClinicCommentSubmission(BaseModel):
    """A comment, as a headless frontend sends it.

    ``token`` comes from ``GET …/comments/token/`` (needed while the minimum
    fill time is on). ``website`` is a honeypot: render it hidden and send
    what it holds. ``parent_id`` replies to an approved comment of the page
    (a reply to a reply joins the top-level comment's thread).
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    # The lengths are checked by the form (CommentForm), with the HTML form's
    # messages, for every body: a filled honeypot too (comments/service.py).
    author_name: Annotated[str, Documented("maxLength", AUTHOR_NAME_MAX_LENGTH)] = (
        Field(description="Shown with the comment.")
    )
    email: Annotated[str, Documented("maxLength", EMAIL_MAX_LENGTH)] = Field(
        description="Required; never published or returned."
    )
    body: Annotated[str, Documented("maxLength", _comments_max_length)] = Field(
        description='Plain text, at most WAGTAIL_CLINIC["COMMENTS_MAX_LENGTH"] characters.'
    )
    parent_id: json_integer(ge=1, le=MAX_BIG_ID) | None = None
    token: str | None = Field(None, max_length=200)
    website: str | None = Field(
        None, max_length=1000, description="Honeypot: leave it empty."
    )


class ClinicCommentAccepted(ClinicSchema):
    status: Literal["pending", "approved"] = Field(
        description='"pending": held for moderation (202); "approved": published (201).'
    )
    id: int | None = Field(
        None, description="The published comment's id (null while pending)."
    )


PageId = Annotated[int, Path(ge=1, le=MAX_PAGE_ID, description="The page's id.")]
#: The ``site`` query parameter of every operation here.
SiteParam = Annotated[params.SafeText | None, Field(max_length=255)]


# Helpers ----------------------------------------------------------------------


def max_body_size():
    """The largest request body read, in bytes: enough for the longest comment."""
    length = int(clinic_settings.COMMENTS_MAX_LENGTH)
    return max(MIN_BODY_SIZE, length * BYTES_PER_CHARACTER + BODY_OVERHEAD)


def request_body_limits():
    """``{operationId: callable}``: the largest body each operation reads,
    for the OpenAPI document (``api.v3.install_openapi_contract``)."""
    return {CREATE_OPERATION_ID: max_body_size}


_JSON_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def escape_json_html(text):
    """JSON text with ``<``, ``>`` and ``&`` as ``\\u`` escapes (same value).

    Readers' text then never appears as markup in the raw response, even if
    a client or a proxy ever treats the JSON as HTML.
    """
    return text.translate(_JSON_HTML_ESCAPES)


def find_commentable_page(request, page_id, site=None):
    """``(page, site)``: the live, public page that takes comments.

    Raises:
        Problem: 404 when there is no such page (or it has no comments).
    """
    page_model = swapper.load_model("wagtailcore", "Page")
    scope = PublicScope(find_site(request, site))
    message = "No page with comments matches the given id."
    page = visible_page(
        scope,
        page_model.objects.filter(pk=page_id),
        source="path",
        name="page_id",
        message=message,
    )
    if not isinstance(page, CommentsMixin):
        raise Problem(
            404,
            message,
            [field_error("page_id", message, kind="not_found", source="path")],
        )
    return page, scope.site


def comment_representation(comment, replies=None):
    """A comment as the API lists it, with its ``replies`` if given."""
    item = {
        "id": comment.pk,
        "author_name": comment.author_name,
        "body": comment.body,
        "body_html": str(comment.body_html),
        "created_at": comment.created_at,
    }
    if replies is not None:
        item["replies"] = [comment_representation(reply) for reply in replies]
    return item


def _invalid(errors):
    return _problem(422, "Validation failed", errors)


def _problem(status, detail, errors=None, headers=None):
    """A problem response; ``errors`` are ``(field, code, message)`` of the body."""
    return problem_response(
        status,
        detail,
        body_field_errors(errors) if errors else None,
        headers=headers,
    )


@sensitive_variables()
def handle_comment(request, page, site):
    """Validate, store and answer one JSON comment for ``page``."""
    body, error = read_json_model(
        request, ClinicCommentSubmission, max_body_size(), _invalid
    )
    if error is not None:
        return error
    if not page.comments_open(request, site=site):
        return _problem(403, "Comments are closed on this page.")
    form = page.get_comment_form(data=form_data(body))
    try:
        accepted = service.submit_comment(page, form, request, source=CommentSource.API)
    except (RateLimited, DatabaseBusy) as exc:
        status = 429 if isinstance(exc, RateLimited) else 503
        retry_after = {"Retry-After": str(exc.retry_after)}
        return _problem(status, TRY_AGAIN[status], headers=retry_after)
    if accepted is None:
        return _problem(422, "Validation failed", form.field_errors())
    if accepted.published:
        result, status = (
            ClinicCommentAccepted(status="approved", id=accepted.comment_id),
            201,
        )
    else:
        result, status = ClinicCommentAccepted(status="pending"), 202
    return HttpResponse(
        result.model_dump_json(), status=status, content_type="application/json"
    )


# The router -------------------------------------------------------------------


LIST_DESCRIPTION = """\
A live, public page's approved comments, oldest thread first, each with its
approved replies (one level deep). `count` and `offset`/`limit` are in
threads. Pending, rejected and spam comments are never listed; neither are
commenters' email or IP addresses. When comments are off for the page (its
`comments_enabled` or the site's Clinic settings), `comments_open` is false
and `items` is empty.
"""

CREATE_DESCRIPTION = """\
Send a comment. The body is JSON (`Content-Type: application/json`); it is
checked by the same rules as the page's HTML form (see docs/comments.md):
required name, email and comment, plain text only, maximum length, link
count, blocklist, the honeypot, the form `token` from
`GET …/comments/token/` (minimum fill time) and a per-client rate limit.

* **202** `{"status": "pending"}`: held for moderation.
* **201** `{"status": "approved", "id": …}`: published at once (a returning
  commenter, when `COMMENTS_AUTO_APPROVE_RETURNING` is on).
* **400**: not a JSON object. **413**: too large. **415**: not JSON.
* **403**: comments are closed, or a browser `Origin` that is not allowed.
* **404**: no live, public page with comments has this id.
* **422**: invalid fields; `errors[].field` names each one.
* **429**: rate limited; see the `Retry-After` header.
* **503**: the database was busy for too long; nothing was stored (and the
  rate limit was not spent): send the same comment again after
  `Retry-After` seconds.

Errors are `application/problem+json`. No cookies or credentials are used.
"""


SITE_PARAM = Query(None, description=params.SITE_DESCRIPTION)
LIMIT_PARAM = Query(
    20,
    ge=1,
    description=(
        'How many threads to return, at most WAGTAIL_CLINIC["API_LIMIT_MAX"] '
        "(default: WAGTAILAPI_LIMIT_MAX, 20 unless set)."
    ),
)

router = Router(tags=["clinic"])


@router.get(
    PATH,
    response={
        200: ClinicCommentList,
        **CONDITIONAL_RESPONSES,
        **ERROR_RESPONSES,
    },
    url_name="clinic_page_comments",
    operation_id="clinic_page_comments",
    summary="Page comments",
    description=LIST_DESCRIPTION,
)
@decorate_view(api_cache)
@answers_problems
def clinic_page_comments(
    request: HttpRequest,
    page_id: PageId,
    offset: int = Query(0, ge=0, description="How many threads to skip."),  # noqa: B008
    limit: params.Limit = LIMIT_PARAM,
    site: SiteParam = SITE_PARAM,
):
    """A page's approved comments, by thread (cached like the page endpoints)."""
    params.reject_repeated(request, ("offset", "limit", "site"))
    limit = params.check_limit(request, limit)
    page, found_site = find_commentable_page(request, page_id, site)
    result = {"count": 0, "total_comments": 0, "comments_open": False, "items": []}
    if page.comments_open(request, site=found_site):
        threads, total = page.get_comment_threads()
        result.update(comments_open=True, count=len(threads), total_comments=total)
        result["items"] = [
            comment_representation(comment, comment.thread_replies)
            for comment in threads[offset : offset + limit]
        ]
    return with_cors(
        request,
        HttpResponse(
            escape_json_html(ClinicCommentList(**result).model_dump_json()),
            content_type="application/json",
        ),
    )


@router.get(
    TOKEN_PATH,
    response={200: ClinicCommentFormToken, **ERROR_RESPONSES},
    url_name="clinic_page_comment_token",
    operation_id="clinic_page_comment_token",
    summary="Comment form token",
    description=(
        "A signed token to send with a comment: comments sent sooner than "
        '`min_fill_seconds` after fetching it are refused (WAGTAIL_CLINIC["COMMENTS_MIN_FILL_SECONDS"]). '
        "Fetch it when showing the form. `Cache-Control: private, no-store`."
    ),
)
@decorate_view(private_cache)
@answers_problems
def clinic_page_comment_token(
    request: HttpRequest,
    page_id: PageId,
    site: SiteParam = SITE_PARAM,
):
    """A fresh form token for the page's comment form (never cached)."""
    request.user = AnonymousUser()
    page, _site = find_commentable_page(request, page_id, site)
    token = ClinicCommentFormToken(
        token=spam.make_form_token(page.pk),
        min_fill_seconds=int(clinic_settings.COMMENTS_MIN_FILL_SECONDS or 0),
        expires_in=clinic_settings.COMMENTS_FORM_MAX_AGE or None,
    )
    return with_cors(
        request,
        HttpResponse(token.model_dump_json(), content_type="application/json"),
    )


@router.post(
    PATH,
    response={
        201: ClinicCommentAccepted,
        202: ClinicCommentAccepted,
        **dict.fromkeys((400, 403, 404, 413, 415, 422, 429, 503), ClinicProblem),
    },
    url_name=CREATE_OPERATION_ID,
    operation_id=CREATE_OPERATION_ID,
    summary="Send a comment",
    description=CREATE_DESCRIPTION,
    auth=[anonymous],
)
def clinic_page_comment_create(
    request,
    page_id: PageId,
    payload: ClinicCommentSubmission = PAYLOAD,
    site: SiteParam = SITE_PARAM,
):
    """The endpoint: CORS, the page, then ``handle_comment``; never cached."""
    # Error reports (500 emails, Sentry) must not carry what readers sent.
    request.sensitive_post_parameters = "__ALL__"
    allowed, _allow_origin = cors_origin(request)
    if not allowed:
        response = _problem(403, "This origin may not send comments.")
    else:
        try:
            page, found_site = find_commentable_page(request, page_id, site)
        except Problem as exc:
            response = exc.response()
        else:
            response = handle_comment(request, page, found_site)
    response["Cache-Control"] = "no-store"
    return with_cors(request, response)


@router.api_operation(["OPTIONS"], PATH, auth=[anonymous], include_in_schema=False)
def clinic_page_comment_preflight(request, page_id: int):
    """The CORS preflight of the comment endpoints."""
    return preflight_response(request, ("GET", "POST"))
