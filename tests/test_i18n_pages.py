"""Pages in the visitor's language (issue 16): a French article and its English original.

The French article is a Wagtail translation (``copy_for_translation``) served
under ``/fr/`` (``i18n_patterns``): its blocks are French, the clinic and
massage types it chose (English objects, as the copy keeps them) are shown in
their French translations, else in English; both versions link each other
with ``hreflang`` and carry their language in ``<html lang>`` and JSON-LD.
"""

import json
import re

from django.conf.urls.i18n import i18n_patterns
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import translation
from wagtail import urls as wagtail_urls
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from tests.settings import MIDDLEWARE
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
from wagtail_clinic.serialisation.translations import (
    active_locale,
    default_locale,
    in_locale,
    live_translations,
)


urlpatterns = i18n_patterns(path("", include(wagtail_urls)))

I18N_URLS = override_settings(
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        *MIDDLEWARE[:2],
        "django.middleware.locale.LocaleMiddleware",
        *MIDDLEWARE[2:],
    ],
)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@I18N_URLS
class FrenchArticleTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.en = Locale.get_default()
        cls.fr = Locale.objects.create(language_code="fr")
        cls.clinic = make_clinic(name="Southside Massage Clinic")
        set_default_clinic(cls.home.get_site(), cls.clinic)
        cls.clinic_fr = cls.clinic.copy_for_translation(cls.fr)
        cls.clinic_fr.name = "Clinique de massage Southside"
        cls.clinic_fr.save()
        index = make_condition_index(cls.home)
        massage_index = make_massage_type_index(cls.home)
        cls.massages = [
            make_massage_type(
                massage_index,
                title=f"Massage {n}",
                slug=f"massage-{n}",
                image=make_image(),
            )
            for n in range(6)
        ]
        cls.article = make_condition_page(
            index,
            body=article_body(
                image=make_image(),
                clinic=cls.clinic,
                massage_types=cls.massages[:2],
                link_page=cls.massages[0],
            ),
            slug="back-pain",
        )
        # The French article; its massage types: the first one translated.
        fr_article = cls.article.copy_for_translation(cls.fr, copy_parents=True)
        fr_article.title = "Soulager le mal de dos"
        fr_article.body = [
            {"type": "paragraph", "value": "<p>Le massage soulage le dos.</p>"},
            *article_body(
                image=make_image(),
                clinic=cls.clinic,
                massage_types=cls.massages[:2],
                link_page=cls.massages[0],
            ),
        ]
        fr_article.save()
        cls.fr_article = publish(fr_article)
        massage_fr = cls.massages[0].copy_for_translation(cls.fr, copy_parents=True)
        massage_fr.title = "Massage suédois"
        massage_fr.save()
        cls.massage_fr = publish(massage_fr)

    def setUp(self):
        # LocaleMiddleware activates the language of each URL for the thread:
        # give the next tests back the language they started with.
        self.addCleanup(translation.activate, translation.get_language())

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()


class TestFrenchArticle(FrenchArticleTestCase):
    def test_served_at_its_own_url_with_french_blocks(self):
        self.assertTrue(self.fr_article.url.startswith("/fr/"))
        self.assertTrue(self.article.url.startswith("/en/"))
        html = self.get(self.fr_article.url)
        self.assertIn("Soulager le mal de dos", html)
        self.assertIn("Le massage soulage le dos.", html)
        self.assertIn('<html lang="fr"', html)
        self.assertIn('<html lang="en"', self.get(self.article.url))

    def test_french_clinic_details_and_english_fallback(self):
        html = self.get(self.fr_article.url)
        self.assertIn("Clinique de massage Southside", html)
        self.assertNotIn("Southside Massage Clinic", html)
        # Massage 0 has a French translation, massage 1 not: shown in English.
        self.assertIn("Massage suédois", html)
        self.assertIn(f'href="{self.massage_fr.url}"', html)
        self.assertIn("Massage 1", html)
        english = self.get(self.article.url)
        self.assertIn("Southside Massage Clinic", english)
        self.assertNotIn("Massage suédois", english)

    def test_hreflang_links_both_ways(self):
        en_url = self.article.full_url
        fr_url = self.fr_article.full_url
        self.assertTrue(en_url.startswith("http"))
        for page in (self.article, self.fr_article):
            html = self.get(page.url)
            self.assertIn(f'<link rel="alternate" hreflang="en" href="{en_url}">', html)
            self.assertIn(f'<link rel="alternate" hreflang="fr" href="{fr_url}">', html)
            self.assertIn(
                f'<link rel="alternate" hreflang="x-default" href="{en_url}">', html
            )

    def test_no_hreflang_for_a_draft_translation(self):
        self.fr_article.unpublish()
        html = self.get(self.article.url)
        self.assertNotIn("hreflang", html)

    def test_json_ld_in_language(self):
        for page, language in ((self.article, "en"), (self.fr_article, "fr")):
            html = self.get(page.url)
            scripts = re.findall(
                r'<script type="application/ld\+json">(.*?)</script>', html, re.S
            )
            entities = (
                [e for s in scripts for e in json.loads(s)["@graph"]]
                if any("@graph" in json.loads(s) for s in scripts)
                else [json.loads(s) for s in scripts]
            )
            flat = []
            for entity in entities:
                flat.extend(entity if isinstance(entity, list) else [entity])
            web_pages = [e for e in flat if e.get("@type") == "MedicalWebPage"]
            self.assertTrue(web_pages, html)
            self.assertEqual(web_pages[0]["inLanguage"], language)

    def test_french_page_never_gets_the_english_fragment(self):
        with override_settings(WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE": True}):
            english = self.get(self.article.url)
            self.get(self.article.url)  # From the fragment cache.
            french = self.get(self.fr_article.url)
            french_again = self.get(self.fr_article.url)
        self.assertIn("Southside Massage Clinic", english)
        for html in (french, french_again):
            self.assertIn("Soulager le mal de dos", html)
            self.assertIn("Clinique de massage Southside", html)
            self.assertNotIn("Southside Massage Clinic", html)
            self.assertNotIn("Relief From Pain In The Back", html)


class TestQueries(FrenchArticleTestCase):
    def count(self, url):
        self.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.get(url)
        return len(queries)

    def test_no_query_growth_per_chosen_item(self):
        few = self.count(self.fr_article.url)
        body = [
            {"type": "paragraph", "value": "<p>Le massage soulage le dos.</p>"},
            *article_body(
                image=make_image(),
                clinic=self.clinic,
                massage_types=self.massages,
                link_page=self.massages[3],
                paragraphs=6,
            ),
        ]
        self.fr_article.body = body
        publish(self.fr_article)
        many = self.count(self.fr_article.url)
        self.assertEqual(few, many)


class TestTranslationHelpers(FrenchArticleTestCase):
    def test_in_locale(self):
        with self.assertNumQueries(0):
            self.assertEqual(in_locale(self.clinic, self.en), self.clinic)
        self.assertEqual(in_locale(self.clinic, self.fr), self.clinic_fr)
        self.assertEqual(in_locale(self.massages[1], self.fr), self.massages[1])
        self.assertEqual(in_locale(self.massages[0], self.fr).pk, self.massage_fr.pk)

    def test_live_translations(self):
        with self.assertNumQueries(1):
            pairs = live_translations(self.article)
        self.assertEqual(
            [(locale.language_code, page.pk) for locale, page in pairs],
            [("en", self.article.pk), ("fr", self.fr_article.pk)],
        )

    def test_live_translations_are_loaded_once_per_page_instance(self):
        # The hreflang links and a language switcher share the one query.
        with self.assertNumQueries(1):
            first = live_translations(self.article)
            again = live_translations(self.article)
        self.assertEqual(again, first)
        again.clear()  # A copy: callers cannot change what is kept.
        self.assertEqual(len(live_translations(self.article)), 2)
        fresh = Page.objects.get(pk=self.article.pk)
        with self.assertNumQueries(1):
            live_translations(fresh)

    def test_active_and_default_locale_are_cached(self):
        with translation.override("fr"):
            self.assertEqual(active_locale(), self.fr)
            with self.assertNumQueries(0):
                active_locale()
                self.assertEqual(default_locale(), self.en)
