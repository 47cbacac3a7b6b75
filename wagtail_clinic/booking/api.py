"""``POST /api/v3/clinic/appointment-requests/``: appointment requests from headless frontends (layer 5).

``router`` (a ninja ``Router``, mounted under ``/api/v3/clinic/`` by
``wagtail_clinic.api.router``) holds the endpoint and its CORS preflight.
The request is validated by the same form as the HTML page
(``booking.forms``) and stored by the same service (``booking.service``),
so both channels accept exactly the same requests.

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

from django.http import HttpResponse
from django.views.decorators.debug import sensitive_variables
from ninja import Router
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from wagtail.models import Page, Site

from wagtail_clinic.booking import service
from wagtail_clinic.booking.models import (
    EMAIL_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_INPUT_MAX_LENGTH,
    RequestSource,
)
from wagtail_clinic.booking.pages import AbstractAppointmentRequestPage
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.db import DatabaseBusy
from wagtail_clinic.public_input.cors import add_cors_headers, cors_origin
from wagtail_clinic.public_input.cors import preflight_response as cors_preflight
from wagtail_clinic.public_input.forms import form_data
from wagtail_clinic.public_input.honeypot import HONEYPOT_FIELD
from wagtail_clinic.public_input.ids import MAX_PAGE_ID, json_integer
from wagtail_clinic.public_input.json_body import read_json_model
from wagtail_clinic.public_input.operations import PAYLOAD, anonymous
from wagtail_clinic.public_input.problems import (
    ClinicProblem,
    body_field_errors,
    problem_response,
)
from wagtail_clinic.public_input.ratelimit import RateLimited
from wagtail_clinic.public_input.text import single_line_text


__all__ = [
    "ClinicAppointmentRequest",
    "ClinicAppointmentRequestCreated",
    "handle_appointment_request",
    "request_body_limits",
    "router",
]

PATH = "/appointment-requests/"
OPERATION_ID = "clinic_appointment_request_create"
PAGE_PATH_MAX_LENGTH = 1024
WEEKDAYS = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TIMES = Literal["morning", "afternoon", "evening"]
#: JSON names that differ from the form's field names.
FORM_NAMES = {"massage_type_id": "massage_type", "website": HONEYPOT_FIELD}
#: The form's field names that differ from the JSON ones, for its errors.
JSON_NAMES = {form: json for json, form in FORM_NAMES.items()}
#: What a request that may be sent again later is told, by status.
TRY_AGAIN = {
    429: "Too many requests from this client; try again later.",
    503: "The request could not be stored just now; nothing was saved. "
    "Send it again after Retry-After seconds.",
}


# Schemas --------------------------------------------------------------------


class ClinicAppointmentRequest(BaseModel):
    """An appointment request, as a headless frontend sends it.

    Name the request page with ``page_id`` or ``page_path``. Give ``email``,
    ``phone`` or both; ``preferred_contact`` must be one that is given.
    ``consent`` must be true: the patient ticked the consent checkbox showing
    the page's ``consent_statement``. ``website`` is a honeypot: render it
    hidden and send what it holds.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    page_id: json_integer(ge=1, le=MAX_PAGE_ID) | None = Field(
        None, description="The id of the AppointmentRequestPage."
    )
    page_path: Annotated[str | None, AfterValidator(single_line_text)] = Field(
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
    massage_type_id: json_integer(ge=1, le=MAX_PAGE_ID) | None = Field(
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


# The view ---------------------------------------------------------------------


def max_body_size():
    """The largest request body read, in bytes (``APPOINTMENT_MAX_BODY_SIZE``)."""
    return int(clinic_settings.APPOINTMENT_MAX_BODY_SIZE)


def request_body_limits():
    """``{operationId: callable}``: the largest body each operation reads,
    for the OpenAPI document (``api.v3.install_openapi_contract``)."""
    return {OPERATION_ID: max_body_size}


def _invalid(errors):
    """A 422 problem naming the body ``errors`` (``(field, code, message)``)."""
    errors = list(errors)
    return problem_response(
        422,
        "Validation failed",
        body_field_errors(errors) if errors else None,
        title="Unprocessable Content",
    )


def _find_page(request, body):
    """The live, public request page named by ``body``; or (None, errors)."""
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


@sensitive_variables()
def handle_appointment_request(request):
    """Validate, store and answer one JSON appointment request."""
    body, error = read_json_model(
        request, ClinicAppointmentRequest, max_body_size(), _invalid
    )
    if error is not None:
        return error
    page, page_errors = _find_page(request, body)
    if page_errors:
        return _invalid(page_errors)
    form = page.get_form(data=form_data(body, FORM_NAMES), request=request)
    try:
        accepted = service.submit_appointment_request(
            page, form, request, source=RequestSource.API
        )
    except (RateLimited, DatabaseBusy) as exc:
        status = 429 if isinstance(exc, RateLimited) else 503
        retry_after = {"Retry-After": str(exc.retry_after)}
        return problem_response(status, TRY_AGAIN[status], headers=retry_after)
    if accepted is None:
        return _invalid(
            (JSON_NAMES.get(name, name), code, message)
            for name, code, message in form.field_errors()
        )
    return HttpResponse(
        ClinicAppointmentRequestCreated(reference=accepted.reference).model_dump_json(),
        status=201,
        content_type="application/json",
    )


# The router -------------------------------------------------------------------


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

router = Router(tags=["clinic"])


@router.post(
    PATH,
    response={
        201: ClinicAppointmentRequestCreated,
        **dict.fromkeys((400, 403, 413, 415, 422, 429, 503), ClinicProblem),
    },
    auth=[anonymous],
    url_name=OPERATION_ID,
    operation_id=OPERATION_ID,
    summary="Request an appointment",
    description=DESCRIPTION,
)
def clinic_appointment_request_create(
    request,
    payload: ClinicAppointmentRequest = PAYLOAD,
):
    """The endpoint: CORS, then ``handle_appointment_request``; never cached."""
    # Error reports (500 emails, Sentry) must not carry what patients sent.
    request.sensitive_post_parameters = "__ALL__"
    allowed, allow_origin = cors_origin(request)
    if not allowed:
        response = problem_response(
            403, "This origin may not send appointment requests."
        )
    else:
        response = handle_appointment_request(request)
    response["Cache-Control"] = "no-store"
    return add_cors_headers(response, allow_origin)


@router.api_operation(["OPTIONS"], PATH, auth=[anonymous], include_in_schema=False)
def clinic_appointment_request_preflight(request):
    """The CORS preflight of the endpoint."""
    return cors_preflight(request, ("POST",))
