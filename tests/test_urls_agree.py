"""Every absolute URL of a page names the same address (issue 15, trap 4).

A site served at 127.0.0.1:8302 and configured as the README says (the
default Site's hostname and port, and ``WAGTAILADMIN_BASE_URL``, name that
address) prints it everywhere: the canonical link, Open Graph and Twitter
tags, JSON-LD, and the API's page and image URLs (page fields, body blocks,
listing cards). Where the settings disagree with the Site, the page's own
image URLs still follow the Site record, as its page URLs do, and the
system checks say what to fix (tests/test_checks.py).
"""

import json
import re

from urllib.parse import urlsplit

from django.core.cache import cache
from django.test import RequestFactory, TestCase, override_settings
from wagtail.models import Site

from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.serialisation.representations import context_root_url


ORIGIN = "http://127.0.0.1:8302"
ABSOLUTE = re.compile(r"https?://[^\s\"'<>\\]+")
#: Addresses a misconfigured site prints for itself (the Site record, the
#: settings' defaults, the test client's host).
OWN_HOSTS = {"127.0.0.1:8302", "127.0.0.1", "localhost", "testserver", "example.com"}


def own_urls(text):
    """The absolute URLs in ``text`` pointing at this site (media or its hosts).

    Links to other websites (booking, sources, schema.org) are left out.
    """
    return [
        url
        for url in ABSOLUTE.findall(text)
        if urlsplit(url).netloc in OWN_HOSTS or "/media/" in url
    ]


def json_ld(html):
    """The page's JSON-LD entities (one list)."""
    found = []
    for script in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    ):
        data = json.loads(script)
        found.extend(data if isinstance(data, list) else [data])
    return found


def meta(html, name):
    match = re.search(
        rf'<(?:meta|link) (?:property|name|rel)="{name}" (?:content|href)="([^"]*)"',
        html,
    )
    return match.group(1) if match else None


@override_settings(
    WAGTAILADMIN_BASE_URL=ORIGIN,
    WAGTAILAPI_BASE_URL=None,
    ALLOWED_HOSTS=["127.0.0.1"],
)
class TestAbsoluteURLsAgree(TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        Site.objects.filter(is_default_site=True).update(
            hostname="127.0.0.1", port=8302
        )
        cls.image = make_image(description="A lower back")
        massage_types = make_massage_type_index(home)
        cls.massage_type = make_massage_type(massage_types, image=cls.image)
        cls.conditions = make_condition_index(home)
        cls.article = make_condition_page(
            cls.conditions,
            hero_image=cls.image,
            body=article_body(
                image=make_image(title="In the body", description="Hands"),
                clinic=make_clinic(booking_url="https://book.example/"),
                massage_types=[cls.massage_type],
                link_page=cls.massage_type,
            ),
        )

    def setUp(self):
        cache.clear()
        self.client.defaults["HTTP_HOST"] = "127.0.0.1:8302"

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response

    def assertAllAt(self, urls, origin=ORIGIN):
        self.assertTrue(urls)
        wrong = [url for url in urls if not url.startswith(origin + "/")]
        self.assertEqual(wrong, [], f"not at {origin}")

    def test_html_canonical_open_graph_and_json_ld(self):
        html = self.get(self.article.url).content.decode()
        canonical = meta(html, "canonical")
        self.assertEqual(
            canonical, f"{ORIGIN}/conditions-we-treat/{self.article.slug}/"
        )
        self.assertEqual(meta(html, "og:url"), canonical)
        self.assertTrue(meta(html, "og:image").startswith(f"{ORIGIN}/media/"))
        self.assertTrue(meta(html, "twitter:image").startswith(f"{ORIGIN}/media/"))

        entities = json_ld(html)
        webpage = entities[0]
        self.assertEqual(webpage["url"], canonical)
        self.assertTrue(webpage["image"]["url"].startswith(f"{ORIGIN}/media/"))
        self.assertAllAt(own_urls(json.dumps(entities)))
        self.assertAllAt(own_urls(html))

    def test_api_page_detail(self):
        for version in ("v2", "v3"):
            with self.subTest(version=version):
                data = self.get(f"/api/{version}/pages/{self.article.pk}/").json()
                hero = data["hero_image"]
                self.assertTrue(hero["url"].startswith(f"{ORIGIN}/media/"))
                for rendition in hero["renditions"].values():
                    self.assertTrue(rendition["url"].startswith(f"{ORIGIN}/media/"))
                text = json.dumps(data)
                # The body's image block and the massage type card images too.
                self.assertGreaterEqual(text.count(f"{ORIGIN}/media/"), 10)
                self.assertAllAt(own_urls(text))

    def test_api_listings(self):
        for url in ("/api/v3/clinic/conditions/", "/api/v3/clinic/massage-types/"):
            with self.subTest(url=url):
                text = self.get(url).content.decode()
                self.assertIn(f"{ORIGIN}/media/", text)
                self.assertAllAt(own_urls(text))

    def test_page_images_follow_the_site_even_when_the_setting_disagrees(self):
        # The site: WAGTAILADMIN_BASE_URL left at "http://example.com".
        with self.settings(WAGTAILADMIN_BASE_URL="http://example.com"):
            data = self.get(f"/api/v3/pages/{self.article.pk}/").json()
            html = self.get(self.article.url).content.decode()
        self.assertTrue(data["hero_image"]["url"].startswith(f"{ORIGIN}/media/"))
        self.assertTrue(meta(html, "og:image").startswith(f"{ORIGIN}/media/"))
        self.assertEqual(data["meta"]["html_url"], self.article.get_full_url())
        self.assertTrue(data["meta"]["html_url"].startswith(ORIGIN + "/"))

    def test_context_root_url_for_block_images(self):
        request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8302")
        self.assertEqual(context_root_url({"request": request}), ORIGIN)
        self.assertIsNone(context_root_url({}))
        self.assertIsNone(context_root_url(None))
