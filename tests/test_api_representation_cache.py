"""The representation cache: warm API requests, invalidation, drafts, sites.

``WAGTAIL_CLINIC["API_REPRESENTATION_CACHE"]`` (on by default) keeps the API
values of live pages in Django's cache. These tests prove that a warm
request costs only Wagtail's own page lookup, that the answers are the same
with and without the cache, that every kind of change a value can show is
visible on the next request, and that drafts, previews and other sites never
share entries with the live page.

Changes are made inside ``captureOnCommitCallbacks(execute=True)``, so the
after-commit invalidation runs as it would in production.
"""

import datetime

from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.images.rect import Rect
from wagtail.models import APIToken, Site

from tests.testapp.models import PlainArticlePage
from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
    set_default_clinic,
)
from wagtail_clinic.api import cache_invalidation
from wagtail_clinic.models import (
    ClinicSettings,
    ConditionPage,
    MassageTypePage,
    OpeningHours,
)
from wagtail_clinic.preview import create_preview
from wagtail_clinic.serialisation import cache as representation_cache
from wagtail_clinic.serialisation.cache import (
    PAGE_VERSION_KEY,
    VERSION_KEY,
    cached_value,
    content_version,
    exclude_from_cache,
    is_cacheable,
)


CLINIC_API = "/api/v3/clinic"
COLD = override_settings(WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE": False})
#: On, although tests.settings has a LocMemCache (one process: that is right).
WARM = override_settings(WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE": True})


def link_cta_block(page):
    """A booking CTA without a clinic (so the site's default) linking to ``page``."""
    return {
        "type": "booking_cta",
        "value": {
            "heading": f"Read about {page.title}",
            "text": "",
            "clinic": None,
            "action": "link",
            "button_label": "",
            "link_page": page.pk,
            "link_url": "",
        },
    }


def blocks(data, block_type):
    return [item["value"] for item in data["body"] if item["type"] == block_type]


def entity(data, schema_type):
    return next(e for e in data["structured_data"] if e["@type"] == schema_type)


@WARM
class RepresentationCacheTestCase(TestCase):
    """The reference article, with a chosen clinic, a default clinic, two
    chosen massage types (one of them linked by a CTA), images, a reviewer."""

    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.site = Site.objects.get(is_default_site=True)
        cls.chosen_clinic = make_clinic(name="Chosen Clinic")
        cls.default_clinic = make_clinic(name="Default Clinic", phone="+1 780 555 0100")
        set_default_clinic(cls.site, cls.default_clinic)
        index = make_condition_index(cls.home, slug="conditions")
        cls.massage_index = make_massage_type_index(cls.home, slug="massage-types")
        cls.deep = make_massage_type(
            cls.massage_index,
            title="Deep tissue massage",
            slug="deep-tissue",
            image=make_image(title="Deep tissue"),
        )
        cls.sports = make_massage_type(
            cls.massage_index,
            title="Sports massage",
            slug="sports",
            image=make_image(title="Sports"),
        )
        cls.figure = make_image(title="A lower back")
        cls.hero = make_image(title="Hero")
        cls.reviewer = make_therapist(photo=make_image(title="Portrait"))
        body = article_body(
            image=cls.figure,
            clinic=cls.chosen_clinic,
            massage_types=[cls.deep, cls.sports],
            link_page=cls.deep,
            paragraphs=2,
        )
        body.append(link_cta_block(cls.sports))
        cls.article = make_condition_page(
            index,
            body=body,
            slug="back-pain",
            hero_image=cls.hero,
            hero_image_alt="A massage",
            reviewed_by=cls.reviewer,
        )
        cls.plain = cls.home.add_child(
            instance=PlainArticlePage(
                title="Plain", slug="plain", body="<p>Plain text.</p>"
            )
        )

    def urls(self, page=None, query=""):
        page_id = (page or self.article).pk
        return [
            f"/api/v2/pages/{page_id}/{query}",
            f"/api/v3/pages/{page_id}/{query}",
            f"{CLINIC_API}/pages/{page_id}/{query}",
        ]

    def get(self, url, data=None, **extra):
        response = self.client.get(url, data, **extra)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def count_queries(self, url, **extra):
        with CaptureQueriesContext(connection) as queries:
            self.get(url, **extra)
        return len(queries)

    def warm_up(self, urls=None, **extra):
        for url in urls or self.urls():
            self.get(url, **extra)
            self.get(url, **extra)

    def change(self, func, *args, **kwargs):
        """Run ``func`` as a committed change (on-commit callbacks run)."""
        with self.captureOnCommitCallbacks(execute=True):
            return func(*args, **kwargs)

    def assert_after_change(self, change, check, urls=None):
        """``check`` fails on the warm answers, ``change`` makes it pass."""
        urls = urls or self.urls()
        self.warm_up(urls)
        for url in urls:
            with self.subTest(url=url, before=True), self.assertRaises(AssertionError):
                check(self.get(url))
        self.change(change)
        for url in urls:
            with self.subTest(url=url):
                check(self.get(url))

    def reload(self, page):
        return type(page).objects.get(pk=page.pk)


class TestWarmRequests(RepresentationCacheTestCase):
    def test_a_warm_request_costs_only_wagtails_page_lookup(self):
        for article_url, plain_url in zip(
            self.urls(), self.urls(self.plain), strict=True
        ):
            with self.subTest(url=article_url):
                with COLD:
                    self.get(article_url)
                    cold = self.count_queries(article_url)
                self.warm_up([article_url, plain_url])
                warm = self.count_queries(article_url)
                self.assertLess(warm, cold)
                # Nothing beyond what Wagtail spends on a plain page.
                self.assertEqual(warm, self.count_queries(plain_url))

    def test_the_answers_are_the_same_with_and_without_the_cache(self):
        for rich_text_format in ("db_html", "html", "markdown", "db_markdown"):
            for url in self.urls(query=f"?rich_text_format={rich_text_format}"):
                with self.subTest(url=url):
                    with COLD:
                        cold = self.get(url)
                    self.warm_up([url])
                    self.assertEqual(self.get(url), cold)

    def test_rich_text_formats_are_kept_apart(self):
        url = f"/api/v3/pages/{self.article.pk}/"
        html = self.get(url + "?rich_text_format=html")
        db_html = self.get(url + "?rich_text_format=db_html")
        self.assertEqual(self.get(url + "?rich_text_format=html"), html)
        paragraphs = blocks(html, "paragraph")
        self.assertIn(f'href="{self.deep.url}"', paragraphs[0])
        self.assertIn('linktype="page"', blocks(db_html, "paragraph")[0])

    def test_the_setting_turns_the_cache_off(self):
        url = f"/api/v3/pages/{self.article.pk}/"
        with COLD:
            self.get(url)
            counts = {self.count_queries(url) for _ in range(3)}
            self.assertEqual(len(counts), 1)
            self.assertIsNone(cache.get(VERSION_KEY))
        self.warm_up([url])
        self.assertLess(self.count_queries(url), counts.pop())


class TestInvalidation(RepresentationCacheTestCase):
    def test_publishing_a_chosen_page(self):
        def publish():
            page = self.reload(self.deep)
            page.title = "Deep tissue, renamed"
            page.save_revision().publish()

        def check(data):
            item = blocks(data, "massage_types")[0]["items"][0]
            self.assertEqual(item["title"], "Deep tissue, renamed")
            self.assertEqual(item["page"]["title"], "Deep tissue, renamed")
            treatments = entity(data, "MedicalWebPage")["about"]["possibleTreatment"]
            self.assertIn("Deep tissue, renamed", [t["name"] for t in treatments])

        self.assert_after_change(publish, check)

    def test_saving_a_draft_of_a_chosen_page_changes_nothing(self):
        self.warm_up()
        version = content_version()
        page = self.reload(self.deep)
        page.title = "Draft title"
        self.change(page.save_revision)
        self.assertEqual(content_version(), version)
        for url in self.urls():
            with self.subTest(url=url):
                item = blocks(self.get(url), "massage_types")[0]["items"][0]
                self.assertEqual(item["page"]["title"], "Deep tissue massage")

    def test_unpublishing_a_chosen_page(self):
        def check(data):
            titles = [i["title"] for i in blocks(data, "massage_types")[0]["items"]]
            self.assertEqual(titles, ["Deep tissue massage"])
            link_cta = blocks(data, "booking_cta")[-1]
            self.assertIsNone(link_cta["link_page"])
            self.assertIsNone(link_cta["button"])

        self.assert_after_change(lambda: self.reload(self.sports).unpublish(), check)

    def test_deleting_a_chosen_page(self):
        def check(data):
            titles = [i["title"] for i in blocks(data, "massage_types")[0]["items"]]
            self.assertEqual(titles, ["Deep tissue massage"])

        self.assert_after_change(lambda: self.reload(self.sports).delete(), check)

    def test_moving_a_chosen_page(self):
        other_index = make_massage_type_index(self.home, slug="treatments")

        def check(data):
            page = blocks(data, "massage_types")[0]["items"][0]["page"]
            self.assertEqual(page["path"], "/treatments/deep-tissue/")

        self.assert_after_change(
            lambda: self.reload(self.deep).move(other_index, pos="last-child"), check
        )

    def test_changing_an_images_title(self):
        def rename():
            self.figure.title = "A renamed figure"
            self.figure.save()

        def check(data):
            self.assertEqual(
                blocks(data, "image")[0]["image"]["title"], "A renamed figure"
            )

        self.assert_after_change(rename, check)

    def test_changing_an_images_focal_point(self):
        self.warm_up()
        before = blocks(self.get(self.urls()[1]), "image")[0]["image"]["renditions"]

        def move_focal_point():
            self.figure.set_focal_point(Rect(400, 300, 500, 400))
            self.figure.save()

        self.change(move_focal_point)
        figure = get_image_model().objects.get(pk=self.figure.pk)
        expected = figure.get_rendition("fill-480x320").url
        for url in self.urls():
            with self.subTest(url=url):
                image = blocks(self.get(url), "image")[0]["image"]
                self.assertTrue(
                    image["renditions"]["card"]["url"].endswith(expected),
                    (image["renditions"]["card"], expected, before["card"]),
                )
                self.assertNotEqual(image["renditions"]["card"], before["card"])

    def test_changing_the_hero_image_and_deleting_renditions(self):
        def rename():
            self.hero.title = "Renamed hero"
            self.hero.save()
            self.hero.renditions.all().delete()

        def check(data):
            self.assertEqual(data["hero_image"]["title"], "Renamed hero")
            self.assertEqual(len(data["hero_image"]["renditions"]), 4)

        self.assert_after_change(rename, check)

    def test_changing_the_chosen_clinics_phone(self):
        def call_elsewhere():
            self.chosen_clinic.phone = "+1 780 555 9999"
            self.chosen_clinic.save()

        def check(data):
            cta = blocks(data, "booking_cta")[0]
            self.assertEqual(cta["clinic"]["phone"], "+1 780 555 9999")
            self.assertEqual(cta["button"]["href"], "tel:+17805559999")

        self.assert_after_change(call_elsewhere, check)

    def test_changing_the_default_clinics_phone(self):
        def call_elsewhere():
            self.default_clinic.phone = "+1 780 555 7777"
            self.default_clinic.save()

        def check(data):
            self.assertEqual(
                blocks(data, "booking_cta")[-1]["clinic"]["phone"], "+1 780 555 7777"
            )
            self.assertEqual(
                entity(data, "MedicalClinic")["telephone"], "+1 780 555 7777"
            )

        self.assert_after_change(call_elsewhere, check)

    def test_changing_opening_hours(self):
        def open_on_saturday():
            OpeningHours.objects.create(
                clinic=self.default_clinic,
                weekday=6,
                opens=datetime.time(10),
                closes=datetime.time(14),
            )

        def check(data):
            hours = blocks(data, "booking_cta")[-1]["clinic"]["opening_hours"]
            self.assertEqual(hours[-1]["weekday"], 6)
            days = entity(data, "MedicalClinic")["openingHoursSpecification"]
            self.assertEqual(days[-1]["dayOfWeek"], ["Saturday"])

        self.assert_after_change(open_on_saturday, check)

    def test_changing_the_default_clinic_in_clinic_settings(self):
        northside = make_clinic(name="Northside Clinic")

        def check(data):
            self.assertEqual(
                blocks(data, "booking_cta")[-1]["clinic"]["name"], "Northside Clinic"
            )
            self.assertEqual(entity(data, "MedicalClinic")["name"], "Northside Clinic")

        self.assert_after_change(
            lambda: set_default_clinic(self.site, northside), check
        )

    def test_changing_the_reviewer(self):
        def rename():
            self.reviewer.name = "Dana Lee-Smith"
            self.reviewer.save()

        def check(data):
            self.assertEqual(data["reviewed_by"]["name"], "Dana Lee-Smith")
            reviewer = entity(data, "MedicalWebPage")["reviewedBy"]
            self.assertEqual(reviewer["name"], "Dana Lee-Smith")

        self.assert_after_change(rename, check)

    def test_changing_the_site(self):
        def move_port():
            self.site.port = 8080
            self.site.save()

        def check(data):
            page = blocks(data, "massage_types")[0]["items"][0]["page"]
            self.assertEqual(
                page["url"], "http://localhost:8080/massage-types/deep-tissue/"
            )

        self.assert_after_change(move_port, check)

    def test_the_etag_follows_a_change(self):
        url = f"{CLINIC_API}/pages/{self.article.pk}/"
        self.warm_up([url])
        etag = self.client.get(url)["ETag"]

        def call_elsewhere():
            self.chosen_clinic.phone = "+1 780 555 9999"
            self.chosen_clinic.save()

        self.change(call_elsewhere)
        response = self.client.get(url, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["ETag"], etag)
        self.assertIn(b"+1 780 555 9999", response.content)

    def test_the_version_changes_again_after_the_commit(self):
        # A value another process computes between the change and the commit
        # (from the data before the change) is never reached afterwards.
        with self.captureOnCommitCallbacks() as callbacks:
            self.chosen_clinic.phone = "+1 780 555 9999"
            self.chosen_clinic.save()
            during = content_version()
        self.assertTrue(callbacks)
        for callback in callbacks:
            callback()
        self.assertNotEqual(content_version(), during)

    def test_settings_created_on_first_read_change_nothing(self):
        other = Site.objects.create(hostname="127.0.0.1", port=80, root_page=self.home)
        version = content_version()
        self.change(ClinicSettings.for_site, other)
        self.assertEqual(content_version(), version)
        northside = make_clinic(name="Northside Clinic")
        version = content_version()
        self.change(set_default_clinic, other, northside)
        self.assertNotEqual(content_version(), version)

    def test_a_new_rendition_changes_nothing(self):
        self.warm_up()
        version = content_version()
        self.change(self.figure.get_rendition, "fill-10x10")
        self.change(self.figure.get_renditions, "fill-20x20", "fill-30x30")
        self.assertEqual(content_version(), version)


class TestTargetedInvalidation(RepresentationCacheTestCase):
    """A page change replaces only the tokens of the pages that show it."""

    def page_token(self, page):
        return cache.get(PAGE_VERSION_KEY.format(page.pk))

    def tokens(self, pages):
        for page in pages:  # Created if missing, as a request would.
            representation_cache.page_versions(page)
        return {page.pk: self.page_token(page) for page in pages}

    def stores(self, url):
        """How many values a request computed and stored (0: a cache hit)."""
        with mock.patch.object(
            representation_cache, "_store", wraps=representation_cache._store
        ) as store:
            self.get(url)
        return store.call_count

    def publish(self, page, title):
        page = self.reload(page)
        page.title = title
        self.change(page.save_revision().publish)

    def test_publishing_a_page_leaves_other_pages_cached(self):
        swedish = make_massage_type(self.massage_index, title="Swedish", slug="sw")
        self.warm_up()
        warm = [self.count_queries(url) for url in self.urls()]
        version = content_version()
        self.publish(swedish, "Swedish massage")
        self.publish(self.plain, "Plain, renamed")
        self.assertEqual(content_version(), version)
        for url, queries in zip(self.urls(), warm, strict=True):
            with self.subTest(url=url):
                self.assertEqual(self.stores(url), 0)
                self.assertEqual(self.count_queries(url), queries)
        # The published page itself is rebuilt.
        swedish_url = f"{CLINIC_API}/pages/{swedish.pk}/"
        self.assertEqual(self.get(swedish_url)["title"], "Swedish massage")

    def test_publishing_a_massage_type_invalidates_exactly_the_articles_choosing_it(
        self,
    ):
        index = self.article.get_parent()
        choosing = [
            make_condition_page(
                index,
                slug=f"choosing-{n}",
                body=article_body(
                    image=self.figure,
                    clinic=self.chosen_clinic,
                    massage_types=[self.deep],
                    link_page=self.deep,
                ),
            )
            for n in range(2)
        ]
        other = make_condition_page(
            index,
            slug="other",
            body=article_body(
                image=self.figure,
                clinic=self.chosen_clinic,
                massage_types=[self.sports],
                link_page=self.sports,
            ),
        )
        pages = [self.article, *choosing, other, self.deep, self.sports]
        pages += [self.massage_index, index.specific, self.plain, self.home]
        before = self.tokens(pages)
        version = content_version()
        self.publish(self.deep, "Deep tissue, renamed")
        after = self.tokens(pages)
        changed = {pk for pk in before if before[pk] != after[pk]}
        expected = {self.deep.pk, self.massage_index.pk, self.article.pk}
        self.assertEqual(changed, expected | {page.pk for page in choosing})
        self.assertEqual(content_version(), version)

    def test_publishing_an_article_invalidates_the_massage_types_helping_it(self):
        # The article's body chooses deep tissue and sports massage, so both
        # list it among the conditions they help; a third massage type does not.
        other = make_massage_type(self.massage_index, title="Other", slug="other")
        self.publish(self.article, "Back pain")
        url = f"{CLINIC_API}/pages/{self.sports.pk}/"
        self.assertEqual(
            [link["title"] for link in self.get(url)["conditions"]], ["Back pain"]
        )
        self.warm_up([url, *self.urls(other)])
        self.publish(self.article, "Back pain, renamed")
        links = self.get(url)["conditions"]
        self.assertEqual([link["title"] for link in links], ["Back pain, renamed"])
        for other_url in self.urls(other):
            with self.subTest(url=other_url):
                self.assertEqual(self.stores(other_url), 0)

    def test_renaming_an_index_page_reaches_its_descendants_breadcrumbs(self):
        def check(data):
            crumbs = entity(data, "BreadcrumbList")["itemListElement"]
            self.assertIn("Conditions, renamed", [c["name"] for c in crumbs])

        urls = [f"{CLINIC_API}/pages/{self.article.pk}/"]
        self.assert_after_change(
            lambda: self.publish(self.article.get_parent(), "Conditions, renamed"),
            check,
            urls,
        )

    def test_past_the_threshold_the_content_version_is_replaced(self):
        version = content_version()
        # Keys: the page, the pages showing it and its tree path.
        with mock.patch.object(representation_cache, "MAX_INVALIDATED_PAGES", 3):
            self.publish(self.plain, "Plain, renamed")  # Itself, home, its tree.
            self.assertEqual(content_version(), version)
            self.publish(self.deep, "Deep, renamed")  # And its index and article.
        self.assertNotEqual(content_version(), version)

    def test_hit_rate_under_edits(self):
        index = self.article.get_parent()
        articles = [
            make_condition_page(
                index,
                slug=f"article-{n}",
                body=article_body(
                    image=self.figure,
                    clinic=self.chosen_clinic,
                    massage_types=[self.deep, self.sports],
                    link_page=self.deep,
                ),
            )
            for n in range(50)
        ]
        urls = [f"{CLINIC_API}/pages/{page.pk}/" for page in articles]
        self.warm_up(urls)
        hits = requests = 0
        for round_number in range(5):
            self.publish(articles[round_number * 7], f"Article, edit {round_number}")
            for url in urls:
                hits += self.stores(url) == 0
                requests += 1
        self.assertGreaterEqual(hits / requests, 0.9, (hits, requests))


class TestDraftsAndPreviews(RepresentationCacheTestCase):
    def unsaved_article(self):
        page = ConditionPage.objects.get(pk=self.article.pk)
        page.title = "Unsaved title"
        page.body = [("paragraph", "<p>An unsaved paragraph.</p>")]
        return page

    def test_previews_never_read_or_write_the_cache(self):
        self.warm_up()
        token = create_preview(self.unsaved_article())
        for _ in range(2):
            preview = self.get(f"{CLINIC_API}/preview/", {"token": token})
            self.assertEqual(preview["title"], "Unsaved title")
            self.assertEqual(
                blocks(preview, "paragraph"), ["<p>An unsaved paragraph.</p>"]
            )
            self.assertEqual(preview["outline"], [])
        for url in self.urls():
            with self.subTest(url=url):
                live = self.get(url)
                self.assertEqual(live["title"], "Relief From Pain In The Back")
                self.assertEqual(len(blocks(live, "paragraph")), 2)
                self.assertNotIn("Unsaved", str(live))

    def test_draft_versions_are_never_cached(self):
        editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.com", "password"
        )
        _, token = APIToken.create_token(user=editor, name="frontend")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        draft = self.unsaved_article()
        self.change(draft.save_revision)
        url = f"/api/v3/pages/{self.article.pk}/?version=draft"
        self.warm_up([url])  # Anonymous: the live page, now cached.
        for _ in range(2):
            data = self.get(url, **auth)
            self.assertEqual(
                blocks(data, "paragraph"), ["<p>An unsaved paragraph.</p>"]
            )
            self.assertEqual(data["outline"], [])
            live = self.get(url)
            self.assertEqual(len(blocks(live, "paragraph")), 2)
            self.assertNotIn("Unsaved", str(live))

    def test_only_live_pages_loaded_as_they_are_use_the_cache(self):
        page = ConditionPage.objects.get(pk=self.article.pk)
        self.assertTrue(is_cacheable(page))
        self.assertFalse(is_cacheable(exclude_from_cache(page)))
        draft = ConditionPage.objects.get(pk=self.article.pk)
        draft.save_revision()
        self.assertFalse(is_cacheable(draft.get_latest_revision().as_object()))
        self.assertFalse(is_cacheable(ConditionPage(title="New", live=True)))
        self.reload(self.article).unpublish()
        self.assertFalse(is_cacheable(self.reload(self.article)))
        with COLD:
            self.assertFalse(is_cacheable(ConditionPage.objects.get(pk=page.pk)))


class TestSites(RepresentationCacheTestCase):
    def test_two_sites_never_share_values(self):
        # A second site with the same root page and its own default clinic.
        other = Site.objects.create(hostname="127.0.0.1", port=80, root_page=self.home)
        set_default_clinic(other, make_clinic(name="Other Site Clinic"))
        hosts = {"localhost": "Default Clinic", "127.0.0.1": "Other Site Clinic"}
        for _ in range(2):
            for host, clinic in hosts.items():
                for url in self.urls():
                    with self.subTest(url=url, host=host):
                        data = self.get(url, HTTP_HOST=host)
                        with COLD:
                            self.assertEqual(data, self.get(url, HTTP_HOST=host))
                        # The request's site's default clinic.
                        cta = blocks(data, "booking_cta")[-1]
                        self.assertEqual(cta["clinic"]["name"], clinic)
                        if url.startswith("/api/v3/"):
                            # And its URLs (v2: Wagtail takes the first site).
                            link = blocks(data, "massage_types")[0]["items"][0]
                            self.assertEqual(
                                link["page"]["url"],
                                f"http://{host}/massage-types/deep-tissue/",
                            )


class BrokenCache(BaseCache):
    """A cache backend whose every operation fails."""

    def __init__(self, location=None, params=None):
        super().__init__(params or {})

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache down")

    add = get = set = delete = touch = clear = has_key = incr = _fail


class TestRobustness(RepresentationCacheTestCase):
    @override_settings(
        CACHES={
            **settings.CACHES,
            "broken": {"BACKEND": "tests.test_api_representation_cache.BrokenCache"},
        },
        WAGTAIL_CLINIC={
            "API_REPRESENTATION_CACHE": True,
            "API_REPRESENTATION_CACHE_ALIAS": "broken",
        },
    )
    def test_a_failing_cache_is_bypassed(self):
        with COLD:
            expected = [self.get(url) for url in self.urls()]
        with self.assertLogs("wagtail_clinic.api", "ERROR"):
            answers = [self.get(url) for url in self.urls()]
        self.assertEqual(answers, expected)
        with self.assertLogs("wagtail_clinic.api", "ERROR"):
            self.change(self.chosen_clinic.save)  # Saving still works.

    def test_languages_are_kept_apart(self):
        page = ConditionPage.objects.get(pk=self.article.pk)
        calls = []

        def compute():
            calls.append(translation.get_language())
            return len(calls)

        for language in ("en", "fr", "en", "fr"):
            with translation.override(language):
                fresh = ConditionPage.objects.get(pk=page.pk)
                cached_value(fresh, "field:test", ("-",), compute)
        self.assertEqual(calls, ["en", "fr"])

    def test_connecting_the_signals_twice_is_harmless(self):
        cache_invalidation.connect_signals()
        version = content_version()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.reviewer.save()
        self.assertEqual(len(callbacks), 1)
        self.assertNotEqual(content_version(), version)


class TestListings(RepresentationCacheTestCase):
    def test_v2_listings_use_and_fill_the_cache(self):
        url = (
            "/api/v2/pages/?type=wagtail_clinic.MassageTypePage"
            "&fields=body,outline,conditions,structured_data"
        )
        with COLD:
            cold = self.get(url)
        self.warm_up([url])
        self.assertEqual(self.get(url), cold)
        page = MassageTypePage.objects.get(pk=self.sports.pk)
        page.title = "Sports massage, renamed"
        self.change(page.save_revision().publish)
        item = next(i for i in self.get(url)["items"] if i["id"] == self.sports.pk)
        therapy = entity(item, "MedicalTherapy")
        self.assertEqual(therapy["name"], "Sports massage, renamed")

    def test_warm_v2_listings_do_not_grow_with_the_number_of_pages(self):
        url = (
            "/api/v2/pages/?type=wagtail_clinic.MassageTypePage"
            "&fields=body,outline,conditions,structured_data&limit={}"
        )
        counts = []
        for limit in (1, 2):
            self.warm_up([url.format(limit)])
            counts.append(self.count_queries(url.format(limit)))
        self.assertEqual(counts[0], counts[1])


class TestChecks(TestCase):
    def test_an_unknown_alias_is_an_error(self):
        with override_settings(
            WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE_ALIAS": "nowhere"}
        ):
            errors = representation_cache.check_cache_alias()
            self.assertEqual([e.id for e in errors], ["wagtail_clinic.E201"])
            self.assertEqual(representation_cache.check_shared_cache(), [])
        self.assertEqual(representation_cache.check_cache_alias(), [])

    def test_on_by_default_only_with_a_cache_all_processes_share(self):
        self.assertFalse(representation_cache.enabled())  # tests: LocMemCache
        infos = representation_cache.check_shared_cache()
        self.assertEqual([i.id for i in infos], ["wagtail_clinic.I201"])
        for backend, shared in [
            ("django.core.cache.backends.filebased.FileBasedCache", True),
            ("django.core.cache.backends.db.DatabaseCache", True),
            ("django.core.cache.backends.dummy.DummyCache", False),
            ("django.core.cache.backends.locmem.LocMemCache", False),
        ]:
            caches = {
                **settings.CACHES,
                "other": {"BACKEND": backend, "LOCATION": "wagtail_clinic_test"},
            }
            with (
                self.subTest(backend=backend),
                override_settings(
                    CACHES=caches,
                    WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE_ALIAS": "other"},
                ),
            ):
                self.assertIs(representation_cache.enabled(), shared)
                self.assertEqual(
                    bool(representation_cache.check_shared_cache()), not shared
                )
        self.assertFalse(representation_cache.enabled())

    def test_forced_on_with_a_per_process_cache_is_a_deploy_warning(self):
        with WARM:
            self.assertTrue(representation_cache.enabled())
            warnings = representation_cache.check_shared_cache()
            self.assertEqual([w.id for w in warnings], ["wagtail_clinic.W201"])
        with COLD:
            self.assertFalse(representation_cache.enabled())
            self.assertEqual(representation_cache.check_shared_cache(), [])
