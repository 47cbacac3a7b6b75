"""/sitemap.xml (issue 17): live public clinic pages, review-based lastmod, per locale.

The URLs here are the example site's: ``wagtail.contrib.sitemaps`` at
/sitemap.xml outside ``i18n_patterns``, English unprefixed, French under
/fr/. The sitemap is parsed as XML, never matched as text.
"""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from django.conf.urls.i18n import i18n_patterns
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone, translation
from wagtail import urls as wagtail_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from tests.appointment_utils import make_request_page
from tests.example_utils import example_env, example_manage
from tests.settings import MIDDLEWARE
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
)
from wagtail_clinic.models import ConditionPage
from wagtail_clinic.models.sitemaps import sitemap_lastmod


urlpatterns = [
    path("sitemap.xml", sitemap),
    *i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False),
]

SITEMAP_URLS = override_settings(
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        *MIDDLEWARE[:2],
        "django.middleware.locale.LocaleMiddleware",
        *MIDDLEWARE[2:],
    ],
)

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
BASE = "http://localhost"


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.timezone.utc)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def set_live_dates(page, published, reviewed=None):
    """Give the live row these dates (as if published and reviewed then)."""
    fields = {"last_published_at": published}
    if reviewed is not None:
        fields["last_reviewed"] = reviewed
    type(page).objects.filter(pk=page.pk).update(**fields)


def parse_sitemap(content):
    """``{location: {"lastmod": str, "alternates": {hreflang: href}}}``."""
    root = ET.fromstring(content)  # noqa: S314 (our own response)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        location = url.findtext("sm:loc", namespaces=NS)
        assert location not in entries, f"{location} listed twice"
        entries[location] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("xhtml:link", NS)
            },
        }
    return entries


@SITEMAP_URLS
class TestSitemap(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root, cls.home = make_site_tree()
        cls.fr = Locale.objects.create(language_code="fr")
        therapist = make_therapist()
        cls.index = publish(make_condition_index(cls.home, slug="conditions"))

        def article(slug, **kwargs):
            return publish(
                make_condition_page(
                    cls.index, title=slug, slug=slug, reviewed_by=therapist, **kwargs
                )
            )

        # Reviewed after its last publication: the review date wins.
        cls.reviewed_later = article("reviewed-later")
        set_live_dates(cls.reviewed_later, at(2025, 1, 10), datetime.date(2025, 6, 1))
        # Published after its last review: the publication wins.
        cls.published_later = article("published-later")
        set_live_dates(cls.published_later, at(2025, 9, 15), datetime.date(2025, 3, 1))
        cls.never_reviewed = article("never-reviewed")
        set_live_dates(cls.never_reviewed, at(2025, 4, 20))

        # Hidden: never published, unpublished, private (and its child).
        cls.draft = make_condition_page(cls.index, title="Draft", slug="draft")
        cls.draft.live = False
        cls.draft.save()
        cls.unpublished = article("unpublished")
        cls.unpublished.unpublish()
        cls.private = article("private")
        PageViewRestriction.objects.create(
            page=cls.private,
            restriction_type=PageViewRestriction.PASSWORD,
            password="x",
        )
        # A clinic page outside the site's tree.
        elsewhere = root.add_child(instance=Page(title="Elsewhere", slug="elsewhere"))
        make_condition_page(
            make_condition_index(elsewhere, slug="other-conditions"),
            slug="outside",
        )

        massage_index = publish(make_massage_type_index(cls.home, slug="massage"))
        cls.massage = publish(make_massage_type(massage_index, slug="sports"))
        set_live_dates(cls.massage, at(2025, 2, 2))

        # French: the reviewed article, published, with its own dates; the
        # other article translated but left a draft (copy_for_translation
        # does not publish).
        fr_article = cls.reviewed_later.copy_for_translation(cls.fr, copy_parents=True)
        fr_article.slug = "revu-plus-tard"
        fr_article.save()
        cls.fr_article = publish(fr_article)
        set_live_dates(cls.fr_article, at(2025, 5, 5), datetime.date(2025, 7, 2))
        cls.fr_draft = cls.published_later.copy_for_translation(cls.fr)

        # The booking page and its French translation.
        cls.booking = publish(make_request_page(cls.home))
        fr_booking = cls.booking.copy_for_translation(cls.fr, copy_parents=True)
        fr_booking.slug = "rendez-vous"
        fr_booking.save()
        publish(fr_booking)

    def setUp(self):
        # LocaleMiddleware activates a language per request: restore it.
        self.addCleanup(translation.activate, translation.get_language())

    def get_sitemap(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        return parse_sitemap(response.content)

    def test_live_public_pages_with_review_based_lastmod(self):
        entries = self.get_sitemap()
        self.assertEqual(
            entries[f"{BASE}/conditions/reviewed-later/"]["lastmod"], "2025-06-01"
        )
        self.assertEqual(
            entries[f"{BASE}/conditions/published-later/"]["lastmod"], "2025-09-15"
        )
        self.assertEqual(
            entries[f"{BASE}/conditions/never-reviewed/"]["lastmod"], "2025-04-20"
        )
        # Pages without a review date keep Wagtail's lastmod.
        self.assertEqual(entries[f"{BASE}/massage/sports/"]["lastmod"], "2025-02-02")
        self.assertIn(f"{BASE}/conditions/", entries)

    def test_french_translation_listed_at_its_own_url(self):
        entries = self.get_sitemap()
        french = f"{BASE}/fr/conditions/revu-plus-tard/"
        english = f"{BASE}/conditions/reviewed-later/"
        self.assertEqual(self.fr_article.get_full_url(), french)
        self.assertEqual(entries[french]["lastmod"], "2025-07-02")
        expected = {"en": english, "fr": french, "x-default": english}
        self.assertEqual(entries[french]["alternates"], expected)
        self.assertEqual(entries[english]["alternates"], expected)
        # A page without a translation has no alternates.
        self.assertEqual(
            entries[f"{BASE}/conditions/never-reviewed/"]["alternates"], {}
        )

    def test_the_booking_page_is_listed_in_both_languages(self):
        entries = self.get_sitemap()
        english, french = f"{BASE}/book/", f"{BASE}/fr/rendez-vous/"
        self.assertEqual(
            entries[english]["alternates"],
            {"en": english, "fr": french, "x-default": english},
        )
        self.assertIn(french, entries)

    def test_hidden_pages_never_listed(self):
        locations = set(self.get_sitemap())
        for slug in ("draft", "unpublished", "private", "outside"):
            self.assertFalse(
                [loc for loc in locations if slug in loc], f"{slug} is listed"
            )
        # The French draft neither; the French index (a live alias that
        # copy_for_translation made) is a live page like any other.
        self.assertEqual(
            sorted(loc for loc in locations if "/fr/" in loc),
            [
                f"{BASE}/fr/conditions/",
                f"{BASE}/fr/conditions/revu-plus-tard/",
                f"{BASE}/fr/rendez-vous/",
            ],
        )
        self.assertNotIn(f"{BASE}/fr/conditions/published-later/", locations)

    def test_a_newer_review_in_a_draft_does_not_leak(self):
        page = ConditionPage.objects.get(pk=self.published_later.pk)
        page.last_reviewed = datetime.date(2025, 11, 20)
        page.save_revision()
        self.assertTrue(ConditionPage.objects.get(pk=page.pk).has_unpublished_changes)
        entries = self.get_sitemap()
        self.assertEqual(
            entries[f"{BASE}/conditions/published-later/"]["lastmod"], "2025-09-15"
        )

    def test_a_newer_review_when_published_shows(self):
        page = ConditionPage.objects.get(pk=self.published_later.pk)
        page.last_reviewed = datetime.date(2025, 11, 20)
        page.save_revision().publish()
        set_live_dates(page, at(2025, 10, 1))
        entries = self.get_sitemap()
        self.assertEqual(
            entries[f"{BASE}/conditions/published-later/"]["lastmod"], "2025-11-20"
        )


class TestSitemapLastmod:
    def test_later_of_the_two_in_both_orders(self):
        published = at(2025, 3, 1, hour=23)
        self.assert_day(sitemap_lastmod(published, datetime.date(2025, 3, 2)), 2)
        self.assert_day(sitemap_lastmod(published, datetime.date(2025, 2, 1)), 1)
        # The same day: the publication time, a datetime like the others.
        assert sitemap_lastmod(published, datetime.date(2025, 3, 1)) is published
        assert sitemap_lastmod(published, None) is published
        assert sitemap_lastmod(None, None) is None
        only_review = sitemap_lastmod(None, datetime.date(2025, 3, 4))
        assert timezone.is_aware(only_review)
        self.assert_day(only_review, 4)

    @staticmethod
    def assert_day(value, day):
        assert isinstance(value, datetime.datetime)
        assert timezone.localdate(value) == datetime.date(2025, 3, day)


def add_articles(index, fr, therapist, start, count):
    """``count`` reviewed articles, each with a live French translation."""
    for n in range(start, start + count):
        page = publish(
            make_condition_page(
                index,
                title=f"Article {n}",
                slug=f"article-{n}",
                reviewed_by=therapist,
                last_reviewed=datetime.date(2025, 1, 1),
            )
        )
        translated = page.copy_for_translation(fr, copy_parents=True)
        translated.slug = f"article-fr-{n}"
        translated.save()
        publish(translated)


@pytest.mark.django_db
@SITEMAP_URLS
def test_sitemap_queries_do_not_grow_with_pages(client, django_assert_max_num_queries):
    _, home = make_site_tree()
    fr = Locale.objects.create(language_code="fr")
    therapist = make_therapist()
    index = publish(make_condition_index(home, slug="conditions"))
    add_articles(index, fr, therapist, 0, 3)
    client.get("/sitemap.xml")  # warm the site root paths cache
    with CaptureQueriesContext(connection) as small:
        entries = parse_sitemap(client.get("/sitemap.xml").content)
    assert sum("/fr/conditions/article-fr-" in loc for loc in entries) == 3

    add_articles(index, fr, therapist, 3, 27)
    with django_assert_max_num_queries(len(small)):
        entries = parse_sitemap(client.get("/sitemap.xml").content)
    assert sum("/fr/conditions/article-fr-" in loc for loc in entries) == 30
    assert sum("/conditions/article-" in loc for loc in entries) == 60


# --- The example site ---------------------------------------------------------

EXAMPLE_SITEMAP = """
import json
from django.test import Client
from django.utils import timezone
from wagtail_clinic.models import ConditionPage
response = Client().get("/sitemap.xml")
article = ConditionPage.objects.get(slug="back-pain", locale__language_code="en")
print(json.dumps({
    "status": response.status_code,
    "xml": response.content.decode(),
    "article_url": article.full_url,
    "last_published": timezone.localdate(article.last_published_at).isoformat(),
    "last_reviewed": article.last_reviewed.isoformat(),
}))
"""


def test_example_site_serves_the_sitemap(tmp_path):
    run = example_manage(example_env(tmp_path))
    run("migrate", "--noinput")
    run("load_demo_content")
    output = run("shell", "--no-imports", "-c", EXAMPLE_SITEMAP)
    result = json.loads(output.strip().splitlines()[-1])
    assert result["status"] == 200
    entries = parse_sitemap(result["xml"].encode())
    article = entries[result["article_url"]]
    assert article["lastmod"] == max(result["last_published"], result["last_reviewed"])
    assert article["alternates"]["fr"].endswith("/fr/affections/mal-de-dos/")
    assert article["alternates"]["fr"] in entries
