"""Reader comments for headless frontends, under ``/api/v3/clinic/``.

``add_comment_routes(router)`` adds:

* ``GET /pages/{page_id}/comments/``: a page's approved comments, paginated
  by thread: ``{count, total_comments, comments_open, items}``, each item
  ``{id, author_name, body, body_html, created_at, replies: […]}``;
* ``GET /pages/{page_id}/comments/token/``: a form token for the minimum
  fill time (``WAGTAIL_CLINIC["COMMENTS_MIN_FILL_SECONDS"]``);
* ``POST /pages/{page_id}/comments/``: send a comment (and its CORS
  preflight). 202 ``{"status": "pending"}``, or 201 ``{"status":
  "approved", "id": …}`` when the commenter is auto-approved.

Submissions go through the HTML form's ``CommentForm`` and
``submit_comment``, so both channels accept exactly the same comments. The
page must be live, public and in the requested site (as for the page
endpoints) and its comments open. Errors are RFC 7807
``application/problem+json`` with ``errors[].field`` naming each field.
Email and IP addresses are never in a response; CORS follows the
appointment endpoint (``API_CORS_ORIGINS``: the frontend's origins).
"""

from datetime import datetime
from typing import Annotated, Literal

import swapper

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.debug import sensitive_variables
from ninja import Path, Query
from ninja.decorators import decorate_view
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from wagtail_clinic.api.appointments import (
    DocumentedBody,
    cors_origin,
    json_integer,
    preflight_response,
    problem,
    pydantic_errors,
    with_cors,
)
from wagtail_clinic.api.caching import api_cache, private_cache
from wagtail_clinic.api.schemas import ClinicSchema, Documented
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.forms import HONEYPOT_FIELD
from wagtail_clinic.models.comments import AUTHOR_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH
from wagtail_clinic.public_input.json_body import read_json_object


PATH = "/pages/{page_id}/comments/"
TOKEN_PATH = "/pages/{page_id}/comments/token/"  # noqa: S105 (a URL)
# Largest id worth a lookup: SQLite rejects integers beyond 64 bits.
MAX_PAGE_ID = 2**63 - 1
MAX_COMMENT_ID = 2**31 - 1
# JSON may spell one character as 12 bytes ("\ud83d\ude00").
BYTES_PER_CHARACTER = 12
BODY_OVERHEAD = 4096
MIN_BODY_SIZE = 16 * 1024


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

    # The lengths are checked by the form (CommentForm), like the HTML form's.
    author_name: Annotated[str, Documented("maxLength", AUTHOR_NAME_MAX_LENGTH)] = (
        Field(description="Shown with the comment.")
    )
    email: Annotated[str, Documented("maxLength", EMAIL_MAX_LENGTH)] = Field(
        description="Required; never published or returned."
    )
    body: Annotated[str, Documented("maxLength", _comments_max_length)] = Field(
        description='Plain text, at most WAGTAIL_CLINIC["COMMENTS_MAX_LENGTH"] characters.'
    )
    parent_id: json_integer(ge=1, le=MAX_COMMENT_ID) | None = None
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


# Helpers ----------------------------------------------------------------------


def _anonymous(request):
    """Ninja auth callback: no cookie or session ever counts here."""
    request.user = AnonymousUser()
    return request.user


def _problem(status, detail, errors=None, headers=None):
    from http import HTTPStatus

    return problem(status, HTTPStatus(status).phrase, detail, errors, headers)


def max_body_size():
    length = int(clinic_settings.COMMENTS_MAX_LENGTH)
    return max(MIN_BODY_SIZE, length * BYTES_PER_CHARACTER + BODY_OVERHEAD)


_JSON_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def escape_json_html(text):
    """JSON text with ``<``, ``>`` and ``&`` as ``\\u`` escapes (same value).

    Readers' text then never appears as markup in the raw response, even if
    a client or a proxy ever treats the JSON as HTML.
    """
    return text.translate(_JSON_HTML_ESCAPES)


def read_json(request, max_size):
    """``(dict, None)`` or ``(None, problem response)``: the one JSON-body
    policy of the public POST endpoints (``public_input.json_body``)."""
    return read_json_object(request, max_size)


def _form_data(body):
    data = MultiValueDict()
    data["author_name"] = body.author_name
    data["email"] = body.email
    data["body"] = body.body
    data["parent_id"] = "" if body.parent_id is None else str(body.parent_id)
    data["token"] = body.token or ""
    data[HONEYPOT_FIELD] = body.website or ""
    return data


def find_commentable_page(request, page_id, site=None):
    """``(page, site)``: the live, public page that takes comments.

    Raises:
        Problem: 404 when there is no such page (or it has no comments).
    """
    from wagtail_clinic.api.endpoints import (
        Problem,
        PublicScope,
        field_error,
        find_site,
        visible_page,
    )
    from wagtail_clinic.comments.mixins import CommentsMixin

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


@sensitive_variables()
def handle_comment(request, page, site):
    """Validate, store and answer one JSON comment for ``page``."""
    from wagtail_clinic.comments.service import (
        DatabaseBusy,
        RateLimited,
        submit_comment,
    )
    from wagtail_clinic.models.comments import CommentSource

    data, error = read_json(request, max_body_size())
    if error is not None:
        return error
    try:
        body = ClinicCommentSubmission.model_validate(data)
    except PydanticValidationError as exc:
        return _problem(422, "Validation failed", pydantic_errors(exc))
    if not page.comments_open(request, site=site):
        return _problem(403, "Comments are closed on this page.")
    form = page.get_comment_form(data=_form_data(body))
    try:
        accepted = submit_comment(page, form, request, source=CommentSource.API)
    except RateLimited as limited:
        return _problem(
            429,
            "Too many comments from this client; try again later.",
            headers={"Retry-After": str(limited.retry_after)},
        )
    except DatabaseBusy as busy:
        return _problem(
            503,
            "The comment could not be stored just now; nothing was saved. "
            "Send it again after Retry-After seconds.",
            headers={"Retry-After": str(busy.retry_after)},
        )
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


def add_comment_routes(router):
    """Add the comment endpoints to the clinic's v3 ``router``.

    Args:
        router: the clinic's ninja ``Router``, mounted at ``/api/v3/clinic/``.
    """
    from wagtail_clinic.api.endpoints import (
        CONDITIONAL_RESPONSES,
        ERROR_RESPONSES,
        SITE_DESCRIPTION,
        ClinicProblem,
        Limit,
        Problem,
        SafeText,
        answers_problems,
        field_error,
        limit_max,
        reject_repeated,
    )
    from wagtail_clinic.comments import spam

    site_param = Query(None, description=SITE_DESCRIPTION)
    limit_param = Query(
        20,
        ge=1,
        description=(
            'How many threads to return, at most WAGTAIL_CLINIC["API_LIMIT_MAX"] '
            "(default: WAGTAILAPI_LIMIT_MAX, 20 unless set)."
        ),
    )

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
        offset: int = Query(0, ge=0, description="How many threads to skip."),
        limit: Limit = limit_param,
        site: Annotated[SafeText | None, Field(max_length=255)] = site_param,
    ):
        reject_repeated(request, ("offset", "limit", "site"))
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
        site: Annotated[SafeText | None, Field(max_length=255)] = site_param,
    ):
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

    problems = dict.fromkeys((400, 403, 404, 413, 415, 422, 429, 503), ClinicProblem)

    def clinic_page_comment_create(
        request,
        page_id: PageId,
        payload: ClinicCommentSubmission = DocumentedBody(...),  # noqa: B008
        site: Annotated[SafeText | None, Field(max_length=255)] = site_param,
    ):
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

    def clinic_page_comment_preflight(request, page_id: int):
        return preflight_response(request, ("GET", "POST"))

    router.add_api_operation(
        PATH,
        ["POST"],
        clinic_page_comment_create,
        response={201: ClinicCommentAccepted, 202: ClinicCommentAccepted, **problems},
        auth=[_anonymous],
        url_name="clinic_page_comment_create",
        operation_id="clinic_page_comment_create",
        summary="Send a comment",
        description=CREATE_DESCRIPTION,
        tags=["clinic"],
    )
    router.add_api_operation(
        PATH,
        ["OPTIONS"],
        clinic_page_comment_preflight,
        auth=[_anonymous],
        include_in_schema=False,
    )
