"""HTTP caching of the clinic's API: validators, 304s, Cache-Control and Vary."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.utils import timezone
from django.utils.http import http_date, parse_http_date
from wagtail.models import APIToken, ModelLogEntry, PageLogEntry, Site

from tests.test_api_endpoints import API, ClinicContentMixin
from tests.utils import make_clinic
from wagtail_clinic.api.caching import (
    api_cache,
    content_changed_at,
    is_credentialed,
    private_cache,
    set_last_modified,
    set_private_cache_headers,
)


STRONG_ETAG = re.compile(r'^"[0-9a-f]{40}"$')


def vary(response):
    return {value.strip().lower() for value in response.get("Vary", "").split(",")}


def backdate_everything(delta=datetime.timedelta(hours=1)):
    """Move every timestamp Last-Modified is made of ``delta`` into the past."""
    past = timezone.now() - delta
    PageLogEntry.objects.update(timestamp=past)
    ModelLogEntry.objects.update(timestamp=past)
    from wagtail_clinic.models import Clinic

    Clinic.objects.update(updated_at=past)
    from wagtail.models import Page

    Page.objects.exclude(last_published_at=None).update(last_published_at=past)
    return past


class CachingTestCase(ClinicContentMixin, TestCase):
    def urls(self):
        return [
            f"{API}/pages/{self.neck_pain.pk}/",
            f"{API}/pages/by-path/?path=/conditions/neck-pain/",
            f"{API}/conditions/",
            f"{API}/massage-types/",
        ]


class TestPublicResponses(CachingTestCase):
    def test_validators_and_cache_control(self):
        for url in self.urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], "public, max-age=60")
                self.assertRegex(response["ETag"], STRONG_ETAG)
                self.assertIsNotNone(parse_http_date(response["Last-Modified"]))
                self.assertIn("authorization", vary(response))
                self.assertNotIn("cookie", vary(response))
                # The same content gives the same validator.
                self.assertEqual(self.client.get(url)["ETag"], response["ETag"])

    @override_settings(WAGTAIL_CLINIC={"API_CACHE_MAX_AGE": 300})
    def test_max_age_is_a_setting(self):
        response = self.client.get(f"{API}/conditions/")
        self.assertEqual(response["Cache-Control"], "public, max-age=300")

    def test_if_none_match_gives_304(self):
        for url in self.urls():
            with self.subTest(url=url):
                etag = self.client.get(url)["ETag"]
                for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
                    response = self.client.get(url, HTTP_IF_NONE_MATCH=header)
                    self.assertEqual(response.status_code, 304, header)
                    self.assertEqual(response.content, b"")
                    self.assertEqual(response["ETag"], etag)
                    self.assertEqual(response["Cache-Control"], "public, max-age=60")
                    self.assertIn("authorization", vary(response))
                stale = self.client.get(url, HTTP_IF_NONE_MATCH='"stale"')
                self.assertEqual(stale.status_code, 200)

    def test_if_modified_since_gives_304(self):
        for url in self.urls():
            with self.subTest(url=url):
                last_modified = self.client.get(url)["Last-Modified"]
                response = self.client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
                self.assertEqual(response.status_code, 304)
                earlier = http_date(parse_http_date(last_modified) - 1)
                self.assertEqual(
                    self.client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code,
                    200,
                )

    def test_if_none_match_wins_over_if_modified_since(self):
        url = self.urls()[0]
        last_modified = self.client.get(url)["Last-Modified"]
        response = self.client.get(
            url, HTTP_IF_NONE_MATCH='"stale"', HTTP_IF_MODIFIED_SINCE=last_modified
        )
        self.assertEqual(response.status_code, 200)

    def test_no_304_across_query_strings(self):
        base = f"{API}/conditions/"
        variants = [
            base,
            f"{base}?limit=1",
            f"{base}?limit=20",  # the same items as the default
            f"{base}?offset=0",
            f"{base}?search=neck",
            f"{base}?massage_type={self.sports.pk}",  # again the same items
        ]
        etags = [self.client.get(url)["ETag"] for url in variants]
        self.assertEqual(len(set(etags)), len(variants))
        for url in variants[1:]:
            with self.subTest(url=url):
                response = self.client.get(url, HTTP_IF_NONE_MATCH=etags[0])
                self.assertEqual(response.status_code, 200)

    def test_publishing_a_change_changes_the_validators(self):
        backdate_everything()
        before = {url: self.client.get(url) for url in self.urls()}

        page = self.neck_pain.specific_class.objects.get(pk=self.neck_pain.pk)
        page.title = "Neck pain, revised"
        page.save_revision().publish()

        for url, old in before.items():
            with self.subTest(url=url):
                response = self.client.get(
                    url,
                    HTTP_IF_NONE_MATCH=old["ETag"],
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(b"Neck pain, revised", response.content)
                self.assertNotEqual(response["ETag"], old["ETag"])
                self.assertGreater(
                    parse_http_date(response["Last-Modified"]),
                    parse_http_date(old["Last-Modified"]),
                )
                since_old = self.client.get(
                    url, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"]
                )
                self.assertEqual(since_old.status_code, 200)

    def test_unpublishing_a_listed_page_moves_last_modified(self):
        # No remaining page's timestamp changes: the audit log must show it.
        backdate_everything()
        url = f"{API}/conditions/"
        old = self.client.get(url)
        self.back_pain.unpublish()
        response = self.client.get(url, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 1)
        self.assertNotEqual(response["ETag"], old["ETag"])

    def test_a_changed_clinic_moves_last_modified(self):
        backdate_everything()
        url = f"{API}/pages/{self.back_pain.pk}/"
        old = self.client.get(url)
        make_clinic()  # Saved in code: no audit log entry, only updated_at.
        response = self.client.get(url, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"])
        self.assertEqual(response.status_code, 200)

    def test_errors_are_not_publicly_cached(self):
        for url in (
            f"{API}/pages/999999/",
            f"{API}/pages/abc/",
            f"{API}/conditions/?limit=0",
            f"{API}/conditions/?limit=1000",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertGreaterEqual(response.status_code, 400)
                self.assertFalse(response.has_header("ETag"))
                self.assertFalse(response.has_header("Cache-Control"))
                self.assertIn("authorization", vary(response))


class TestCredentialedResponses(CachingTestCase):
    def setUp(self):
        self.editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.com", "password"
        )

    def assert_private(self, response):
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertLessEqual({"authorization", "cookie"}, vary(response))
        self.assertFalse(response.has_header("ETag"))
        self.assertFalse(response.has_header("Last-Modified"))

    def test_bearer_tokens_get_private_responses_and_no_304(self):
        _, token = APIToken.create_token(user=self.editor, name="frontend")
        for authorization in (f"Bearer {token}", "Bearer wagtail_invalid"):
            for url in self.urls():
                with self.subTest(url=url, authorization=authorization[:12]):
                    etag = self.client.get(url)["ETag"]
                    response = self.client.get(
                        url, HTTP_AUTHORIZATION=authorization, HTTP_IF_NONE_MATCH=etag
                    )
                    self.assertEqual(response.status_code, 200)
                    self.assert_private(response)

    def test_sessions_get_private_responses(self):
        self.client.force_login(self.editor)
        for url in [*self.urls(), f"{API}/pages/999999/"]:
            with self.subTest(url=url):
                self.assert_private(self.client.get(url))


class TestHelpers(SimpleTestCase):
    factory = RequestFactory()

    def test_set_private_cache_headers(self):
        response = HttpResponse("draft")
        response["ETag"] = '"abc"'
        response["Last-Modified"] = http_date(0)
        response["Expires"] = http_date(0)
        response["Vary"] = "Accept-Language"
        self.assertIs(set_private_cache_headers(response), response)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(vary(response), {"accept-language", "authorization", "cookie"})
        for header in ("ETag", "Last-Modified", "Expires"):
            self.assertFalse(response.has_header(header))

    def test_private_cache_decorator(self):
        view = private_cache(lambda request: HttpResponse("draft"))
        response = view(self.factory.get("/preview/?token=x"))
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_is_credentialed(self):
        self.assertFalse(is_credentialed(self.factory.get("/")))
        self.assertTrue(is_credentialed(self.factory.get("/", HTTP_AUTHORIZATION="x")))
        request = self.factory.get("/")
        request.COOKIES["sessionid"] = "abc"
        self.assertTrue(is_credentialed(request))
        request = self.factory.get("/")
        request.COOKIES["csrftoken"] = "abc"
        self.assertFalse(is_credentialed(request))

    def test_api_cache_on_a_plain_view(self):
        seen = {}
        changed = timezone.now() - datetime.timedelta(days=1)

        @api_cache
        def view(request):
            seen["user"] = request.user
            set_last_modified(request, None, changed)
            set_last_modified(request, changed - datetime.timedelta(days=1))
            return HttpResponse("{}", content_type="application/json")

        request = self.factory.get("/cards/")
        request.user = get_user_model()(username="someone")
        response = view(request)
        self.assertIsInstance(seen["user"], AnonymousUser)
        self.assertEqual(response["Last-Modified"], http_date(changed.timestamp()))
        self.assertEqual(response["Cache-Control"], "public, max-age=60")
        head = view(self.factory.head("/cards/", HTTP_IF_NONE_MATCH=response["ETag"]))
        self.assertEqual(head.status_code, 304)

    def test_api_cache_without_last_modified(self):
        view = api_cache(lambda request: HttpResponse("{}"))
        response = view(self.factory.get("/"))
        self.assertFalse(response.has_header("Last-Modified"))
        self.assertRegex(response["ETag"], STRONG_ETAG)


class TestContentChangedAt(TestCase):
    def test_latest_of_page_log_model_log_and_clinics(self):
        site = Site.objects.get(is_default_site=True)
        PageLogEntry.objects.all().delete()
        ModelLogEntry.objects.all().delete()
        self.assertIsNone(content_changed_at(site))
        clinic = make_clinic()
        self.assertEqual(content_changed_at(site), clinic.updated_at)
        page = site.root_page
        later = clinic.updated_at + datetime.timedelta(minutes=5)
        ModelLogEntry.objects.create(
            content_type_id=page.content_type_id,
            label="x",
            action="wagtail.edit",
            timestamp=later,
            object_id=str(clinic.pk),
        )
        self.assertEqual(content_changed_at(site), later)
        latest = later + datetime.timedelta(minutes=5)
        PageLogEntry.objects.create(
            page=page,
            content_type_id=page.content_type_id,
            label="x",
            action="wagtail.unpublish",
            timestamp=latest,
        )
        self.assertEqual(content_changed_at(site), latest)
