"""The served OpenAPI document is the contract of the clinic API.

* ``/api/v3/openapi.json``, as served, validates with openapi-spec-validator;
  the clinic's errors are declared ``application/problem+json``; the maxima
  the server enforces are in it.
* Each status a clinic operation answers, provoked here on purpose (413,
  415, 429, 503, 304, …), is declared, with its media type, headers and
  body schema (checked by schemathesis' response checks).
* schemathesis, in-process against the test site's WSGI application, runs
  every check against every clinic operation (``/api/v3/clinic/...``, the
  POST endpoints included) with a fixed seed and a bounded number of
  examples per operation: no server error, no response that breaks the
  document. The figures of a run are in docs/headless.md ("OpenAPI
  contract").
"""

import json
import re
import typing

from collections import Counter
from unittest import mock

import pytest
import schemathesis

from django.contrib.contenttypes.models import ContentType
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from pydantic_core.core_schema import ErrorType
from schemathesis.checks import load_all_checks
from schemathesis.config import PositiveDataAcceptanceConfig, SchemathesisConfig
from wagtail.models import Site
from werkzeug.test import Client as WSGIClient

from tests import appointment_utils, comment_utils
from tests.appointment_utils import make_request_page
from tests.comment_utils import make_comment
from tests.fuzzing import fuzz_examples
from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    set_default_clinic,
)
from wagtail_clinic.api.v3 import fix_security_schemes, install_openapi_contract
from wagtail_clinic.comments.spam import make_form_token
from wagtail_clinic.db import DatabaseBusy
from wagtail_clinic.models import ConditionPage, PagePreview, WebhookDelivery
from wagtail_clinic.preview import get_signer
from wagtail_clinic.public_input.params import limit_max


OPENAPI_URL = "/api/v3/openapi.json"
CLINIC_PREFIX = "/api/v3/clinic/"
PROBLEM_JSON = "application/problem+json"
APPOINTMENTS = "/api/v3/clinic/appointment-requests/"
COMMENTS = "/api/v3/clinic/pages/{page_id}/comments/"

#: The schemathesis run: a fixed seed, derandomized Hypothesis, and at most
#: this many fuzzed examples per operation (the coverage phase adds its own,
#: schema-derived cases; the PostgreSQL run of scripts/test.sh scales it
#: down, see tests/fuzzing.py).
SEED = 20_260_611
MAX_EXAMPLES = fuzz_examples(100)

#: Rules that would refuse nearly every generated request for reasons beside
#: the point of the run are relaxed for it: no rate limits (hundreds of
#: POSTs come from one client) and no minimum fill time for comments (no
#: waiting). Every check still runs. The limits themselves answer 429 in
#: test_served_statuses_are_declared below (declared, with Retry-After), and
#: are tested in test_appointments_ratelimit.py and test_comments_spam.py.
RELAXED = {
    "APPOINTMENT_RATE_LIMIT": None,
    "COMMENTS_RATE_LIMIT": None,
    "COMMENTS_MIN_FILL_SECONDS": 0,
}


def served_document():
    response = Client().get(OPENAPI_URL)
    assert response.status_code == 200
    return response.json()


def clinic_operations(document):
    """``(path, method, operation)`` for every clinic operation."""
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith(CLINIC_PREFIX)
        for method, operation in item.items()
    ]


# Content ----------------------------------------------------------------------

#: Stand-ins for the ids of the content in the run's configuration (loaded
#: when this module is imported, before any database exists): each test
#: swaps them for the real ids before sending a request.
PLACEHOLDERS = {
    "neck": 91_001,
    "back": 91_002,
    "massage_type": 91_003,
    "booking": 91_004,
    "comment": 91_005,
    "reply": 91_006,
}
FORM_TOKEN = "form-token-placeholder"
PREVIEW_KEY = "openapi-contract-preview"
PREVIEW_CONTENT_TYPE = "wagtail_clinic.conditionpage"


def preview_token():
    return get_signer().sign(f"{PREVIEW_CONTENT_TYPE}:{PREVIEW_KEY}")


class ClinicSite:
    """A site with every kind of clinic page, comments and a draft preview."""

    def __init__(self):
        _root, home = make_site_tree()
        clinic = make_clinic()
        set_default_clinic(Site.objects.get(is_default_site=True), clinic)
        image = make_image()
        conditions = make_condition_index(home, slug="conditions")
        massage_types = make_massage_type_index(home, slug="massage-types")
        neck = make_condition_page(
            conditions,
            title="Neck pain",
            slug="neck-pain",
            condition_name="Neck pain",
            hero_image=image,
            hero_image_alt="A stiff neck",
        )
        massage_type = make_massage_type(massage_types, image=image, image_alt="A calf")
        # Comments are off by default: this site and the article take them.
        comment_utils.allow_site_comments()
        back = make_condition_page(
            conditions,
            slug="back-pain",
            comments_enabled=True,
            body=article_body(
                image=image, clinic=clinic, massage_types=[massage_type], link_page=neck
            ),
        )
        # The massage type helps back pain, whose body chooses it (the
        # relation follows the bodies), and neck pain, set directly here.
        massage_type.conditions.add(neck)
        booking = make_request_page(home)
        comment = make_comment(back)
        reply = make_comment(back, parent=comment, body="Same here.")
        draft = ConditionPage.objects.get(pk=back.pk)
        draft.title = "An unsaved title"
        PagePreview.objects.create(
            key=PREVIEW_KEY,
            content_type=ContentType.objects.get_for_model(ConditionPage),
            content_json=draft.to_json(),
        )
        objects = {
            "neck": neck,
            "back": back,
            "massage_type": massage_type,
            "booking": booking,
            "comment": comment,
            "reply": reply,
        }
        self.ids = {PLACEHOLDERS[name]: obj.pk for name, obj in objects.items()}
        self.form_token = make_form_token(back.pk)
        self.back, self.booking, self.comment = back, booking, comment
        self.neck = neck

    def _real(self, value):
        if value == FORM_TOKEN:
            return self.form_token
        if isinstance(value, int) and not isinstance(value, bool):
            return self.ids.get(value, value)
        return value

    def resolve(self, case):
        """Swap the placeholders in ``case`` for the real ids and token."""
        for container in (case.path_parameters, case.query, case.body):
            if isinstance(container, dict):
                for name, value in container.items():
                    container[name] = self._real(value)


def contract_config():
    """The run's configuration: seed, budget, and real values to mix in.

    Random ids, paths and tokens would almost never name real content, so
    half of the time each is drawn from a dictionary of real ones.
    """
    ids = PLACEHOLDERS
    dictionaries = {
        "page-ids": [ids[name] for name in ("neck", "back", "massage_type", "booking")],
        "paths": ["/", "/conditions/back-pain/", "/massage-types/sports-massage/"],
        "conditions": ["back-pain", "neck-pain"],
        "massage-types": [ids["massage_type"]],
        "sites": ["localhost", "localhost:80"],
        "preview-tokens": [preview_token()],
        "content-types": [PREVIEW_CONTENT_TYPE],
        "booking": [ids["booking"]],
        "booking-paths": ["/book/"],
        "comment-ids": [ids["comment"], ids["reply"]],
        "form-tokens": [FORM_TOKEN],
        # Text that follows the form rules, so that some requests are stored.
        "names": ["Alex Example"],
        "emails": ["alex@example.com"],
        "phones": ["+1 780 555 0100"],
        "messages": ["Mornings suit me best."],
        "comments": ["Weekly massage helped my back."],
        "empty": [""],
    }
    bindings = {
        "path.page_id": "page-ids",
        "query.path": "paths",
        "query.condition": "conditions",
        "query.massage_type": "massage-types",
        "query.site": "sites",
        "query.token": "preview-tokens",
        "query.content_type": "content-types",
        "body.page_id": "booking",
        "body.page_path": "booking-paths",
        "body.massage_type_id": "massage-types",
        "body.parent_id": "comment-ids",
        "body.token": "form-tokens",
        "body.name": "names",
        "body.author_name": "names",
        "body.email": "emails",
        "body.phone": "phones",
        "body.message": "messages",
        "body.body": "comments",
        "body.website": "empty",
    }
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "checks": {
                # A well-formed value may still name nothing (an unknown site,
                # massage type, condition or booking page) or break a rule no
                # JSON schema can state (email syntax, consent, the comment
                # rules): the server answers 422 for those, so 422 is accepted
                # for schema-valid data. schema_errors_only_for_invalid_data
                # (below) makes sure such a 422 is never the server's own
                # schema validation refusing what the document allows.
                "positive_data_acceptance": {
                    "expected-statuses": [
                        *PositiveDataAcceptanceConfig().expected_statuses,
                        "422",
                    ]
                },
            },
            "dictionaries": {
                name: {"values": values} for name, values in dictionaries.items()
            },
            "parameters": {
                key: {"dictionary": name, "probability": 0.5}
                for key, name in bindings.items()
            },
        }
    )


# The document -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_served_document_validates():
    validate(served_document())


@pytest.mark.django_db
def test_webhooks_describe_every_event_with_its_headers_and_body():
    """OpenAPI 3.1 ``webhooks``: one POST per event, with the Standard
    Webhooks headers and the body schema as a component (real deliveries
    are validated against it in test_webhooks_standard.py)."""
    document = served_document()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert set(document["webhooks"]) == set(WebhookDelivery.Event.values)
    schemas = document["components"]["schemas"]
    for event, path_item in document["webhooks"].items():
        operation = path_item["post"]
        required = {
            parameter["name"]
            for parameter in operation["parameters"]
            if parameter["in"] == "header" and parameter["required"]
        }
        assert required == {
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "X-Clinic-Event",
        }
        deprecated = {
            parameter["name"]
            for parameter in operation["parameters"]
            if parameter.get("deprecated")
        }
        assert deprecated == {
            "X-Clinic-Signature",
            "X-Clinic-Timestamp",
            "X-Clinic-Delivery",
        }
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        component = schemas[body["$ref"].removeprefix("#/components/schemas/")]
        assert component["properties"]["event"]["const"] == event
        assert {"page", "paths", "purge_all", "paths_url"} <= set(component["required"])
    union = schemas["ClinicWebhook"]
    assert union["discriminator"]["propertyName"] == "event"
    assert set(union["discriminator"]["mapping"]) == set(WebhookDelivery.Event.values)


@pytest.mark.django_db
def test_anonymous_access_is_the_empty_security_requirement():
    """Wagtail's ``AllowAnonymous`` was an invalid ``http`` scheme: it is now
    ``{}`` in its operations' requirements, the bearer token still listed."""
    document = served_document()
    assert document["components"]["securitySchemes"] == {
        "BearerTokenAuth": {"type": "http", "scheme": "bearer"}
    }
    page_detail = document["paths"]["/api/v3/pages/{page_id}/"]["get"]
    assert page_detail["security"] == [{"BearerTokenAuth": []}, {}]
    write = document["paths"]["/api/v3/pages/{page_id}/"]["patch"]
    assert write["security"] == [{"BearerTokenAuth": []}]


@pytest.mark.django_db
def test_clinic_errors_are_problem_json():
    operations = clinic_operations(served_document())
    assert len(operations) == 10
    for path, method, operation in operations:
        for status, response in operation["responses"].items():
            media_types = set(response.get("content", {}))
            if status.startswith(("4", "5")):
                assert media_types == {PROBLEM_JSON}, (method, path, status)
                assert response["content"][PROBLEM_JSON]["schema"] == {
                    "$ref": "#/components/schemas/ClinicProblem"
                }
            elif status == "304":
                assert media_types == set(), (method, path, status)
            else:
                assert media_types == {"application/json"}, (method, path, status)


@pytest.mark.django_db
def test_busy_and_rate_limited_answers_declare_retry_after():
    document = served_document()
    for path in (APPOINTMENTS, COMMENTS):
        responses = document["paths"][path]["post"]["responses"]
        for status in ("429", "503"):
            assert responses[status]["headers"]["Retry-After"]["required"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("maximum", [None, 7])
def test_the_limit_maximum_is_the_enforced_one(client, maximum):
    """``limit``'s maximum follows the settings, and is what the server allows."""
    settings = {} if maximum is None else {"API_LIMIT_MAX": maximum}
    make_site_tree()
    with override_settings(WAGTAIL_CLINIC=settings):
        expected = limit_max()
        assert expected == (50 if maximum is None else maximum)  # tests/settings.py
        document = served_document()
        for path in ("conditions/", "massage-types/", "pages/{page_id}/comments/"):
            parameters = document["paths"][CLINIC_PREFIX + path]["get"]["parameters"]
            (limit,) = [p for p in parameters if p["name"] == "limit"]
            assert limit["schema"]["maximum"] == expected, path
            assert limit["schema"]["minimum"] == 1, path
        url = CLINIC_PREFIX + "conditions/"
        assert client.get(url, {"limit": expected}).status_code == 200
        refused = client.get(url, {"limit": expected + 1})
        assert (refused.status_code, refused["Content-Type"]) == (400, PROBLEM_JSON)


@pytest.mark.django_db
def test_the_default_limit_follows_a_lower_maximum(client):
    _home, page = comment_utils.make_article()
    with override_settings(WAGTAIL_CLINIC={"API_LIMIT_MAX": 7}):
        for url in (CLINIC_PREFIX + "conditions/", comment_utils.api_url(page)):
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_request_sizes_are_documented():
    document = served_document()
    with override_settings(
        WAGTAIL_CLINIC={"APPOINTMENT_MAX_BODY_SIZE": 4096, "COMMENTS_MAX_LENGTH": 500}
    ):
        changed = served_document()
    for doc, appointment_size, comment_length in (
        (document, 16 * 1024, 3000),
        (changed, 4096, 500),
    ):
        body = doc["paths"][APPOINTMENTS]["post"]["requestBody"]
        assert body["x-max-body-size"] == appointment_size
        assert f"At most {appointment_size} bytes" in body["description"]
        comment = doc["components"]["schemas"]["ClinicCommentSubmission"]
        assert comment["properties"]["body"]["maxLength"] == comment_length
        assert comment["properties"]["author_name"]["maxLength"] == 100
        assert comment["properties"]["email"]["maxLength"] == 254


def test_invalid_anonymous_schemes_become_the_empty_requirement():
    document = {
        "paths": {
            "/a/": {"get": {"security": [{"Anon": []}]}},
            "/b/": {"get": {"security": [{"Token": []}, {"Anon": []}, {"Other": []}]}},
        },
        "components": {
            "securitySchemes": {
                "Anon": {"type": "http"},
                "Other": {"type": "http", "scheme": ""},
                "Token": {"type": "http", "scheme": "bearer"},
            }
        },
    }
    fix_security_schemes(document)
    assert document["components"]["securitySchemes"] == {
        "Token": {"type": "http", "scheme": "bearer"}
    }
    assert document["paths"]["/a/"]["get"]["security"] == [{}]
    assert document["paths"]["/b/"]["get"]["security"] == [{"Token": []}, {}]
    fix_security_schemes(document)  # Nothing left to fix.
    assert document["paths"]["/b/"]["get"]["security"] == [{"Token": []}, {}]


def test_a_failing_fix_still_serves_the_document(caplog):
    class API:
        def get_openapi_schema(self, **kwargs):
            return {"paths": {"/x/": {"get": {"operationId": "x", "responses": 1}}}}

    api = API()
    install_openapi_contract(api, {"x"})
    install_openapi_contract(api, {"y"})  # Wrapped once; "y" added.
    assert api.get_openapi_schema()["paths"]["/x/"]["get"]["responses"] == 1
    assert "fixing the API v3 OpenAPI document failed" in caplog.text


# schemathesis -------------------------------------------------------------------

#: pydantic's error types: what the server's own schema validation reports.
#: Not "value_error": that is what pydantic reports for the custom validators,
#: i.e. the one text policy (public_input.text: no control or invisible
#: characters, by Unicode category), which no compact JSON schema pattern
#: can state; the parameter and field descriptions say it instead.
SCHEMA_ERROR_TYPES = frozenset(typing.get_args(ErrorType)) - {"value_error"}


def schema_errors_only_for_invalid_data(ctx, response, case):
    """A check: schema-valid data is never refused by schema validation.

    A 422 to a request generated from the document (positive mode) must be
    about what the document cannot say (see ``contract_config``), not a
    parameter or field constraint the document leaves out.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code != 422:
        return None
    errors = json.loads(response.content).get("errors") or []
    refused = [error for error in errors if error.get("type") in SCHEMA_ERROR_TYPES]
    if refused:
        raise AssertionError(
            f"A schema-valid request was refused by schema validation: {refused}"
        )
    return None


#: Responses of the run, by operation and status (reported at the end).
STATS = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_the_run(request):
    yield
    if not STATS:
        return
    operations = {operation for operation, _status in STATS}
    statuses = Counter()
    for (_operation, status), count in STATS.items():
        statuses[status] += count
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {len(operations)} operations, "
                f"{sum(STATS.values())} requests, "
                f"statuses {dict(sorted(statuses.items()))}"
            )
    STATS.clear()


#: Loaded when the module is imported (schemathesis' lazy, fixture-based
#: loading does not work with pytest 9.2); the document is served with the
#: test settings and needs no database.
schema = schemathesis.openapi.from_wsgi(
    OPENAPI_URL, WSGIHandler(), config=contract_config()
).include(path_regex=f"^{CLINIC_PREFIX}")


@pytest.fixture
def clinic_site(db):
    """The content, and Django's WSGI application sharing the test's transaction.

    Like Django's test client, the requests keep ``close_old_connections``
    from closing the connection at their end (which would end the test's
    transaction).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(WAGTAIL_CLINIC=RELAXED):
            yield ClinicSite()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_schemathesis(case, clinic_site):
    clinic_site.resolve(case)
    response = case.call_and_validate(
        additional_checks=[schema_errors_only_for_invalid_data]
    )
    STATS[case.operation.label, response.status_code] += 1


# Served statuses ------------------------------------------------------------------


def wsgi_client():
    return WSGIClient(WSGIHandler())


def _json(method, url, body, headers=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return wsgi_client().open(
        url, method=method, data=data, content_type=content_type, headers=headers
    )


def _appointment(site, body=None, **kwargs):
    if body is None:
        body = appointment_utils.api_body(site.booking)
    return _json("POST", APPOINTMENTS, body, **kwargs)


def _comment(site, body=None, **kwargs):
    if body is None:
        body = comment_utils.api_body(site.back)
    return _json("POST", COMMENTS.format(page_id=site.back.pk), body, **kwargs)


def _get(url, **kwargs):
    return wsgi_client().get(url, **kwargs)


def _conditional(url, header, value=None):
    """A GET of ``url`` with ``header`` set to the ETag of a first GET."""
    etag = _get(url).headers["ETag"]
    return _get(url, headers={header: value or etag})


BUSY = DatabaseBusy(retry_after=5)

#: ``(operation, expected status, request)``: every status each clinic
#: operation answers, with the request that provokes it.
SERVED = [
    # Page detail and by-path.
    (
        "GET /pages/{page_id}/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.back.pk}/"),
    ),
    (
        "GET /pages/{page_id}/",
        304,
        lambda s: _conditional(f"{CLINIC_PREFIX}pages/{s.back.pk}/", "If-None-Match"),
    ),
    (
        "GET /pages/{page_id}/",
        412,
        lambda s: _conditional(
            f"{CLINIC_PREFIX}pages/{s.back.pk}/", "If-Match", '"other"'
        ),
    ),
    ("GET /pages/{page_id}/", 404, lambda s: _get(f"{CLINIC_PREFIX}pages/99999999/")),
    ("GET /pages/{page_id}/", 422, lambda s: _get(f"{CLINIC_PREFIX}pages/x/")),
    (
        "GET /pages/by-path/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}pages/by-path/?path=/conditions/back-pain/"),
    ),
    (
        "GET /pages/by-path/",
        304,
        lambda s: _conditional(
            f"{CLINIC_PREFIX}pages/by-path/?path=/book/", "If-None-Match"
        ),
    ),
    (
        "GET /pages/by-path/",
        404,
        lambda s: _get(f"{CLINIC_PREFIX}pages/by-path/?path=/nowhere/"),
    ),
    ("GET /pages/by-path/", 422, lambda s: _get(f"{CLINIC_PREFIX}pages/by-path/")),
    # Where a page is shown.
    (
        "GET /pages/{page_id}/shown-on/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.neck.pk}/shown-on/"),
    ),
    (
        "GET /pages/{page_id}/shown-on/",
        304,
        lambda s: _conditional(
            f"{CLINIC_PREFIX}pages/{s.neck.pk}/shown-on/", "If-None-Match"
        ),
    ),
    (
        "GET /pages/{page_id}/shown-on/",
        400,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.neck.pk}/shown-on/?limit=51"),
    ),
    (
        "GET /pages/{page_id}/shown-on/",
        404,
        lambda s: _get(f"{CLINIC_PREFIX}pages/99999999/shown-on/"),
    ),
    (
        "GET /pages/{page_id}/shown-on/",
        422,
        lambda s: _get(f"{CLINIC_PREFIX}pages/x/shown-on/"),
    ),
    # Listings.
    (
        "GET /conditions/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}conditions/?search=back"),
    ),
    (
        "GET /conditions/",
        304,
        lambda s: _conditional(f"{CLINIC_PREFIX}conditions/", "If-None-Match"),
    ),
    ("GET /conditions/", 400, lambda s: _get(f"{CLINIC_PREFIX}conditions/?limit=51")),
    ("GET /conditions/", 422, lambda s: _get(f"{CLINIC_PREFIX}conditions/?offset=-1")),
    (
        "GET /massage-types/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}massage-types/?condition=back-pain"),
    ),
    (
        "GET /massage-types/",
        412,
        lambda s: _conditional(f"{CLINIC_PREFIX}massage-types/", "If-Match", '"other"'),
    ),
    (
        "GET /massage-types/",
        400,
        lambda s: _get(f"{CLINIC_PREFIX}massage-types/?limit=51"),
    ),
    (
        "GET /massage-types/",
        422,
        lambda s: _get(f"{CLINIC_PREFIX}massage-types/?condition=nothing"),
    ),
    # Preview.
    (
        "GET /preview/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}preview/?token={preview_token()}"),
    ),
    ("GET /preview/", 404, lambda s: _get(f"{CLINIC_PREFIX}preview/?token=forged")),
    ("GET /preview/", 422, lambda s: _get(f"{CLINIC_PREFIX}preview/")),
    # Comments.
    (
        "GET /pages/{page_id}/comments/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.back.pk}/comments/"),
    ),
    (
        "GET /pages/{page_id}/comments/",
        304,
        lambda s: _conditional(
            f"{CLINIC_PREFIX}pages/{s.back.pk}/comments/", "If-None-Match"
        ),
    ),
    (
        "GET /pages/{page_id}/comments/",
        400,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.back.pk}/comments/?limit=51"),
    ),
    (
        "GET /pages/{page_id}/comments/",
        404,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.booking.pk}/comments/"),
    ),
    (
        "GET /pages/{page_id}/comments/",
        422,
        lambda s: _get(f"{CLINIC_PREFIX}pages/0/comments/"),
    ),
    (
        "GET /pages/{page_id}/comments/token/",
        200,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.back.pk}/comments/token/"),
    ),
    (
        "GET /pages/{page_id}/comments/token/",
        404,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.booking.pk}/comments/token/"),
    ),
    (
        "GET /pages/{page_id}/comments/token/",
        422,
        lambda s: _get(f"{CLINIC_PREFIX}pages/{s.back.pk}/comments/token/?site=%00"),
    ),
    ("POST /pages/{page_id}/comments/", 202, lambda s: _comment(s)),
    (
        "POST /pages/{page_id}/comments/",
        201,
        lambda s: _comment(s, comment_utils.api_body(s.back, email=s.comment.email)),
    ),
    ("POST /pages/{page_id}/comments/", 400, lambda s: _comment(s, b"{")),
    (
        "POST /pages/{page_id}/comments/",
        403,
        lambda s: _comment(s, headers={"Origin": "https://elsewhere.example"}),
    ),
    (
        "POST /pages/{page_id}/comments/",
        404,
        lambda s: _json(
            "POST",
            COMMENTS.format(page_id=s.booking.pk),
            comment_utils.api_body(s.back),
        ),
    ),
    ("POST /pages/{page_id}/comments/", 413, lambda s: _comment(s, b" " * 10**6)),
    (
        "POST /pages/{page_id}/comments/",
        415,
        lambda s: _comment(s, b"{}", content_type="text/plain"),
    ),
    ("POST /pages/{page_id}/comments/", 422, lambda s: _comment(s, {"body": 1})),
    (
        "POST /pages/{page_id}/comments/",
        429,
        lambda s: [_comment(s) for _ in range(2)][-1],
    ),
    (
        "POST /pages/{page_id}/comments/",
        503,
        lambda s: _busy(
            "wagtail_clinic.comments.service.submit_comment", lambda: _comment(s)
        ),
    ),
    # Appointment requests.
    ("POST /appointment-requests/", 201, lambda s: _appointment(s)),
    ("POST /appointment-requests/", 400, lambda s: _appointment(s, b"[]")),
    (
        "POST /appointment-requests/",
        403,
        lambda s: _appointment(s, headers={"Origin": "https://elsewhere.example"}),
    ),
    ("POST /appointment-requests/", 413, lambda s: _appointment(s, b" " * 10**6)),
    (
        "POST /appointment-requests/",
        415,
        lambda s: _appointment(s, b"{}", content_type="text/plain"),
    ),
    ("POST /appointment-requests/", 422, lambda s: _appointment(s, {"name": "A"})),
    (
        "POST /appointment-requests/",
        429,
        lambda s: [_appointment(s) for _ in range(2)][-1],
    ),
    (
        "POST /appointment-requests/",
        503,
        lambda s: _busy(
            "wagtail_clinic.booking.service.submit_appointment_request",
            lambda: _appointment(s),
        ),
    ),
]

#: Settings for the statuses that the run's relaxed settings would hide.
STATUS_SETTINGS = {
    429: {"APPOINTMENT_RATE_LIMIT": "1/hour", "COMMENTS_RATE_LIMIT": "1/hour"},
    201: {"COMMENTS_AUTO_APPROVE_RETURNING": True},
}


def _busy(target, send):
    with mock.patch(target, side_effect=BUSY):
        return send()


#: The checks of a response alone (the request was not generated).
RESPONSE_CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


@pytest.mark.parametrize(
    ("operation", "status", "send"),
    SERVED,
    ids=[f"{operation} {status}" for operation, status, _send in SERVED],
)
def test_served_statuses_are_declared(clinic_site, operation, status, send):
    method, path = operation.split(" ")
    with override_settings(
        WAGTAIL_CLINIC={**RELAXED, **STATUS_SETTINGS.get(status, {})}
    ):
        response = send(clinic_site)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    declared = schema[CLINIC_PREFIX.rstrip("/") + path][method]
    load_all_checks()
    # A 503 is the declared answer to a busy database (provoked here), not
    # the kind of server error not_a_server_error looks for.
    names = [name for name in RESPONSE_CHECKS if status != 503 or "server" not in name]
    checks = [getattr(schemathesis.checks, name) for name in names]
    page_id = re.search(r"/pages/([^/]+)/", response.request.path)
    case = declared.Case(
        path_parameters={"page_id": page_id[1]} if "{page_id}" in path else {}
    )
    case.validate_response(response, checks=checks)
    if status >= 400:
        assert response.headers["Content-Type"] == PROBLEM_JSON
    if status in (429, 503):
        assert int(response.headers["Retry-After"]) > 0
