"""The appointment request page: its place in the tree and its HTML form."""

import re

from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, TestCase, override_settings
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from tests.appointment_utils import (
    PATIENT,
    PATIENT_PHONE_E164,
    SECRETS,
    form_data,
    make_booking_site,
    make_request_page,
)
from tests.utils import make_clinic, make_massage_type, make_site_tree
from wagtail_clinic.booking.models import consent_fingerprint
from wagtail_clinic.booking.pages import DEFAULT_CONSENT_TEXT
from wagtail_clinic.models import AppointmentRequest, AppointmentRequestPage


NO_RATE_LIMIT = {"APPOINTMENT_RATE_LIMIT": None}


class TestPageTree(WagtailPageTestCase):
    def test_can_go_under_any_page(self):
        self.assertCanCreateAt(Page, AppointmentRequestPage)

    def test_has_no_children(self):
        self.assertAllowedSubpageTypes(AppointmentRequestPage, set())

    def test_is_renderable_and_previewable(self):
        _root, home = make_site_tree()
        page = make_request_page(home)
        self.assertPageIsRenderable(page)
        self.assertPageIsPreviewable(page)


class FormTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = make_booking_site()

    def setUp(self):
        cache.clear()

    def post(self, data, client=None):
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(self.page.url, data)


@override_settings(WAGTAIL_CLINIC=NO_RATE_LIMIT)
class TestFormMarkup(FormTestCase):
    def get_html(self):
        response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_form_posts_to_the_page_with_a_csrf_token(self):
        html = self.get_html()
        self.assertIn(
            '<form class="clinic-form" method="post" action="/book/" novalidate>', html
        )
        self.assertIn('name="csrfmiddlewaretoken"', html)

    def test_every_input_has_a_label(self):
        html = self.get_html()
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
        self.assertGreater(len(ids), 15)
        for input_id in ids:
            with self.subTest(input_id=input_id):
                self.assertIn(
                    f'<label for="{input_id}"',
                    html.replace(' class="clinic-field__label"', ""),
                )

    def test_grouped_choices_are_fieldsets_with_legends(self):
        html = self.get_html()
        for legend in (
            "How should we contact you?",
            "Which days suit you?",
            "Which times of day suit you?",
            "Have you been to the clinic before?",
            "Your contact details",
        ):
            with self.subTest(legend=legend):
                self.assertRegex(
                    html, rf"<fieldset[^>]*>\s*<legend[^>]*>{re.escape(legend)}"
                )

    def test_autocomplete_attributes(self):
        html = self.get_html()
        self.assertRegex(
            html, r'<input type="text" name="name"[^>]*autocomplete="name"'
        )
        self.assertRegex(
            html, r'<input type="email" name="email"[^>]*autocomplete="email"'
        )
        self.assertRegex(html, r'<input type="tel" name="phone"[^>]*autocomplete="tel"')

    def test_required_fields_are_marked_in_words(self):
        html = self.get_html()
        self.assertIn(
            'Your name <span class="clinic-field__required">(required)</span>', html
        )
        self.assertIn("Fields marked (required) must be filled in.", html)

    def test_message_warns_against_medical_details_and_is_described_by_it(self):
        html = self.get_html()
        self.assertIn("Please do not include medical details", html)
        self.assertRegex(html, r'<textarea[^>]*aria-describedby="id_message_helptext"')
        self.assertIn('id="id_message_helptext"', html)

    def test_consent_checkbox_is_not_ticked_and_shows_the_statement(self):
        html = self.get_html()
        checkbox = re.search(r'<input type="checkbox" name="consent"[^>]*>', html)[0]
        self.assertNotIn("checked", checkbox)
        self.assertIn(str(DEFAULT_CONSENT_TEXT), html)

    def test_honeypot_is_hidden_from_people_and_assistive_technology(self):
        html = self.get_html()
        trap = re.search(
            r'<div class="clinic-form__trap[^"]*" aria-hidden="true">.*?</div>',
            html,
            re.S,
        )[0]
        self.assertIn('name="website"', trap)
        self.assertIn('tabindex="-1"', trap)
        self.assertIn('autocomplete="off"', trap)

    def test_massage_types_of_the_site_are_offered(self):
        html = self.get_html()
        self.assertIn(
            f'<option value="{self.massage_type.pk}">Sports massage</option>', html
        )
        self.assertIn("No preference / not sure", html)

    def test_clinic_phone_for_those_who_would_rather_call(self):
        html = self.get_html()
        self.assertIn('<a href="tel:+17805550123">(780) 555-0123</a>', html)
        self.assertIn("Now booking new appointments!", html)

    def test_stylesheet_is_linked(self):
        self.assertIn("wagtail_clinic/css/appointment-form.css", self.get_html())


@override_settings(WAGTAIL_CLINIC=NO_RATE_LIMIT)
class TestSubmitting(FormTestCase):
    def test_valid_request_is_stored_and_redirects_to_the_thank_you_state(self):
        before = timezone.now()
        response = self.post(
            form_data(
                massage_type=str(self.massage_type.pk),
                preferred_days=["wed", "mon", "mon"],
            )
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/book/?sent=1")
        self.assertEqual(response["Cache-Control"], "no-store")
        request = AppointmentRequest.objects.get()
        self.assertRegex(request.reference, r"^AR-[2-9A-HJKMNP-Z]{8}$")
        self.assertEqual(request.name, PATIENT["name"])
        self.assertEqual(request.email, PATIENT["email"])
        self.assertEqual(request.phone, PATIENT_PHONE_E164)
        self.assertEqual(request.preferred_days, ["mon", "wed"])
        self.assertEqual(request.preferred_times, ["morning"])
        self.assertEqual(request.massage_type_id, self.massage_type.pk)
        self.assertEqual(request.clinic, self.clinic)
        self.assertEqual(request.page_id, self.page.pk)
        self.assertEqual(request.status, "new")
        self.assertEqual(request.source, "form")
        self.assertGreaterEqual(request.consent_given_at, before)
        self.assertEqual(request.consent_text, str(DEFAULT_CONSENT_TEXT))
        self.assertEqual(
            request.privacy_notice_version, consent_fingerprint(DEFAULT_CONSENT_TEXT)
        )

    def test_redirect_carries_no_patient_data(self):
        response = self.post(form_data())
        for secret in SECRETS:
            self.assertNotIn(secret, response["Location"])

    def test_thank_you_state(self):
        self.page.thank_you_text = "<p>We will call you within a day.</p>"
        self.page.save_revision().publish()
        response = self.client.get("/book/?sent=1")
        self.assertContains(response, "We will call you within a day.")
        self.assertContains(response, 'role="status"')
        self.assertNotContains(response, '<form class="clinic-form"')

    def test_page_clinic_and_consent_version_are_used(self):
        other = make_clinic(name="Northside")
        self.page.clinic = other
        self.page.consent_text = "I agree to be contacted."
        self.page.privacy_notice_version = "2026-01"
        self.page.save_revision().publish()
        self.post(form_data(consent="on"))
        request = AppointmentRequest.objects.get()
        self.assertEqual(request.clinic, other)
        self.assertEqual(request.consent_text, "I agree to be contacted.")
        self.assertEqual(request.privacy_notice_version, "2026-01")

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        response = self.post(form_data(), client=client)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(AppointmentRequest.objects.count(), 0)

    def test_with_csrf_token_from_the_form(self):
        client = Client(enforce_csrf_checks=True)
        html = client.get(self.page.url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        response = self.post(form_data(csrfmiddlewaretoken=token), client=client)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(AppointmentRequest.objects.count(), 1)

    def test_clinic_is_notified_without_patient_data(self):
        self.post(form_data())
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, ["frontdesk@clinic.example"])
        reference = AppointmentRequest.objects.get().reference
        self.assertIn(reference, email.subject)
        self.assertIn(
            "http://testserver/admin/clinic_appointment_requests/inspect/", email.body
        )
        for secret in SECRETS:
            self.assertNotIn(secret, email.subject + email.body)

    def test_honeypot_gets_the_normal_answer_and_nothing_is_stored(self):
        response = self.post(form_data(website="http://spam.example"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/book/?sent=1")
        self.assertEqual(AppointmentRequest.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_sensitive_post_parameters_are_marked(self):
        request = RequestFactory().post(self.page.url, form_data())
        request.user = None
        self.page.specific.serve(request)
        self.assertEqual(request.sensitive_post_parameters, "__ALL__")

    def test_get_only_methods_and_post(self):
        response = self.client.put(self.page.url)
        self.assertEqual(response.status_code, 405)


@override_settings(WAGTAIL_CLINIC=NO_RATE_LIMIT)
class TestErrors(FormTestCase):
    def assert_rejected(self, data, field, message):
        response = self.post(data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        html = response.content.decode()
        self.assertIn("<title>Error: ", html)
        summary = re.search(
            r'<div class="clinic-error-summary" role="alert".*?</div>', html, re.S
        )[0]
        self.assertIn(message, summary)
        self.assertIn(f'href="#id_{field}', summary)
        self.assertIn(f'id="id_{field}_error"', html)
        self.assertEqual(AppointmentRequest.objects.count(), 0)
        self.assertEqual(mail.outbox, [])
        return html

    def test_name_required(self):
        html = self.assert_rejected(form_data(name=""), "name", "Enter your name.")
        self.assertRegex(
            html,
            r'<input type="text" name="name"[^>]*aria-invalid="true"[^>]*aria-describedby="id_name_error"',
        )

    def test_line_breaks_in_the_name(self):
        self.assert_rejected(
            form_data(name="Ann\r\nBcc: x@example.com"), "name", "on one line"
        )

    def test_email_or_phone_needed(self):
        self.assert_rejected(
            form_data(email="", phone=""),
            "email",
            "Enter an email address or a phone number",
        )

    def test_preferred_contact_must_be_given(self):
        self.assert_rejected(
            form_data(email="", preferred_contact="email"),
            "email",
            "Enter your email address, or choose phone",
        )
        self.assert_rejected(
            form_data(phone="", preferred_contact="phone"),
            "phone",
            "Enter your phone number, or choose email",
        )

    def test_invalid_email_and_phone(self):
        self.assert_rejected(
            form_data(email="not-an-email"), "email", "Enter an email address like"
        )
        self.assert_rejected(
            form_data(phone="call me maybe"), "phone", "Enter a phone number"
        )
        self.assert_rejected(
            form_data(phone="+1 123 555 0123"), "phone", "North American"
        )

    def test_choices_are_checked(self):
        self.assert_rejected(
            form_data(preferred_contact="fax"),
            "preferred_contact",
            "Choose email or phone.",
        )
        self.assert_rejected(
            form_data(preferred_days=["someday"]),
            "preferred_days",
            "Select a valid choice",
        )
        self.assert_rejected(
            form_data(patient_status=""), "patient_status", "new or returning"
        )

    def test_massage_type_must_be_a_live_one_of_the_site(self):
        draft = make_massage_type(
            self.massage_type.get_parent(), title="Draft", live=False
        )
        for value in (
            str(draft.pk),
            "abc",
            "99999999999999999999",
            "-1",
            str(self.page.pk),
        ):
            with self.subTest(value=value):
                self.assert_rejected(
                    form_data(massage_type=value),
                    "massage_type",
                    "Choose one of the massage types listed.",
                )

    def test_consent_is_required(self):
        self.assert_rejected(
            form_data(consent=None), "consent", "Tick the box to agree"
        )

    def test_long_message(self):
        self.assert_rejected(
            form_data(message="x" * 1001), "message", "at most 1000 characters"
        )


class TestRateLimit(FormTestCase):
    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": "2/hour"})
    def test_friendly_message_when_over_the_limit(self):
        for _ in range(2):
            self.assertEqual(self.post(form_data()).status_code, 302)
        response = self.post(form_data())
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response, "Please try again later, or call us.", status_code=429
        )
        self.assertContains(
            response, PATIENT["name"], status_code=429
        )  # Kept in the form.
        self.assertEqual(AppointmentRequest.objects.count(), 2)


class TestPrivatePage(FormTestCase):
    def test_password_protected_page_does_not_take_requests(self):
        PageViewRestriction.objects.create(
            page=self.page, restriction_type="password", password="secret"
        )
        response = self.post(form_data())
        self.assertNotEqual(response.status_code, 302)
        self.assertEqual(AppointmentRequest.objects.count(), 0)
