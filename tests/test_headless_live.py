"""The headless frontend as the live view (``HEADLESS_FRONTENDS``).

Two Wagtail sites: ``localhost`` (the default site, served by a headless
frontend) and ``other.example`` (rendered by Django). The admin's "View
live" links, the pages' public URLs, per-site preview URLs, the redirect
option and the system checks.
"""

import json
import re

from urllib.parse import urlsplit

from django.contrib.auth.models import Group
from django.core import checks
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import expand_db_html
from wagtail.test.utils import WagtailTestUtils

from tests.appointment_utils import make_request_page
from tests.test_i18n_pages import I18N_URLS
from tests.test_preview import edit_form_data
from tests.utils import make_condition_index, make_condition_page, make_site_tree
from wagtail_clinic.models import ConditionPage
from wagtail_clinic.preview import HEADLESS_PREVIEW_MODE
from wagtail_clinic.preview.frontends import (
    Frontend,
    check_headless_frontends,
    frontend_for_page,
    frontend_for_site,
)
from wagtail_clinic.webhooks.models import WebhookDelivery
from wagtail_clinic.webhooks.payloads import move_payload, page_payload


FRONTEND = "https://www.clinic.example"
FRONTEND_PREVIEW = "https://www.clinic.example/api/draft"
OTHER_PREVIEW = "https://other-frontend.example/api/preview"

FRONTENDS = {
    "localhost": {"url": FRONTEND, "preview_url": FRONTEND_PREVIEW},
    "other.example": None,
}
headless = override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": FRONTENDS})
redirecting = override_settings(
    WAGTAIL_CLINIC={
        "HEADLESS_FRONTENDS": {
            **FRONTENDS,
            "localhost": {**FRONTENDS["localhost"], "redirect": True},
        }
    }
)


@override_settings(ALLOWED_HOSTS=["localhost", "testserver", "other.example"])
class HeadlessSitesTestCase(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        root, cls.home = make_site_tree()
        cls.site = Site.objects.get(is_default_site=True)
        cls.index = make_condition_index(cls.home, slug="conditions")
        cls.page = make_condition_page(cls.index, slug="back-pain")
        cls.other_home = root.add_child(instance=Page(title="Other", slug="other"))
        cls.other_site = Site.objects.create(
            hostname="other.example", port=80, root_page=cls.other_home
        )
        other_index = make_condition_index(cls.other_home, slug="conditions")
        cls.other_page = make_condition_page(other_index, slug="neck-pain")
        cls.editor = cls.create_user("editor")
        cls.editor.groups.add(Group.objects.get(name="Editors"))

    def assertNoLinkTo(self, response, url):
        self.assertNotIn(f'href="{url}"', response.content.decode())


class TestFrontendLookup(HeadlessSitesTestCase):
    def test_hostname_port_beats_hostname_beats_default(self):
        frontends = {
            "default": {"url": "https://default.example"},
            "localhost": {"url": "https://by-host.example"},
            "localhost:8000": {"url": "https://by-port.example"},
        }
        with override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": frontends}):
            self.assertEqual(
                frontend_for_site(self.site).url, "https://by-host.example"
            )
            self.site.port = 8000
            self.assertEqual(
                frontend_for_site(self.site).url, "https://by-port.example"
            )
            self.assertEqual(
                frontend_for_site(self.other_site).url, "https://default.example"
            )

    def test_none_keeps_a_site_on_django_even_with_a_default(self):
        frontends = {"default": {"url": FRONTEND}, "other.example": None}
        with override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": frontends}):
            self.assertIsNone(frontend_for_site(self.other_site))
            self.assertEqual(
                self.other_page.url, "http://other.example/conditions/neck-pain/"
            )

    def test_headless_preview_url_is_the_defaults_preview_url(self):
        settings = {
            "HEADLESS_PREVIEW_URL": "http://localhost:3000/api/preview",
            "HEADLESS_FRONTENDS": {
                "default": {"url": FRONTEND},
                "other.example": {"url": "https://other.example"},
            },
        }
        with override_settings(WAGTAIL_CLINIC=settings):
            self.assertEqual(
                frontend_for_site(self.site),
                Frontend(url=FRONTEND, preview_url="http://localhost:3000/api/preview"),
            )
            # A site's own entry does not inherit another frontend's route.
            self.assertEqual(
                frontend_for_site(self.other_site),
                Frontend(url="https://other.example"),
            )
            self.assertEqual([mode for mode, _ in self.other_page.preview_modes], [""])

    def test_nothing_configured_means_no_frontend_and_django_urls(self):
        self.assertIsNone(frontend_for_page(self.page))
        # Two sites: Wagtail's own absolute URL.
        self.assertEqual(self.page.url, "http://localhost/conditions/back-pain/")


@headless
class TestPublicUrls(HeadlessSitesTestCase):
    def test_a_headless_sites_pages_have_frontend_urls(self):
        expected = f"{FRONTEND}/conditions/back-pain/"
        self.assertEqual(self.page.url, expected)
        self.assertEqual(self.page.full_url, expected)
        self.assertEqual(self.page.get_url(), expected)
        self.assertEqual(self.page.get_full_url(), expected)
        # Wagtail's routing keeps the CMS site's root.
        self.assertEqual(
            self.page.get_url_parts()[1:],
            ("http://localhost", "/conditions/back-pain/"),
        )
        self.assertEqual(self.page.get_site(), self.site)

    @I18N_URLS
    def test_the_locale_prefix_is_kept_on_the_frontend(self):
        fr_page = self.page.copy_for_translation(
            Locale.objects.create(language_code="fr"), copy_parents=True
        )
        # The same path as on the CMS (this URLconf prefixes every language).
        self.assertEqual(fr_page.url, f"{FRONTEND}/fr/conditions/back-pain/")
        self.assertEqual(self.page.url, f"{FRONTEND}/en/conditions/back-pain/")

    @I18N_URLS
    def test_hreflang_alternates_agree_with_the_canonical_frontend_url(self):
        fr_page = self.page.copy_for_translation(
            Locale.objects.create(language_code="fr"), copy_parents=True
        )
        fr_page.save_revision().publish()
        html = self.client.get("/en/conditions/back-pain/").content.decode()
        self.assertIn(
            f'<link rel="canonical" href="{FRONTEND}/en/conditions/back-pain/">', html
        )
        for hreflang, path in (
            ("en", "/en/conditions/back-pain/"),
            ("fr", "/fr/conditions/back-pain/"),
            ("x-default", "/en/conditions/back-pain/"),
        ):
            self.assertIn(
                f'<link rel="alternate" hreflang="{hreflang}" href="{FRONTEND}{path}">',
                html,
            )
        self.assertNotIn('hreflang="fr" href="http://localhost', html)

    @override_settings(ROOT_URLCONF="tests.urls_headless")
    def test_a_headless_only_cms_still_gives_frontend_urls(self):
        # Without Wagtail's page serving, Wagtail gives pages no URL at all.
        self.assertIsNone(Page.objects.get(pk=self.other_page.pk).url)
        self.assertEqual(self.page.url, f"{FRONTEND}/conditions/back-pain/")

    def test_frontend_urls_cost_no_query(self):
        request = RequestFactory().get("/")
        self.page.get_url(request)  # Wagtail caches the site root paths.
        with self.assertNumQueries(0):
            for _ in range(3):
                self.assertTrue(self.page.get_url(request).startswith(FRONTEND))
                self.assertTrue(self.page.get_full_url(request).startswith(FRONTEND))

    def test_a_django_sites_pages_keep_their_urls(self):
        self.assertEqual(
            self.other_page.full_url, "http://other.example/conditions/neck-pain/"
        )

    def test_the_cms_host_still_routes_and_renders_the_page(self):
        response = self.client.get("/conditions/back-pain/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"], self.page)
        response = self.client.get("/conditions/neck-pain/", HTTP_HOST="other.example")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"], self.other_page)

    def test_api_html_url_is_the_frontend_url(self):
        self.page.save_revision().publish()
        v2 = self.client.get(f"/api/v2/pages/{self.page.pk}/").json()
        self.assertEqual(v2["meta"]["html_url"], f"{FRONTEND}/conditions/back-pain/")
        v3 = self.client.get(f"/api/v3/pages/{self.page.pk}/").json()
        self.assertEqual(v3["meta"]["html_url"], f"{FRONTEND}/conditions/back-pain/")
        other = self.client.get(
            f"/api/v3/pages/{self.other_page.pk}/", HTTP_HOST="other.example"
        ).json()
        self.assertEqual(
            other["meta"]["html_url"], "http://other.example/conditions/neck-pain/"
        )

    def test_clinic_api_urls_are_the_frontend_urls(self):
        self.page.save_revision().publish()
        items = self.client.get("/api/v3/clinic/conditions/").json()["items"]
        (item,) = [item for item in items if item["id"] == self.page.pk]
        self.assertEqual(item["url"], f"{FRONTEND}/conditions/back-pain/")
        self.assertEqual(item["path"], "/conditions/back-pain/")
        other = self.client.get(
            "/api/v3/clinic/conditions/", HTTP_HOST="other.example"
        ).json()["items"]
        self.assertEqual(
            [item["url"] for item in other],
            ["http://other.example/conditions/neck-pain/"],
        )

    def test_webhook_payloads_name_the_frontend_url(self):
        payload = page_payload(WebhookDelivery.Event.PUBLISHED, self.page)
        self.assertEqual(payload["page"]["url"], f"{FRONTEND}/conditions/back-pain/")
        self.assertEqual(payload["page"]["path"], "/conditions/back-pain/")
        self.assertEqual(payload["page"]["site"]["root_url"], "http://localhost")
        moved = move_payload(self.page, "/home/old-place/back-pain/", self.index)
        self.assertEqual(moved["previous"]["url"], f"{FRONTEND}/old-place/back-pain/")
        other = page_payload(WebhookDelivery.Event.PUBLISHED, self.other_page)
        self.assertEqual(
            other["page"]["url"], "http://other.example/conditions/neck-pain/"
        )

    def test_rich_text_links_point_to_the_frontend(self):
        html = expand_db_html(
            f'<p><a linktype="page" id="{self.page.pk}">Back pain</a></p>'
        )
        self.assertIn(f'href="{FRONTEND}/conditions/back-pain/"', html)

    def test_the_structured_datas_breadcrumb_names_frontend_urls(self):
        # The same trail in the HTML and in the API (which reaches the page's
        # ancestors as generic pages): every crumb on the frontend.
        self.page.save_revision().publish()
        expected = [
            f"{FRONTEND}/",
            f"{FRONTEND}/conditions/",
            f"{FRONTEND}/conditions/back-pain/",
        ]

        def trail(entities):
            (crumbs,) = [e for e in entities if e["@type"] == "BreadcrumbList"]
            return [item["item"] for item in crumbs["itemListElement"]]

        html = self.client.get("/conditions/back-pain/").content.decode()
        (script,) = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL
        )
        self.assertEqual(trail(json.loads(script)), expected)
        for url in (
            f"/api/v2/pages/{self.page.pk}/?fields=structured_data",
            f"/api/v3/pages/{self.page.pk}/",
        ):
            with self.subTest(url=url):
                detail = self.client.get(url).json()
                self.assertEqual(trail(detail["structured_data"]), expected)

    def test_the_sitemap_lists_frontend_urls(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"<loc>{FRONTEND}/conditions/back-pain/</loc>")
        self.assertNotContains(response, "http://localhost/conditions/back-pain/")


@headless
class TestViewLive(HeadlessSitesTestCase):
    def test_page_listing_view_live_opens_the_frontend(self):
        self.client.force_login(self.editor)
        response = self.client.get(
            reverse("wagtailadmin_explore", args=[self.index.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'href="{FRONTEND}/conditions/back-pain/"')
        self.assertNoLinkTo(response, "/conditions/back-pain/")
        self.assertNoLinkTo(response, "http://localhost/conditions/back-pain/")

    def test_page_listing_view_live_opens_django_on_a_normal_site(self):
        self.client.force_login(self.editor)
        index = self.other_page.get_parent()
        response = self.client.get(reverse("wagtailadmin_explore", args=[index.pk]))
        self.assertContains(
            response, 'href="http://other.example/conditions/neck-pain/"'
        )
        self.assertNotIn(FRONTEND, response.content.decode())

    def test_edit_view_live_status_link_opens_the_frontend(self):
        self.client.force_login(self.editor)
        response = self.client.get(
            reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        )
        self.assertEqual(response.status_code, 200)
        live_links = re.findall(
            r'href="([^"]*)"[^>]*aria-label="[^"]*Visit the live page',
            response.content.decode(),
        )
        self.assertTrue(live_links)
        self.assertEqual(set(live_links), {f"{FRONTEND}/conditions/back-pain/"})

    def test_edit_view_live_status_link_on_a_normal_site(self):
        self.client.force_login(self.editor)
        response = self.client.get(
            reverse("wagtailadmin_pages:edit", args=[self.other_page.pk])
        )
        live_links = re.findall(
            r'href="([^"]*)"[^>]*aria-label="[^"]*Visit the live page',
            response.content.decode(),
        )
        self.assertEqual(
            set(live_links), {"http://other.example/conditions/neck-pain/"}
        )

    def test_publish_message_view_live_button_opens_the_frontend(self):
        self.client.force_login(self.create_superuser("admin"))
        data = edit_form_data(
            self.page, title="Back pain, revised", paragraph="<p>New.</p>"
        )
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            {**data, "action-publish": "action-publish"},
            follow=True,
        )
        buttons = [
            button
            for message in response.context["messages"]
            for button in re.findall(r'href="([^"]*)"', str(message.message))
        ]
        self.assertIn(f"{FRONTEND}/conditions/back-pain/", buttons)


class TestPerSitePreview(HeadlessSitesTestCase):
    frontends = {
        "localhost": {"url": FRONTEND, "preview_url": FRONTEND_PREVIEW},
        "other.example": {"preview_url": OTHER_PREVIEW},
    }

    def preview_location(self, page):
        self.client.force_login(self.editor)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        data = edit_form_data(page, title="Draft", paragraph="<p>Draft.</p>")
        self.assertEqual(self.client.post(url, data).json()["is_valid"], True)
        response = self.client.get(url, {"mode": HEADLESS_PREVIEW_MODE})
        self.assertEqual(response.status_code, 302)
        location = urlsplit(response["Location"])
        return f"{location.scheme}://{location.netloc}{location.path}"

    def test_the_preview_url_is_chosen_by_the_pages_site(self):
        with override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": self.frontends}):
            self.assertEqual(self.preview_location(self.page), FRONTEND_PREVIEW)
            self.assertEqual(self.preview_location(self.other_page), OTHER_PREVIEW)
            # A preview-only frontend leaves the live URLs on Django.
            self.assertEqual(
                self.other_page.url, "http://other.example/conditions/neck-pain/"
            )

    def test_a_site_without_a_preview_url_has_no_frontend_mode(self):
        frontends = {**self.frontends, "other.example": None}
        with override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": frontends}):
            self.assertEqual(
                [mode for mode, _ in self.page.preview_modes],
                [HEADLESS_PREVIEW_MODE, ""],
            )
            self.assertEqual([mode for mode, _ in self.other_page.preview_modes], [""])

    def test_a_new_page_previews_on_its_parents_sites_frontend(self):
        frontends = {"other.example": {"preview_url": OTHER_PREVIEW}}
        with override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": frontends}):
            self.client.force_login(self.editor)
            parent = self.other_page.get_parent()
            url = reverse(
                "wagtailadmin_pages:preview_on_add",
                args=["wagtail_clinic", "conditionpage", parent.pk],
            )
            page = ConditionPage(slug="new-page", condition_name="New", intro="New.")
            data = edit_form_data(page, title="New", paragraph="<p>New.</p>")
            self.assertEqual(self.client.post(url, data).json()["is_valid"], True)
            response = self.client.get(url, {"mode": HEADLESS_PREVIEW_MODE})
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(OTHER_PREVIEW + "?"))


@redirecting
class TestRedirect(HeadlessSitesTestCase):
    def test_django_url_redirects_to_the_frontend_keeping_the_query(self):
        response = self.client.get("/conditions/back-pain/?page=2")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response["Location"], f"{FRONTEND}/conditions/back-pain/?page=2"
        )
        response = self.client.head("/conditions/back-pain/")
        self.assertEqual(response.status_code, 302)

    def test_a_page_type_with_its_own_serve_redirects_too(self):
        make_request_page(self.home)
        response = self.client.get("/book/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{FRONTEND}/book/")

    def test_a_site_without_redirect_is_served_by_django(self):
        response = self.client.get("/conditions/neck-pain/", HTTP_HOST="other.example")
        self.assertEqual(response.status_code, 200)
        with headless:
            self.assertEqual(self.client.get("/conditions/back-pain/").status_code, 200)

    def test_posts_are_not_redirected(self):
        page = make_request_page(self.home)
        response = self.client.post("/book/", {})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"], page)

    def test_editors_signed_in_see_djangos_rendering(self):
        self.client.force_login(self.editor)
        response = self.client.get("/conditions/back-pain/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"], self.page)

    def test_signed_in_users_without_admin_access_are_redirected(self):
        self.client.force_login(self.create_user("patient"))
        response = self.client.get("/conditions/back-pain/")
        self.assertEqual(response.status_code, 302)

    def test_previews_are_not_redirected(self):
        self.client.force_login(self.editor)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.page.pk])
        data = edit_form_data(
            self.page, title="Draft", paragraph="<p>An HTML draft.</p>"
        )
        self.client.post(url, data)
        response = self.client.get(url, {"mode": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "An HTML draft.")

    def test_the_api_is_not_redirected(self):
        self.page.save_revision().publish()
        for url in (
            f"/api/v2/pages/{self.page.pk}/",
            f"/api/v3/pages/{self.page.pk}/",
            "/api/v2/pages/find/?html_path=/conditions/back-pain/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["id"], self.page.pk)


class TestChecks(TestCase):
    def errors(self, frontends=None, **settings):
        if frontends is not None:
            settings["HEADLESS_FRONTENDS"] = frontends
        with override_settings(WAGTAIL_CLINIC=settings):
            return [(e.id, e.obj) for e in check_headless_frontends()]

    def test_a_valid_setting_passes(self):
        self.assertEqual(self.errors(FRONTENDS), [])
        self.assertEqual(
            self.errors(
                {
                    "default": {"url": FRONTEND, "redirect": True},
                    "localhost:8000": None,
                },
                HEADLESS_PREVIEW_URL="http://localhost:3000/api/preview",
            ),
            [],
        )
        self.assertEqual(self.errors(), [])

    def test_the_check_is_registered(self):
        with override_settings(WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": []}):
            ids = {e.id for e in checks.run_checks()}
        self.assertIn("wagtail_clinic.E601", ids)

    def test_each_malformed_field_is_named(self):
        obj = 'settings.WAGTAIL_CLINIC["HEADLESS_FRONTENDS"]'
        cases = [
            ([], [("wagtail_clinic.E601", obj)]),
            (
                {"https://www.clinic.example": {"url": FRONTEND}},
                [("wagtail_clinic.E601", f"{obj}['https://www.clinic.example']")],
            ),
            ({"default": FRONTEND}, [("wagtail_clinic.E602", f"{obj}['default']")]),
            (
                {"default": {"url": "ftp://clinic.example"}},
                [("wagtail_clinic.E603", f"{obj}['default']['url']")],
            ),
            (
                {"default": {"url": FRONTEND, "preview_url": "/api/draft"}},
                [("wagtail_clinic.E603", f"{obj}['default']['preview_url']")],
            ),
            (
                {"localhost": {"url": FRONTEND, "preview": FRONTEND_PREVIEW}},
                [("wagtail_clinic.E604", f"{obj}['localhost']['preview']")],
            ),
            (
                {"default": {"url": FRONTEND, "redirect": "yes"}},
                [("wagtail_clinic.E605", f"{obj}['default']['redirect']")],
            ),
            (
                {"default": {"preview_url": FRONTEND_PREVIEW, "redirect": True}},
                [("wagtail_clinic.E605", f"{obj}['default']['redirect']")],
            ),
        ]
        for frontends, expected in cases:
            with self.subTest(frontends=frontends):
                self.assertEqual(self.errors(frontends), expected)

    def test_a_malformed_headless_preview_url_is_named(self):
        self.assertEqual(
            self.errors(HEADLESS_PREVIEW_URL="localhost:3000/api/preview"),
            [
                (
                    "wagtail_clinic.E603",
                    'settings.WAGTAIL_CLINIC["HEADLESS_PREVIEW_URL"]',
                )
            ],
        )

    def test_unknown_keys_suggest_the_close_one(self):
        with override_settings(
            WAGTAIL_CLINIC={"HEADLESS_FRONTENDS": {"default": {"urls": FRONTEND}}}
        ):
            (error,) = check_headless_frontends()
        self.assertIn('Did you mean "url"?', error.hint)
