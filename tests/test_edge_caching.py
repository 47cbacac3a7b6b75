"""Pages cacheable at the edge; anonymous form posts checked by Origin.

Every test runs with ``EdgeFormsMiddleware`` installed (as the example
project does) and with ``Client(enforce_csrf_checks=True)``, i.e. Django's
CSRF protection as a browser meets it.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory, TestCase, override_settings
from wagtail.models import PageViewRestriction

from tests import appointment_utils, comment_utils
from tests.utils import make_condition_index
from wagtail_clinic.conf import DEFAULTS
from wagtail_clinic.edge.middleware import FOREIGN_ORIGIN_MESSAGE
from wagtail_clinic.edge.pages import (
    MIDDLEWARE_PATH,
    PRIVATE,
    PUBLIC,
    edge_cache_state,
)
from wagtail_clinic.models import AppointmentRequest, ReaderComment
from wagtail_clinic.public_input.origin import check_origin


EDGE_MIDDLEWARE = [
    settings.MIDDLEWARE[0],
    MIDDLEWARE_PATH,
    *settings.MIDDLEWARE[1:],
]
NO_LIMITS = {
    "COMMENTS_RATE_LIMIT": None,
    "APPOINTMENT_RATE_LIMIT": None,
}
SITE = "http://testserver"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@override_settings(MIDDLEWARE=EDGE_MIDDLEWARE, WAGTAIL_CLINIC=NO_LIMITS)
class EdgeTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.booking = (
            appointment_utils.make_booking_site()
        )
        cls.massage_index = cls.massage_type.get_parent().specific
        cls.condition_index = make_condition_index(cls.home)
        # Comments are off by default: this site and the article take them.
        comment_utils.allow_site_comments()
        cls.article = comment_utils.make_commented_page(cls.condition_index)

    def setUp(self):
        cache.clear()
        self.client = Client(enforce_csrf_checks=True)

    def pages(self):
        return {
            "condition article": self.article,
            "massage type": self.massage_type,
            "condition index": self.condition_index,
            "massage type index": self.massage_index,
            "appointment request": self.booking,
        }

    def assert_private(self, response):
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn("public", response["Cache-Control"])

    def post_comment(self, client=None, **headers):
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(
                self.article.url,
                comment_utils.form_data(self.article),
                headers=headers,
            )

    def post_request(self, client=None, **headers):
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(
                self.booking.url,
                appointment_utils.form_data(consent="on"),
                headers=headers,
            )


class TestAnonymousGetIsCacheable(EdgeTestCase):
    def test_every_page_type_is_public_without_visitor_state(self):
        for name, page in self.pages().items():
            with self.subTest(name):
                response = self.client.get(page.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    response["Cache-Control"], "public, max-age=0, s-maxage=300"
                )
                self.assertEqual(dict(response.cookies), {})
                self.assertNotIn("Set-Cookie", response.headers)
                self.assertNotIn("cookie", response.get("Vary", "").lower())
                self.assertNotIn("csrfmiddlewaretoken", response.content.decode())

    def test_forms_are_still_on_the_pages(self):
        html = self.client.get(self.article.url).content.decode()
        self.assertIn('name="clinic_form" value="comment"', html)
        self.assertIn('name="token"', html)  # The signed min-fill-time token.
        html = self.client.get(self.booking.url).content.decode()
        self.assertIn('name="consent"', html)

    def test_thank_you_page_is_cacheable_too(self):
        response = self.client.get(self.booking.url + "?sent=1")
        self.assertTrue(response["Cache-Control"].startswith("public"))

    @override_settings(
        WAGTAIL_CLINIC={
            **NO_LIMITS,
            "EDGE_CACHE_MAX_AGE": 30,
            "EDGE_CACHE_S_MAXAGE": 900,
        }
    )
    def test_the_site_sets_the_ages(self):
        response = self.client.get(self.article.url)
        self.assertEqual(response["Cache-Control"], "public, max-age=30, s-maxage=900")

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "EDGE_CACHE_S_MAXAGE": None})
    def test_off_serves_pages_as_before(self):
        response = self.client.get(self.article.url)
        self.assertNotIn("public", response.get("Cache-Control", ""))
        self.assertIn("csrfmiddlewaretoken", response.content.decode())

    @override_settings(MIDDLEWARE=settings.MIDDLEWARE)
    def test_without_the_middleware_forms_keep_their_token_and_are_private(self):
        response = self.client.get(self.article.url)
        self.assertIn("csrfmiddlewaretoken", response.content.decode())
        self.assert_private(response)
        # A page without a form is still cacheable.
        response = self.client.get(self.condition_index.url)
        self.assertTrue(response["Cache-Control"].startswith("public"))

    def test_comment_form_token_outlives_the_shared_cache(self):
        # A cached form's min-fill-time token is up to s-maxage + max-age old
        # when a reader gets it; it must still be valid then.
        self.assertGreater(
            DEFAULTS["COMMENTS_FORM_MAX_AGE"],
            10 * (DEFAULTS["EDGE_CACHE_S_MAXAGE"] + DEFAULTS["EDGE_CACHE_MAX_AGE"]),
        )


class TestNeverCacheable(EdgeTestCase):
    def test_signed_in_user(self):
        user = get_user_model().objects.create_user("reader", password="x")
        self.client.force_login(user)
        for name, page in self.pages().items():
            with self.subTest(name):
                response = self.client.get(page.url)
                self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertIn("csrfmiddlewaretoken", response.content.decode())

    def test_session_cookie_present(self):
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
        response = self.client.get(self.article.url)
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_preview(self):
        for page in (self.article, self.booking, self.condition_index):
            response = page.make_preview_request()
            self.assertEqual(response.status_code, 200)
            self.assert_private(response)

    def test_draft(self):
        self.article.live = False
        request = RequestFactory().get(self.article.url)
        self.assertEqual(edge_cache_state(self.article, request), PRIVATE)
        request = RequestFactory().get(self.article.url)
        self.article.live = True
        self.assertEqual(edge_cache_state(self.article, request), PUBLIC)

    def test_private_page(self):
        restriction = PageViewRestriction.objects.create(
            page=self.condition_index,
            restriction_type=PageViewRestriction.PASSWORD,
            password="letmein",
        )
        # Anonymous visitors get Wagtail's password form, never shared: it
        # sets the CSRF cookie, and caches do not store that.
        response = self.client.get(self.article.url)
        self.assertNotIn("public", response.get("Cache-Control", ""))
        self.assertTrue(response.cookies)
        restriction.restriction_type = PageViewRestriction.LOGIN
        restriction.save()
        response = self.client.get(self.article.url)
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("public", response.get("Cache-Control", ""))

    def test_private_page_once_password_given(self):
        restriction = PageViewRestriction.objects.create(
            page=self.condition_index,
            restriction_type=PageViewRestriction.PASSWORD,
            password="letmein",
        )
        client = Client()  # The password form is a Django form with a token.
        client.post(
            f"/_util/authenticate_with_password/{restriction.pk}/{self.article.pk}/",
            {"password": "letmein", "return_url": self.article.url},
        )
        response = client.get(self.article.url)
        self.assertEqual(response.status_code, 200)
        self.assert_private(response)

    def test_post_responses(self):
        # Form errors show what the visitor typed.
        response = self.client.post(
            self.booking.url, {"name": "Typed name"}, headers={"origin": SITE}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Typed name", response.content.decode())
        self.assertEqual(response["Cache-Control"], "no-store")
        response = self.client.post(
            self.article.url,
            comment_utils.form_data(self.article, email="not-an-email"),
            headers={"origin": SITE},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")


class TestOriginCheck(EdgeTestCase):
    def test_foreign_origin_is_refused_and_nothing_stored(self):
        for post in (self.post_comment, self.post_request):
            with self.subTest(post.__name__):
                response = post(origin="https://evil.example")
                self.assertEqual(response.status_code, 403)
                self.assertIn(str(FOREIGN_ORIGIN_MESSAGE), response.content.decode())
                self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(ReaderComment.objects.count(), 0)
        self.assertEqual(AppointmentRequest.objects.count(), 0)

    def test_foreign_referer_null_origin_and_other_scheme_are_refused(self):
        cases = [
            {"referer": "https://evil.example/page/"},
            {"origin": "null"},
            {"origin": "https://testserver"},  # Not the scheme served.
            {"referer": "not a url"},
        ]
        for headers in cases:
            with self.subTest(headers):
                self.assertEqual(self.post_comment(**headers).status_code, 403)
                self.assertEqual(self.post_request(**headers).status_code, 403)

    def test_same_origin_is_accepted(self):
        self.assertEqual(self.post_comment(origin=SITE).status_code, 302)
        self.assertEqual(self.post_request(origin=SITE).status_code, 302)
        self.assertEqual(ReaderComment.objects.count(), 1)
        self.assertEqual(AppointmentRequest.objects.count(), 1)

    def test_same_referer_without_origin_is_accepted(self):
        referer = SITE + self.article.url
        self.assertEqual(self.post_comment(referer=referer).status_code, 302)
        self.assertEqual(self.post_request(referer=referer).status_code, 302)

    def test_neither_header_is_accepted(self):
        # Browsers send Origin or Referer with every cross-site POST: a post
        # without either is not a cross-site browser post (docs/deploy.md).
        self.assertEqual(self.post_comment().status_code, 302)
        self.assertEqual(self.post_request().status_code, 302)

    @override_settings(CSRF_TRUSTED_ORIGINS=["https://*.clinic.example"])
    def test_trusted_origins(self):
        self.assertEqual(
            self.post_comment(origin="https://www.clinic.example").status_code, 302
        )
        self.assertEqual(
            self.post_request(origin="https://other.example").status_code, 403
        )

    def test_other_pages_keep_csrf(self):
        # Pages that do not opt in (the home page) keep Django's CSRF check.
        response = self.client.post(self.home.url, {}, headers={"origin": SITE})
        self.assertEqual(response.status_code, 403)

    def test_check_origin_unit(self):
        factory = RequestFactory()
        request = factory.post("/", headers={"origin": "HTTP://TESTSERVER/"})
        self.assertTrue(check_origin(request).allowed)
        request = factory.post("/", headers={"origin": "http://testserver:8000"})
        self.assertFalse(check_origin(request).allowed)


class TestSignedInUsersKeepCsrf(EdgeTestCase):
    def setUp(self):
        super().setUp()
        self.user = get_user_model().objects.create_user("editor", password="x")
        self.client.force_login(self.user)

    def test_post_without_token_is_refused_even_from_same_origin(self):
        self.assertEqual(self.post_comment(origin=SITE).status_code, 403)
        self.assertEqual(self.post_request(origin=SITE).status_code, 403)
        self.assertEqual(ReaderComment.objects.count(), 0)
        self.assertEqual(AppointmentRequest.objects.count(), 0)

    def test_post_with_the_token_of_the_page(self):
        html = self.client.get(self.article.url).content.decode()
        token = TOKEN_RE.search(html)[1]
        data = comment_utils.form_data(self.article, csrfmiddlewaretoken=token)
        response = self.client.post(self.article.url, data, headers={"origin": SITE})
        self.assertEqual(response.status_code, 302)

        html = self.client.get(self.booking.url).content.decode()
        token = TOKEN_RE.search(html)[1]
        data = appointment_utils.form_data(consent="on", csrfmiddlewaretoken=token)
        response = self.client.post(self.booking.url, data, headers={"origin": SITE})
        self.assertEqual(response.status_code, 302)
