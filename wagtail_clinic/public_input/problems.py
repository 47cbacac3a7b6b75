"""RFC 7807 ``application/problem+json`` responses: the one builder.

Every error answer of the clinic's endpoints is built here, so they all
have one shape: ``{"type": "about:blank", "title", "status", "detail"}``
and, when fields or parameters are at fault, ``errors``: a list of
``{"type", "loc", "msg"}`` objects (plus ``"field"`` for request bodies),
as Wagtail's v3 API gives the errors ninja raises itself.

The JSON is compact and ASCII-only (``\\u`` escapes), so that it can hold
any text, even a lone surrogate from a client's field name, without ever
failing to encode. Lazy translations are turned into text.
"""

import json

from functools import wraps
from http import HTTPStatus

from django.http import HttpResponse
from pydantic import BaseModel, ConfigDict, Field


PROBLEM_JSON = "application/problem+json"


def body_field_errors(errors):
    """``errors`` objects for request-body fields.

    Args:
        errors: ``(field, code, message)`` triples.
    """
    return [
        {"type": code, "loc": ["body", name], "msg": str(message), "field": name}
        for name, code, message in errors
    ]


def problem_response(status, detail="", errors=None, *, title=None, headers=None):
    """An ``application/problem+json`` ``HttpResponse``.

    Args:
        status: the HTTP status code.
        detail: what went wrong, for people.
        errors: a list of error objects (see the module), or None for none.
        title: defaults to the status phrase, as in Wagtail's v3 API.
        headers: extra response headers, e.g. ``{"Retry-After": "60"}``.
    """
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = list(errors)
    response = HttpResponse(
        json.dumps(body, separators=(",", ":"), default=str),
        status=status,
        content_type=PROBLEM_JSON,
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


# OpenAPI schemas ------------------------------------------------------------
# Their class names are OpenAPI component names: part of the contract.


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


#: The error responses every read operation documents.
ERROR_RESPONSES = {400: ClinicProblem, 404: ClinicProblem, 422: ClinicProblem}
#: What ``api.caching.api_cache`` answers to conditional requests: 304 (no
#: body) to a matching ``If-None-Match`` / ``If-Modified-Since``, 412 (a
#: problem) to a failed ``If-Match`` / ``If-Unmodified-Since``.
CONDITIONAL_RESPONSES = {304: None, 412: ClinicProblem}


# Raising problems -------------------------------------------------------------


class Problem(Exception):
    """Raised by helpers to end a request with a problem response.

    Args:
        status: the HTTP status code.
        detail: what went wrong, for people.
        errors: error objects (see the module), or None.
    """

    def __init__(self, status, detail, errors=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors

    def response(self):
        """The ``application/problem+json`` response for this problem."""
        return problem_response(self.status, self.detail, self.errors)


def field_error(name, msg, *, kind="value_error", source="query"):
    """A ``ClinicFieldError`` dict for parameter ``name``.

    Args:
        name: the parameter's name.
        msg: what is wrong with it.
        kind: the machine-readable ``type``.
        source: where it came from: "query", "path" or "body".
    """
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


__all__ = [
    "CONDITIONAL_RESPONSES",
    "ERROR_RESPONSES",
    "PROBLEM_JSON",
    "ClinicFieldError",
    "ClinicProblem",
    "Problem",
    "answers_problems",
    "body_field_errors",
    "field_error",
    "invalid",
    "problem_response",
]
