"""Patient data stays in the admin: not in emails, public APIs, OpenAPI or error reports."""

import json

from unittest import mock

from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.views.debug import ExceptionReporter

from tests.appointment_utils import (
    SECRETS,
    api_body,
    form_data,
    make_booking_site,
    post_json,
)
from wagtail_clinic.booking.notifications import notification_recipients
from wagtail_clinic.models import AppointmentRequest


NO_LIMIT = {"APPOINTMENT_RATE_LIMIT": None}


class PrivacyTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = make_booking_site()

    def setUp(self):
        cache.clear()

    def assert_no_patient_data(self, text, where):
        for secret in SECRETS:
            self.assertNotIn(secret, text, f"{secret!r} found in {where}")

    def submit(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.page.url, form_data())
            post_json(self.client, api_body(self.page))
        self.assertEqual(AppointmentRequest.objects.count(), 2)


@override_settings(WAGTAIL_CLINIC=NO_LIMIT)
class TestNotifications(PrivacyTestCase):
    def test_emails_hold_the_reference_and_admin_link_only(self):
        self.submit()
        self.assertEqual(len(mail.outbox), 2)
        references = set(AppointmentRequest.objects.values_list("reference", flat=True))
        for email in mail.outbox:
            self.assert_no_patient_data(
                email.subject + email.body + str(email.to), "an email"
            )
            reference = email.subject.rsplit(" ", 1)[-1]
            self.assertIn(reference, references)
            self.assertIn(
                "http://testserver/admin/clinic_appointment_requests/inspect/",
                email.body,
            )

    def test_recipients(self):
        self.assertEqual(
            notification_recipients(self.clinic), ["frontdesk@clinic.example"]
        )
        self.assertEqual(notification_recipients(None), [])
        with override_settings(
            WAGTAIL_CLINIC={"APPOINTMENT_NOTIFICATION_EMAIL": "desk@example.com"}
        ):
            self.assertEqual(notification_recipients(self.clinic), ["desk@example.com"])
        with override_settings(
            WAGTAIL_CLINIC={
                "APPOINTMENT_NOTIFICATION_EMAIL": ["a@example.com", "b@example.com"]
            }
        ):
            self.assertEqual(
                notification_recipients(None), ["a@example.com", "b@example.com"]
            )

    def test_no_recipient_no_email(self):
        self.clinic.email = ""
        self.clinic.save()
        self.submit()
        self.assertEqual(mail.outbox, [])

    def test_email_is_sent_after_commit_only(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.client.post(self.page.url, form_data())
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)


@override_settings(WAGTAIL_CLINIC=NO_LIMIT)
class TestPublicAPIs(PrivacyTestCase):
    def test_openapi_document(self):
        self.submit()
        response = self.client.get("/api/v3/openapi.json")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assert_no_patient_data(text, "openapi.json")
        schema = json.loads(text)
        request_schema = schema["components"]["schemas"]["ClinicAppointmentRequest"]

        def examples(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("example", "examples"):
                        yield value
                    yield from examples(value)
            elif isinstance(node, list):
                for value in node:
                    yield from examples(value)

        self.assertEqual(list(examples(request_schema)), [])
        for model in ("AppointmentRequest",):
            self.assertNotIn(f'"{model}"', text)

    def test_api_v2(self):
        self.submit()
        for url in (
            "/api/v2/pages/?fields=*",
            f"/api/v2/pages/{self.page.pk}/",
            "/api/v2/pages/?type=wagtail_clinic.AppointmentRequestPage&fields=*",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_no_patient_data(response.content.decode(), url)
        detail = self.client.get(f"/api/v2/pages/{self.page.pk}/").json()
        self.assertIn("consent_statement", detail)
        self.assertNotIn("appointment_requests", json.dumps(detail))

    def test_api_v3(self):
        self.submit()
        for url in (
            f"/api/v3/pages/{self.page.pk}/",
            "/api/v3/pages/",
            f"/api/v3/clinic/pages/{self.page.pk}/",
            "/api/v3/clinic/pages/by-path/?path=/book/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, response.content)
                self.assert_no_patient_data(response.content.decode(), url)

    def test_page_html_after_sending(self):
        self.submit()
        for url in (self.page.url, self.page.url + "?sent=1"):
            self.assert_no_patient_data(self.client.get(url).content.decode(), url)


@override_settings(WAGTAIL_CLINIC=NO_LIMIT, DEBUG=False)
class TestErrorReports(PrivacyTestCase):
    def report_for(self, post):
        self.client.raise_request_exception = False
        with (
            mock.patch(
                "wagtail_clinic.booking.service.count_request",
                side_effect=RuntimeError("boom"),
            ),
            self.assertLogs("django.request", level="ERROR") as logs,
        ):
            response = post()
        self.assertEqual(response.status_code, 500)
        record = logs.records[-1]
        self.assert_no_patient_data(record.getMessage(), "the log message")
        reporter = ExceptionReporter(record.request, *record.exc_info)
        return reporter.get_traceback_text(), reporter.get_traceback_html()

    def test_form_post_500_report_omits_what_was_typed(self):
        text, html = self.report_for(
            lambda: self.client.post(self.page.url, form_data())
        )
        self.assertIn("boom", text)
        self.assert_no_patient_data(text, "the error report")
        self.assert_no_patient_data(html, "the HTML error report")
        self.assertEqual(AppointmentRequest.objects.count(), 0)

    def test_api_500_report_omits_what_was_sent(self):
        text, html = self.report_for(
            lambda: post_json(self.client, api_body(self.page))
        )
        self.assertIn("boom", text)
        self.assert_no_patient_data(text, "the error report")
        self.assert_no_patient_data(html, "the HTML error report")

    def test_nothing_logged_on_validation_errors(self):
        with self.assertNoLogs("wagtail_clinic", level="DEBUG"):
            post_json(self.client, api_body(self.page, email="bad"))
            self.client.post(self.page.url, form_data(email="bad"))
