"""POST /api/v3/clinic/appointment-requests/: the JSON endpoint for headless frontends."""

import json

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from wagtail.models import PageViewRestriction

from tests.appointment_utils import (
    API_URL,
    PATIENT,
    PATIENT_PHONE_E164,
    SECRETS,
    api_body,
    make_booking_site,
    make_request_page,
    post_json,
)
from wagtail_clinic.models import AppointmentRequest


ORIGIN = "https://www.clinic.example"
SETTINGS = {"APPOINTMENT_RATE_LIMIT": None, "API_CORS_ORIGINS": [ORIGIN]}


class APITestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = make_booking_site()

    def setUp(self):
        cache.clear()

    def post(self, body, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return post_json(self.client, body, **extra)

    def assert_problem(self, response, status, fields=()):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        data = response.json()
        self.assertEqual(data["status"], status)
        self.assertEqual(set(data) - {"errors"}, {"type", "title", "status", "detail"})
        self.assertEqual(AppointmentRequest.objects.count(), 0)
        self.assertEqual(mail.outbox, [])
        found = {error["field"] for error in data.get("errors", [])}
        self.assertEqual(found, set(fields))
        text = response.content.decode()
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        return data


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestCreate(APITestCase):
    def test_created_with_the_reference_only(self):
        response = self.post(
            api_body(
                self.page, massage_type_id=self.massage_type.pk, phone="(780) 555-0199"
            )
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response["Cache-Control"], "no-store")
        data = response.json()
        self.assertEqual(set(data), {"reference"})
        request = AppointmentRequest.objects.get()
        self.assertEqual(data["reference"], request.reference)
        self.assertEqual(request.source, "api")
        self.assertEqual(request.phone, PATIENT_PHONE_E164)
        self.assertEqual(request.massage_type, self.massage_type)
        self.assertEqual(request.clinic, self.clinic)
        self.assertEqual(len(mail.outbox), 1)

    def test_page_by_path(self):
        body = api_body(self.page, page_id=None, page_path="/book/")
        self.assertEqual(self.post(body).status_code, 201)
        body["page_path"] = "book"
        self.assertEqual(self.post(body).status_code, 201)

    def test_nulls_for_optional_fields(self):
        body = api_body(self.page, phone=None, message=None, website=None)
        self.assertEqual(self.post(body).status_code, 201)

    def test_honeypot_gets_the_normal_answer_and_nothing_is_stored(self):
        response = self.post(api_body(self.page, website="http://spam.example"))
        self.assertEqual(response.status_code, 201)
        self.assertRegex(response.json()["reference"], r"^AR-")
        self.assertEqual(AppointmentRequest.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_session_is_ignored_and_csrf_is_not_needed(self):
        user = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            response = post_json(client, api_body(self.page))
        self.assertEqual(response.status_code, 201)

    def test_other_methods(self):
        self.assertEqual(self.client.get(API_URL).status_code, 405)
        self.assertEqual(self.client.put(API_URL).status_code, 405)


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestBadRequests(APITestCase):
    def test_wrong_content_type(self):
        response = self.client.post(API_URL, {"name": "x"})  # multipart form
        self.assert_problem(response, 415)
        self.assertEqual(response["Accept-Post"], "application/json")
        response = post_json(
            self.client, json.dumps(api_body(self.page)), content_type="text/plain"
        )
        self.assert_problem(response, 415)
        response = post_json(
            self.client,
            api_body(self.page),
            content_type="application/json; charset=latin-1",
        )
        self.assert_problem(response, 415)

    def test_charset_utf8_is_fine(self):
        response = self.post(
            api_body(self.page), content_type="application/json; charset=utf-8"
        )
        self.assertEqual(response.status_code, 201)

    @override_settings(WAGTAIL_CLINIC={**SETTINGS, "APPOINTMENT_MAX_BODY_SIZE": 2000})
    def test_oversized_body(self):
        body = json.dumps(api_body(self.page, message="x" * 3000))
        self.assert_problem(post_json(self.client, body), 413)

    def test_oversized_body_without_content_length(self):
        body = json.dumps(api_body(self.page, message="x" * 20000)).encode()
        response = self.client.generic(
            "POST", API_URL, body, content_type="application/json", CONTENT_LENGTH=""
        )
        self.assertIn(response.status_code, (400, 413))
        self.assertEqual(AppointmentRequest.objects.count(), 0)

    def test_malformed_json(self):
        for body in (
            b"{",
            b"",
            b"\xff\xfe",
            b'{"name": NaN}',
            b"[" * 5000 + b"]" * 5000,
        ):
            with self.subTest(body=body[:20]):
                response = self.client.generic(
                    "POST",
                    API_URL,
                    body,
                    content_type="application/json",
                    CONTENT_TYPE="application/json",  # Also for the empty body.
                )
                self.assert_problem(response, 400)

    def test_not_an_object(self):
        for body in ([], [api_body(self.page)], None, 5, "text"):
            with self.subTest(body=body):
                self.assert_problem(post_json(self.client, json.dumps(body)), 400)

    def test_wrongly_typed_fields_are_named(self):
        cases = {
            "name": [None, 5, ["x"], {"a": 1}, True],
            "email": [5, ["a@example.com"]],
            "consent": ["yes", 1, None],
            "preferred_days": ["mon", [1], ["someday"]],
            "massage_type_id": ["1", 1.5, True, 2**70, -1],
            "page_id": ["1", 2**64],
            "preferred_contact": ["fax", None],
        }
        for field, values in cases.items():
            for value in values:
                with self.subTest(field=field, value=value):
                    self.assert_problem(
                        self.post(api_body(self.page, **{field: value})), 422, [field]
                    )

    def test_huge_strings_null_bytes_and_line_breaks(self):
        self.assert_problem(self.post(api_body(self.page, name="x" * 100_000)), 413)
        self.assert_problem(
            self.post(api_body(self.page, name="x" * 101)), 422, ["name"]
        )
        self.assert_problem(
            self.post(api_body(self.page, name="Ann\x00")), 422, ["name"]
        )
        self.assert_problem(
            self.post(api_body(self.page, name="Ann\r\nBcc: x")), 422, ["name"]
        )
        self.assert_problem(
            self.post(api_body(self.page, name="\ud800")), 422, ["name"]
        )
        self.assert_problem(
            self.post(api_body(self.page, message="ok\x00")), 422, ["message"]
        )
        self.assert_problem(
            self.post(api_body(self.page, page_id=None, page_path="/bo\ud800ok/")),
            422,
            ["page_path"],
        )

    def test_unknown_fields(self):
        self.assert_problem(
            self.post(api_body(self.page, status="booked")), 422, ["status"]
        )

    def test_missing_fields(self):
        body = api_body(self.page)
        del body["name"], body["consent"]
        self.assert_problem(self.post(body), 422, ["name", "consent"])

    def test_field_rules_from_the_form(self):
        self.assert_problem(
            self.post(api_body(self.page, email="", phone="")), 422, ["email"]
        )
        self.assert_problem(
            self.post(api_body(self.page, phone="", preferred_contact="phone")),
            422,
            ["phone"],
        )
        self.assert_problem(
            self.post(api_body(self.page, email="nope")), 422, ["email"]
        )
        self.assert_problem(
            self.post(api_body(self.page, consent=False)), 422, ["consent"]
        )
        data = self.assert_problem(
            self.post(api_body(self.page, massage_type_id=self.page.pk)),
            422,
            ["massage_type_id"],
        )
        self.assertEqual(data["errors"][0]["loc"], ["body", "massage_type_id"])

    def test_unknown_draft_or_private_pages(self):
        draft = make_request_page(
            self.home, title="Draft", slug="draft-book", live=False
        )
        private = make_request_page(self.home, title="Private", slug="private-book")
        PageViewRestriction.objects.create(
            page=private, restriction_type="password", password="x"
        )
        for page_id in (99999, draft.pk, private.pk, self.massage_type.pk):
            with self.subTest(page_id=page_id):
                self.assert_problem(
                    self.post(api_body(self.page, page_id=page_id)), 422, ["page_id"]
                )
        self.assert_problem(
            self.post(api_body(self.page, page_id=None, page_path="/nowhere/")),
            422,
            ["page_path"],
        )
        self.assert_problem(
            self.post(api_body(self.page, page_id=None)), 422, ["page_id"]
        )
        self.assert_problem(
            self.post(api_body(self.page, page_path="/book/")), 422, ["page_id"]
        )


class TestRateLimit(APITestCase):
    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": "2/hour"})
    def test_429_with_retry_after(self):
        for _ in range(2):
            self.assertEqual(self.post(api_body(self.page)).status_code, 201)
        response = self.post(api_body(self.page))
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertTrue(1 <= int(response["Retry-After"]) <= 3600)
        self.assertEqual(AppointmentRequest.objects.count(), 2)

    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": "1/hour"})
    def test_clients_are_limited_separately(self):
        self.assertEqual(
            self.post(api_body(self.page), REMOTE_ADDR="10.0.0.1").status_code, 201
        )
        self.assertEqual(
            self.post(api_body(self.page), REMOTE_ADDR="10.0.0.2").status_code, 201
        )
        self.assertEqual(
            self.post(api_body(self.page), REMOTE_ADDR="10.0.0.1").status_code, 429
        )


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestCORS(APITestCase):
    def preflight(self, origin, method="POST", headers="content-type"):
        return self.client.options(
            API_URL,
            HTTP_ORIGIN=origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
        )

    def test_preflight_from_an_allowed_origin(self):
        response = self.preflight(ORIGIN)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], ORIGIN)
        self.assertEqual(response["Access-Control-Allow-Methods"], "POST, OPTIONS")
        self.assertEqual(response["Access-Control-Allow-Headers"], "Content-Type")
        self.assertIn("Access-Control-Max-Age", response)
        self.assertIn("Origin", response["Vary"])
        self.assertNotIn("Access-Control-Allow-Credentials", response)

    def test_preflight_from_another_origin_gets_no_cors_headers(self):
        for origin in ("https://evil.example", "null", ORIGIN + ".evil.example"):
            with self.subTest(origin=origin):
                response = self.preflight(origin)
                self.assertNotIn("Access-Control-Allow-Origin", response)
                self.assertNotIn("Access-Control-Allow-Methods", response)

    def test_preflight_for_other_methods_or_headers(self):
        self.assertNotIn(
            "Access-Control-Allow-Origin", self.preflight(ORIGIN, method="DELETE")
        )
        self.assertNotIn(
            "Access-Control-Allow-Origin",
            self.preflight(ORIGIN, headers="authorization"),
        )

    def test_post_from_an_allowed_origin(self):
        response = self.post(api_body(self.page), HTTP_ORIGIN=ORIGIN)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response["Access-Control-Allow-Origin"], ORIGIN)
        self.assertEqual(response["Access-Control-Expose-Headers"], "Retry-After")
        self.assertNotIn("Access-Control-Allow-Credentials", response)

    def test_errors_are_readable_by_the_allowed_origin(self):
        response = self.post(api_body(self.page, name=""), HTTP_ORIGIN=ORIGIN)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Access-Control-Allow-Origin"], ORIGIN)

    def test_post_from_another_origin_is_refused(self):
        response = self.post(api_body(self.page), HTTP_ORIGIN="https://evil.example")
        self.assert_problem(response, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response)

    def test_same_origin_post_needs_no_allowlist(self):
        with override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": None}):
            response = self.post(api_body(self.page), HTTP_ORIGIN="http://testserver")
        self.assertEqual(response.status_code, 201)
        self.assertNotIn("Access-Control-Allow-Origin", response)

    def test_wildcard_allows_any_origin_without_credentials(self):
        with override_settings(
            WAGTAIL_CLINIC={
                "APPOINTMENT_RATE_LIMIT": None,
                "API_CORS_ORIGINS": ["*"],
            }
        ):
            response = self.preflight("https://anywhere.example")
            self.assertEqual(response["Access-Control-Allow-Origin"], "*")
            self.assertNotIn("Access-Control-Allow-Credentials", response)


class TestOpenAPI(TestCase):
    def test_endpoint_is_typed(self):
        schema = self.client.get("/api/v3/openapi.json").json()
        operation = schema["paths"]["/api/v3/clinic/appointment-requests/"]["post"]
        self.assertNotIn(
            "options", schema["paths"]["/api/v3/clinic/appointment-requests/"]
        )
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        self.assertEqual(body["$ref"], "#/components/schemas/ClinicAppointmentRequest")
        self.assertTrue(operation["requestBody"]["required"])
        self.assertEqual(
            set(operation["responses"]),
            {"201", "400", "403", "413", "415", "422", "429", "503"},
        )
        created = operation["responses"]["201"]["content"]["application/json"]["schema"]
        self.assertEqual(
            created["$ref"], "#/components/schemas/ClinicAppointmentRequestCreated"
        )
        components = schema["components"]["schemas"]
        self.assertEqual(
            set(components["ClinicAppointmentRequestCreated"]["properties"]),
            {"reference"},
        )
        request_schema = components["ClinicAppointmentRequest"]
        self.assertFalse(request_schema["additionalProperties"])
        self.assertEqual(
            set(request_schema["required"]),
            {"name", "preferred_contact", "patient_status", "consent"},
        )
        self.assertEqual(request_schema["properties"]["name"]["maxLength"], 100)
        self.assertEqual(
            operation["responses"]["422"]["content"]["application/problem+json"][
                "schema"
            ]["$ref"],
            "#/components/schemas/ClinicProblem",
        )


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestStoredValues(APITestCase):
    def test_all_values_round_trip(self):
        self.post(
            api_body(
                self.page,
                preferred_days=["sun", "mon", "sun"],
                preferred_times=["evening", "morning"],
                patient_status="returning",
                preferred_contact="phone",
            )
        )
        request = AppointmentRequest.objects.get()
        self.assertEqual(request.name, PATIENT["name"])
        self.assertEqual(request.message, PATIENT["message"])
        self.assertEqual(request.preferred_days, ["mon", "sun"])
        self.assertEqual(request.preferred_times, ["morning", "evening"])
        self.assertEqual(request.patient_status, "returning")
        self.assertEqual(request.preferred_contact, "phone")
