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

from http import HTTPStatus

from django.http import HttpResponse


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


__all__ = ["PROBLEM_JSON", "body_field_errors", "problem_response"]
