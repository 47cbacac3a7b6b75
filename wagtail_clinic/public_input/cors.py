"""CORS for the public POST endpoints (appointment requests, comments).

Layer 1 (shared public input). Only the origins in
``WAGTAIL_CLINIC["API_CORS_ORIGINS"]`` ("*" for any) may call the endpoints
from a browser page of another origin; the site's own origin always may.
No endpoint uses cookies, so ``Access-Control-Allow-Credentials`` is never
sent.
"""

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from wagtail_clinic.conf import clinic_settings


__all__ = [
    "ALLOWED_REQUEST_HEADERS",
    "PREFLIGHT_MAX_AGE",
    "add_cors_headers",
    "cors_origin",
    "preflight_response",
    "with_cors",
]

#: Request headers a preflight may ask for (all of them CORS-safelisted).
ALLOWED_REQUEST_HEADERS = {"content-type", "accept", "accept-language"}
#: Seconds browsers may cache a successful preflight.
PREFLIGHT_MAX_AGE = 600


def _normalise_origin(origin):
    return str(origin).strip().rstrip("/").lower()


def _allowed_origins():
    origins = clinic_settings.API_CORS_ORIGINS or []
    if isinstance(origins, str):
        origins = [origins]
    return {_normalise_origin(origin) for origin in origins}


def _own_origin(request):
    return f"{request.scheme}://{request.get_host()}".lower()


def cors_origin(request):
    """Whether the request's ``Origin`` may call the endpoint.

    Returns:
        ``(allowed, value)``: ``value`` is the ``Access-Control-Allow-Origin``
        value to send ("" for none).
    """
    origin = request.headers.get("Origin")
    if not origin:
        return True, ""  # Not a browser's cross-origin request.
    normalised = _normalise_origin(origin)
    allowed = _allowed_origins()
    if "*" in allowed:
        return True, "*"
    if normalised in allowed:
        return True, origin.strip()
    try:
        same_origin = normalised == _own_origin(request)
    except Exception:  # An invalid Host header.
        same_origin = False
    return same_origin, ""


def add_cors_headers(response, allow_origin):
    """Add ``Vary: Origin`` and, if ``allow_origin``, the CORS headers.

    Args:
        response: the response to change (returned).
        allow_origin: the ``Access-Control-Allow-Origin`` value, "" for none.
    """
    patch_vary_headers(response, ("Origin",))
    if allow_origin:
        # Never Access-Control-Allow-Credentials: the endpoints use no cookies.
        response["Access-Control-Allow-Origin"] = allow_origin
        response["Access-Control-Expose-Headers"] = "Retry-After"
    return response


def with_cors(request, response):
    """Let an allowed browser origin read ``response`` (keeps other Vary values)."""
    return add_cors_headers(response, cors_origin(request)[1])


def preflight_response(request, methods):
    """The answer to a CORS preflight for an endpoint accepting ``methods``.

    Only allowlisted origins get the ``Access-Control-Allow-*`` headers, and
    only for those methods and simple request headers.

    Args:
        request: the ``OPTIONS`` request.
        methods: the endpoint's methods, e.g. ``("POST",)``.
    """
    allowed, allow_origin = cors_origin(request)
    method = request.headers.get("Access-Control-Request-Method", "").upper()
    requested = request.headers.get("Access-Control-Request-Headers", "")
    headers = {header.strip().lower() for header in requested.split(",")} - {""}
    response = HttpResponse(status=204)
    allow = ", ".join([*methods, "OPTIONS"])
    response["Allow"] = allow
    if (
        allowed
        and allow_origin
        and method in methods
        and headers <= ALLOWED_REQUEST_HEADERS
    ):
        response["Access-Control-Allow-Methods"] = allow
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return add_cors_headers(response, allow_origin)
    return add_cors_headers(response, "")
