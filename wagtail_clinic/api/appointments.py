"""``POST /api/v3/clinic/appointment-requests/``: appointment requests from headless frontends.

``add_appointment_routes(router)`` adds the endpoint (and its CORS
preflight) to the clinic's v3 router. The request is validated by the same
form as the HTML page (``wagtail_clinic.forms``) and stored by the same
service, so both channels accept exactly the same requests.

Why it is not CSRF-able (see docs/booking.md): it reads no cookie and no
session (``request.user`` is forced to anonymous), so a forged request gains
nothing a direct one would not; and it only accepts ``application/json``,
which browsers never send cross-origin without a CORS preflight that only the
origins in ``WAGTAIL_CLINIC["API_CORS_ORIGINS"]`` pass.

The view reads and checks the body itself, before any parsing: its size
(``APPOINTMENT_MAX_BODY_SIZE``), content type, JSON syntax, then types and
values. Every failure is an RFC 7807 ``application/problem+json`` response
(400, 403, 413, 415, 422, 429, 503) naming the fields concerned; nothing is stored
unless everything is valid, and no response, log line or OpenAPI example
carries what the patient sent.
"""

from typing import Annotated, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.debug import sensitive_variables
from ninja.params.models import Body, BodyModel
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.forms import HONEYPOT_FIELD, MAX_ID
from wagtail_clinic.models.appointments import (
    EMAIL_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_INPUT_MAX_LENGTH,
    RequestSource,
)
from wagtail_clinic.public_input.json_body import (
    read_json_object,
    reject_constant,  # noqa: F401 (imported from here by older code)
)
from wagtail_clinic.public_input.problems import (
    PROBLEM_JSON,  # noqa: F401 (imported from here by older code)
    body_field_errors,
    problem_response,
)
from wagtail_clinic.public_input.text import single_line_text


PATH = "/appointment-requests/"
PAGE_PATH_MAX_LENGTH = 1024
WEEKDAYS = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TIMES = Literal["morning", "afternoon", "evening"]
ALLOWED_REQUEST_HEADERS = {"content-type", "accept", "accept-language"}
PREFLIGHT_MAX_AGE = 600


# Schemas --------------------------------------------------------------------


# The one text policy (``public_input.text``); the form checks the other
# text fields with the same policy.
_single_line = single_line_text


def _whole_number(value):
    """``1.0`` as ``1``: JSON (and the OpenAPI document's ``integer``) does
    not tell them apart, so neither may the strict models."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_integer(*, ge, le):
    """A JSON integer from ``ge`` to ``le`` for a strict model: ``1`` and
    ``1.0``, never ``"1"`` or true. (The bounds go inside the type so that
    they stay ``minimum``/``maximum`` in the JSON schema.)"""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_whole_number)]


class ClinicAppointmentRequest(BaseModel):
    """An appointment request, as a headless frontend sends it.

    Name the request page with ``page_id`` or ``page_path``. Give ``email``,
    ``phone`` or both; ``preferred_contact`` must be one that is given.
    ``consent`` must be true: the patient ticked the consent checkbox showing
    the page's ``consent_statement``. ``website`` is a honeypot: render it
    hidden and send what it holds.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    page_id: json_integer(ge=1, le=MAX_ID) | None = Field(
        None, description="The id of the AppointmentRequestPage."
    )
    page_path: Annotated[str | None, AfterValidator(_single_line)] = Field(
        None,
        max_length=PAGE_PATH_MAX_LENGTH,
        description='Or its URL path within the site, e.g. "/book/".',
    )
    name: str = Field(max_length=NAME_MAX_LENGTH, description="The patient's name.")
    email: str | None = Field(None, max_length=EMAIL_MAX_LENGTH)
    phone: str | None = Field(
        None,
        max_length=PHONE_INPUT_MAX_LENGTH,
        description="Digits, spaces, brackets, dots or dashes, optionally with a leading +.",
    )
    preferred_contact: Literal["email", "phone"]
    preferred_days: list[WEEKDAYS] = Field(default_factory=list, max_length=7)
    preferred_times: list[TIMES] = Field(default_factory=list, max_length=3)
    massage_type_id: json_integer(ge=1, le=MAX_ID) | None = Field(
        None,
        description="A live MassageTypePage of the same site, or null for no preference.",
    )
    patient_status: Literal["new", "returning"]
    message: str | None = Field(
        None,
        max_length=MESSAGE_MAX_LENGTH,
        description="Optional. Ask patients not to include medical details.",
    )
    consent: bool = Field(description="Must be true.")
    website: str | None = Field(
        None,
        max_length=1000,
        description="Honeypot: a field hidden from people; leave it empty.",
    )


class ClinicAppointmentRequestCreated(BaseModel):
    """The request was received. Only its reference is returned."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(
        description='Quote it when contacting the clinic, e.g. "AR-7K3M9Q2P".'
    )


# A body parameter that only documents the request body in OpenAPI: the view
# reads and checks the raw body itself, so that oversized, mistyped or
# malformed bodies get precise problem responses (and never a 500).


class _UnreadBodyModel(BodyModel):
    @classmethod
    def resolve(cls, request, api, path_params):
        return dict.fromkeys(cls.model_fields)


class DocumentedBody(Body):
    _model = _UnreadBodyModel

    @classmethod
    def _param_source(cls):
        return "body"


PAYLOAD = DocumentedBody(...)


# CORS -----------------------------------------------------------------------


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
    """``(allowed, value)``: whether the request's Origin may call the endpoint,
    and the ``Access-Control-Allow-Origin`` value to send ("" for none)."""
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


def _add_cors_headers(response, allow_origin):
    patch_vary_headers(response, ("Origin",))
    if allow_origin:
        # Never Access-Control-Allow-Credentials: the endpoint uses no cookies.
        response["Access-Control-Allow-Origin"] = allow_origin
        response["Access-Control-Expose-Headers"] = "Retry-After"
    return response


def with_cors(request, response):
    """Let an allowed browser origin read ``response`` (keeps other Vary values)."""
    return _add_cors_headers(response, cors_origin(request)[1])


def preflight_response(request, methods):
    """The answer to a CORS preflight for an endpoint accepting ``methods``.

    Only allowlisted origins get the ``Access-Control-Allow-*`` headers, and
    only for those methods and simple request headers.
    """
    allowed, allow_origin = cors_origin(request)
    method = request.headers.get("Access-Control-Request-Method", "").upper()
    headers = {
        header.strip().lower()
        for header in request.headers.get("Access-Control-Request-Headers", "").split(
            ","
        )
        if header.strip()
    }
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
        return _add_cors_headers(response, allow_origin)
    return _add_cors_headers(response, "")


# Responses --------------------------------------------------------------------


def problem(status, title, detail, errors=None, headers=None):
    """An RFC 7807 response; ``errors`` is a list of (field, code, message).

    Built by the package's one problem+json builder (``public_input.problems``).
    """
    return problem_response(
        status,
        detail,
        body_field_errors(errors) if errors else None,
        title=title,
        headers=headers,
    )


def pydantic_errors(error):
    """``(field, code, message)`` triples for a pydantic ``ValidationError``."""
    result = []
    for item in error.errors(include_url=False, include_input=False):
        loc = item.get("loc") or ()
        name = str(loc[0]) if loc else "__all__"
        result.append((name, item.get("type", "invalid"), item.get("msg", "")))
    return result


# The view ---------------------------------------------------------------------


def _read_json(request):
    """The request's JSON object, or a problem response explaining why not.

    The one JSON-body policy of the public POST endpoints
    (``public_input.json_body``), with ``APPOINTMENT_MAX_BODY_SIZE``.
    """
    return read_json_object(request, clinic_settings.APPOINTMENT_MAX_BODY_SIZE)


def _find_page(request, body):
    """The live, public request page named by ``body``; or (None, problem)."""
    from wagtail.models import Page, Site

    from wagtail_clinic.models.appointments import AbstractAppointmentRequestPage

    if (body.page_id is None) == (not body.page_path):
        return None, [
            ("page_id", "page_required", "Give either page_id or page_path (not both).")
        ]
    pages = Page.objects.live().public().type(AbstractAppointmentRequestPage)
    if body.page_id is not None:
        page = pages.filter(pk=body.page_id).first()
        field = "page_id"
    else:
        site = Site.find_for_request(request)
        page = None
        if site is not None:
            root = site.root_page
            parts = [part for part in body.page_path.split("/") if part]
            url_path = root.url_path + "".join(f"{part}/" for part in parts)
            page = pages.filter(url_path=url_path, path__startswith=root.path).first()
        field = "page_path"
    if page is None:
        return None, [(field, "not_found", "No appointment request page matches.")]
    return page.specific, None


def _form_data(body):
    from django.utils.datastructures import MultiValueDict

    data = MultiValueDict()
    for name in ("name", "email", "phone", "preferred_contact", "patient_status"):
        data[name] = getattr(body, name) or ""
    data["message"] = body.message or ""
    data.setlist("preferred_days", list(body.preferred_days))
    data.setlist("preferred_times", list(body.preferred_times))
    if body.massage_type_id is not None:
        data["massage_type"] = str(body.massage_type_id)
    if body.consent:
        data["consent"] = "on"
    data[HONEYPOT_FIELD] = body.website or ""
    return data


# Form field names that differ from the JSON ones.
_FIELD_NAMES = {"massage_type": "massage_type_id", "__all__": "__all__"}


@sensitive_variables()
def handle_appointment_request(request):
    """Validate, store and answer one JSON appointment request."""
    from wagtail_clinic.appointments.service import (
        DatabaseBusy,
        RateLimited,
        submit_appointment_request,
    )

    data, error = _read_json(request)
    if error is not None:
        return error
    try:
        body = ClinicAppointmentRequest.model_validate(data)
    except PydanticValidationError as exc:
        return problem(
            422, "Unprocessable Content", "Validation failed", pydantic_errors(exc)
        )
    page, page_errors = _find_page(request, body)
    if page_errors:
        return problem(422, "Unprocessable Content", "Validation failed", page_errors)
    form = page.get_form(data=_form_data(body), request=request)
    try:
        accepted = submit_appointment_request(
            page, form, request, source=RequestSource.API
        )
    except RateLimited as limited:
        return problem(
            429,
            "Too Many Requests",
            "Too many requests from this client; try again later.",
            headers={"Retry-After": str(limited.retry_after)},
        )
    except DatabaseBusy as busy:
        return problem(
            503,
            "Service Unavailable",
            "The request could not be stored just now; nothing was saved. "
            "Send it again after Retry-After seconds.",
            headers={"Retry-After": str(busy.retry_after)},
        )
    if accepted is None:
        errors = [
            (_FIELD_NAMES.get(name, name), code, message)
            for name, code, message in form.field_errors()
        ]
        return problem(422, "Unprocessable Content", "Validation failed", errors)
    return HttpResponse(
        ClinicAppointmentRequestCreated(reference=accepted.reference).model_dump_json(),
        status=201,
        content_type="application/json",
    )


def _anonymous(request):
    """Ninja auth callback: no cookie or session ever counts here."""
    request.user = AnonymousUser()
    return request.user


DESCRIPTION = """\
Send an appointment request from a headless frontend. The body is JSON
(`Content-Type: application/json`, at most `APPOINTMENT_MAX_BODY_SIZE` bytes)
naming the `AppointmentRequestPage` by `page_id` or `page_path`.

* **201**: received; the body holds only the request's `reference`.
* **400**: the body is not a JSON object. **413**: too large. **415**: not JSON.
* **403**: a browser `Origin` that is not allowed (`API_CORS_ORIGINS`).
* **422**: invalid fields; `errors[].field` names each one.
* **429**: rate limited; see the `Retry-After` header.
* **503**: the database was busy for too long; nothing was stored (and the
  rate limit was not spent): send the same request again after `Retry-After`
  seconds.

Errors are `application/problem+json`. No cookies or credentials are used or
accepted. Cross-origin browsers must come from an allowed origin (CORS
preflight). Request data is never echoed back.
"""


def add_appointment_routes(router):
    """Add ``POST /appointment-requests/`` (and its CORS preflight) to ``router``.

    Args:
        router: the clinic's ninja ``Router``, mounted at ``/api/v3/clinic/``.
    """
    from wagtail_clinic.api.endpoints import ClinicProblem

    problems = dict.fromkeys((400, 403, 413, 415, 422, 429, 503), ClinicProblem)

    def clinic_appointment_request_create(
        request,
        payload: ClinicAppointmentRequest = PAYLOAD,
    ):
        # Error reports (500 emails, Sentry) must not carry what patients sent.
        request.sensitive_post_parameters = "__ALL__"
        allowed, allow_origin = cors_origin(request)
        if not allowed:
            response = problem(
                403, "Forbidden", "This origin may not send appointment requests."
            )
        else:
            response = handle_appointment_request(request)
        response["Cache-Control"] = "no-store"
        return _add_cors_headers(response, allow_origin)

    def clinic_appointment_request_preflight(request):
        return preflight_response(request, ("POST",))

    router.add_api_operation(
        PATH,
        ["POST"],
        clinic_appointment_request_create,
        response={201: ClinicAppointmentRequestCreated, **problems},
        auth=[_anonymous],
        url_name="clinic_appointment_request_create",
        operation_id="clinic_appointment_request_create",
        summary="Request an appointment",
        description=DESCRIPTION,
        tags=["clinic"],
    )
    router.add_api_operation(
        PATH,
        ["OPTIONS"],
        clinic_appointment_request_preflight,
        auth=[_anonymous],
        include_in_schema=False,
    )
