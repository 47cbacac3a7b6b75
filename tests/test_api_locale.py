"""The locale-aware API (issue 16): ``?locale=``, by-path per locale, the
translations of a page detail, and caches that never mix languages."""

from django.conf import settings
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.utils import translation
from wagtail.models import Locale

from tests.test_api_endpoints import API, ClinicContentMixin, ProblemAssertions
from wagtail_clinic.api.listings import ClinicConditionList, ClinicMassageTypeList
from wagtail_clinic.api.locales import (
    language_prefix,
    requested_language,
    requested_locale,
)
from wagtail_clinic.models import ConditionPage, MassageTypePage
from wagtail_clinic.models.api_fields import ClinicTranslation
from wagtail_clinic.public_input.problems import Problem
from wagtail_clinic.serialisation import cache


#: The representation cache on, with a cache of its own.
CACHE_ON = override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "api-values": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-api-locale",
        },
    },
    WAGTAIL_CLINIC={
        "API_REPRESENTATION_CACHE": True,
        "API_REPRESENTATION_CACHE_ALIAS": "api-values",
    },
)


def vary(response):
    return {value.strip().lower() for value in response.get("Vary", "").split(",")}


class TestRequestedLanguage(SimpleTestCase):
    factory = RequestFactory()

    def test_a_content_language_code(self):
        for value in ("fr", "FR", "en"):
            with self.subTest(value=value):
                request = self.factory.get("/", {"locale": value})
                self.assertEqual(requested_language(request), value.lower())

    def test_an_unknown_code_is_a_400_about_locale(self):
        for value in ("de", "fr-xx", "français"):
            with self.subTest(value=value):
                request = self.factory.get("/", {"locale": value})
                with self.assertRaises(Problem) as raised:
                    requested_language(request)
                self.assertEqual(raised.exception.status, 400)
                self.assertEqual(
                    [error["loc"] for error in raised.exception.errors],
                    [["query", "locale"]],
                )

    def test_default_is_the_active_language_then_the_default_one(self):
        request = self.factory.get("/")
        self.assertEqual(requested_language(request), "en")
        with translation.override("fr"):
            self.assertEqual(requested_language(request), "fr")
        with translation.override("fr-ca"):
            self.assertEqual(requested_language(request), "fr")
        with translation.override("de"):
            self.assertEqual(requested_language(request), "en")
        # An empty ?locale= is no choice (Wagtail's filter ignores it too).
        self.assertEqual(requested_language(self.factory.get("/?locale=")), "en")

    @override_settings(WAGTAIL_I18N_ENABLED=False)
    def test_without_translations_no_locale_unless_asked(self):
        self.assertIsNone(requested_language(self.factory.get("/")))
        self.assertEqual(requested_language(self.factory.get("/?locale=fr")), "fr")

    def test_language_prefix(self):
        self.assertEqual(language_prefix(["fr", "conditions"]), ("fr", ["conditions"]))
        self.assertEqual(language_prefix(["conditions"]), (None, ["conditions"]))
        self.assertEqual(language_prefix(["FR", "x"]), (None, ["FR", "x"]))
        self.assertEqual(language_prefix([]), (None, []))


class BilingualContentMixin(ClinicContentMixin):
    """The clinic content, with the home page, the condition index, "Neck
    pain", the massage type index and "Shiatsu" translated into French."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.french = Locale.objects.get_or_create(language_code="fr")[0]
        cls.fr = {}
        for name, title in (
            ("home", "Accueil"),
            ("condition_index", "Affections traitées"),
            ("neck_pain", "Douleur au cou"),
            ("massage_index", "Types de massage"),
            ("shiatsu", "Shiatsu (fr)"),
        ):
            page = getattr(cls, name).copy_for_translation(cls.french)
            page.title = title
            page.save_revision().publish()
            cls.fr[name] = page.specific_class.objects.get(pk=page.pk)
        # The French massage type helps the French article.
        french_shiatsu = MassageTypePage.objects.get(pk=cls.fr["shiatsu"].pk)
        french_shiatsu.conditions.set([cls.fr["neck_pain"]])
        french_shiatsu.save_revision().publish()

    def english_ids(self):
        return {
            self.back_pain.pk,
            self.neck_pain.pk,
            self.shiatsu.pk,
            self.sports.pk,
        }


class TestListingsInOneLocale(ProblemAssertions, BilingualContentMixin, TestCase):
    def conditions(self, **params):
        headers = {k: params.pop(k) for k in list(params) if k.startswith("HTTP_")}
        response = self.client.get(f"{API}/conditions/", params, **headers)
        self.assertEqual(response.status_code, 200, response.content)
        return response, ClinicConditionList.model_validate(response.json())

    def massage_types(self, **params):
        response = self.client.get(f"{API}/massage-types/", params)
        self.assertEqual(response.status_code, 200, response.content)
        return response, ClinicMassageTypeList.model_validate(response.json())

    def test_english_by_default_never_a_french_card(self):
        response, listing = self.conditions()
        self.assertEqual(
            [card.id for card in listing.items], [self.neck_pain.pk, self.back_pain.pk]
        )
        self.assertEqual(response["Content-Language"], "en")
        _, types = self.massage_types()
        self.assertEqual(
            [card.id for card in types.items], [self.shiatsu.pk, self.sports.pk]
        )
        for card in types.items:
            self.assertLessEqual(
                {c.id for c in card.conditions}, {self.neck_pain.pk, self.back_pain.pk}
            )

    def test_locale_fr_lists_only_french_pages(self):
        response, listing = self.conditions(locale="fr")
        self.assertEqual(listing.count, 1)
        self.assertEqual([card.id for card in listing.items], [self.fr["neck_pain"].pk])
        self.assertEqual(listing.items[0].title, "Douleur au cou")
        self.assertEqual(response["Content-Language"], "fr")
        # Asked for by the URL: the body does not vary with the headers.
        self.assertNotIn("accept-language", vary(response))
        _, types = self.massage_types(locale="fr")
        self.assertEqual([card.id for card in types.items], [self.fr["shiatsu"].pk])
        card = types.items[0]
        self.assertEqual([c.id for c in card.conditions], [self.fr["neck_pain"].pk])
        self.assertEqual(card.conditions_count, 1)
        self.assertIn("locale=fr", card.conditions_url)

    def test_filters_stay_in_the_locale(self):
        _, listing = self.conditions(locale="fr", massage_type=self.fr["shiatsu"].pk)
        self.assertEqual([card.id for card in listing.items], [self.fr["neck_pain"].pk])
        # An English massage type is not one of the French listing's.
        self.assert_problem(
            self.client.get(
                f"{API}/conditions/", {"locale": "fr", "massage_type": self.sports.pk}
            ),
            422,
            loc=["query", "massage_type"],
        )
        _, types = self.massage_types(locale="fr", condition="neck-pain")
        self.assertEqual([card.id for card in types.items], [self.fr["shiatsu"].pk])

    @override_settings(
        MIDDLEWARE=[
            *settings.MIDDLEWARE[:2],
            "django.middleware.locale.LocaleMiddleware",
            *settings.MIDDLEWARE[2:],
        ]
    )
    def test_the_negotiated_language_is_the_default_and_varies(self):
        response, listing = self.conditions(HTTP_ACCEPT_LANGUAGE="fr")
        self.assertEqual([card.id for card in listing.items], [self.fr["neck_pain"].pk])
        self.assertEqual(response["Content-Language"], "fr")
        self.assertLessEqual({"accept-language", "cookie"}, vary(response))
        english, _ = self.conditions(HTTP_ACCEPT_LANGUAGE="en")
        self.assertLessEqual({"accept-language", "cookie"}, vary(english))
        self.assertEqual(english["Content-Language"], "en")
        # One URL, two bodies: two validators, never a 304 across languages.
        self.assertNotEqual(english["ETag"], response["ETag"])
        again = self.client.get(
            f"{API}/conditions/",
            HTTP_IF_NONE_MATCH=english["ETag"],
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["items"][0]["id"], self.fr["neck_pain"].pk)
        # Asked for by the URL: the headers do not matter (LocaleMiddleware
        # still adds its own Vary: Accept-Language, not Cookie).
        asked, listing = self.conditions(locale="fr", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual([card.id for card in listing.items], [self.fr["neck_pain"].pk])
        self.assertEqual(asked["Content-Language"], "fr")
        self.assertNotIn("cookie", vary(asked))

    def test_without_locale_middleware_no_vary_on_language(self):
        # The active language is LANGUAGE_CODE for every request then.
        response, _ = self.conditions()
        self.assertNotIn("accept-language", vary(response))
        self.assertNotIn("cookie", vary(response))
        with translation.override("fr"):
            _, listing = self.conditions()
        self.assertEqual([card.id for card in listing.items], [self.fr["neck_pain"].pk])

    def test_an_unknown_locale_is_a_400(self):
        for url in ("/conditions/", "/massage-types/", "/pages/by-path/?path=/"):
            with self.subTest(url=url):
                joiner = "&" if "?" in url else "?"
                self.assert_problem(
                    self.client.get(f"{API}{url}{joiner}locale=de"),
                    400,
                    loc=["query", "locale"],
                )

    def test_a_repeated_locale_is_refused(self):
        response = self.client.get(f"{API}/conditions/?locale=fr&locale=en")
        self.assert_problem(response, response.status_code, loc=["query", "locale"])


class TestByPathPerLocale(ProblemAssertions, BilingualContentMixin, TestCase):
    def by_path(self, path, **params):
        return self.client.get(f"{API}/pages/by-path/", {"path": path, **params})

    def assert_page(self, response, page, language):
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["id"], page.pk)
        self.assertEqual(response.json()["meta"]["locale"], language)
        self.assertEqual(response["Content-Language"], language)

    def test_without_prefix_the_default_language(self):
        response = self.by_path("/conditions/neck-pain/")
        self.assert_page(response, self.neck_pain, "en")

    def test_with_a_language_prefix_as_i18n_patterns_serves_it(self):
        for path in ("/fr/conditions/neck-pain/", "fr/conditions/neck-pain"):
            with self.subTest(path=path):
                response = self.by_path(path)
                self.assert_page(response, self.fr["neck_pain"], "fr")
                self.assertNotIn("accept-language", vary(response))
        self.assert_page(self.by_path("/fr/"), self.fr["home"], "fr")
        self.assert_page(self.by_path("/en/conditions/"), self.condition_index, "en")

    def test_with_locale(self):
        self.assert_page(
            self.by_path("/conditions/neck-pain/", locale="fr"),
            self.fr["neck_pain"],
            "fr",
        )
        self.assert_page(
            self.by_path("/fr/conditions/neck-pain/", locale="fr"),
            self.fr["neck_pain"],
            "fr",
        )
        self.assert_page(
            self.by_path("/conditions/neck-pain/", locale="en"), self.neck_pain, "en"
        )

    def test_with_the_active_language(self):
        with translation.override("fr"):
            response = self.by_path("/conditions/neck-pain/")
        self.assert_page(response, self.fr["neck_pain"], "fr")

    def test_untranslated_pages_are_404_in_the_other_locale(self):
        for response in (
            self.by_path("/fr/conditions/back-pain/"),
            self.by_path("/conditions/back-pain/", locale="fr"),
            # A prefix contradicting ?locale= is an ordinary (missing) slug.
            self.by_path("/fr/conditions/neck-pain/", locale="en"),
        ):
            self.assert_problem(response, 404, loc=["query", "path"])

    def test_an_unknown_prefix_is_a_slug(self):
        self.assert_problem(self.by_path("/de/conditions/neck-pain/"), 404)


class TestDetailTranslations(BilingualContentMixin, TestCase):
    def translations(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content)
        return [
            ClinicTranslation.model_validate(item)
            for item in response.json()["translations"]
        ]

    def urls(self, page):
        return (
            f"{API}/pages/{page.pk}/",
            f"/api/v3/pages/{page.pk}/",
            f"/api/v2/pages/{page.pk}/",
        )

    def test_a_page_lists_its_live_translations_both_ways(self):
        expected = [
            ("en", "Neck pain", self.neck_pain.pk),
            ("fr", "Douleur au cou", self.fr["neck_pain"].pk),
        ]
        for page in (self.neck_pain, self.fr["neck_pain"]):
            for url in self.urls(page):
                with self.subTest(url=url):
                    translations = self.translations(url)
                    self.assertEqual(
                        [(t.locale, t.title, t.id) for t in translations], expected
                    )
                    for item in translations:
                        self.assertTrue(item.url.startswith("http"), item.url)
                        self.assertTrue(item.url.endswith("/conditions/neck-pain/"))

    def test_an_untranslated_page_lists_itself(self):
        for url in self.urls(self.back_pain):
            with self.subTest(url=url):
                self.assertEqual(
                    [t.id for t in self.translations(url)], [self.back_pain.pk]
                )

    def test_a_french_page_is_served_in_french(self):
        response = self.client.get(f"{API}/pages/{self.fr['neck_pain'].pk}/")
        self.assertEqual(response["Content-Language"], "fr")
        # Its id names it: the body does not vary with the request's language.
        self.assertNotIn("accept-language", vary(response))

    def test_drafts_and_private_translations_are_not_listed(self):
        self.fr["neck_pain"].unpublish()
        self.assertEqual(
            [t.locale for t in self.translations(f"{API}/pages/{self.neck_pain.pk}/")],
            ["en"],
        )

    @CACHE_ON
    def test_publishing_a_translation_refreshes_the_cached_list(self):
        url = f"{API}/pages/{self.neck_pain.pk}/"
        self.assertEqual(len(self.translations(url)), 2)
        self.assertEqual(len(self.translations(url)), 2)  # Warm.
        with self.captureOnCommitCallbacks(execute=True):
            self.fr["neck_pain"].unpublish()
        self.assertEqual([t.locale for t in self.translations(url)], ["en"])
        with self.captureOnCommitCallbacks(execute=True):
            page = ConditionPage.objects.get(pk=self.fr["neck_pain"].pk)
            page.title = "Cou raide"
            page.save_revision().publish()
        self.assertEqual(
            [t.title for t in self.translations(url)], ["Neck pain", "Cou raide"]
        )


@CACHE_ON
class TestCachesNeverMixLanguages(BilingualContentMixin, TestCase):
    def test_no_french_body_for_an_english_url(self):
        english_url = f"{API}/pages/{self.neck_pain.pk}/"
        french_url = f"{API}/pages/{self.fr['neck_pain'].pk}/"
        for _ in range(2):  # Cold, then from the representation cache.
            with translation.override("fr"):
                french = self.client.get(french_url).json()
            english = self.client.get(english_url).json()
            with translation.override("fr"):
                english_asked_in_french = self.client.get(english_url).json()
            self.assertEqual(english["title"], "Neck pain")
            self.assertEqual(english_asked_in_french, english)
            self.assertEqual(french["title"], "Douleur au cou")
            self.assertEqual(french["meta"]["locale"], "fr")

    def test_entries_are_keyed_by_language_and_locale(self):
        page = ConditionPage.objects.get(pk=self.neck_pain.pk)
        keys = set()
        for language in ("en", "fr"):
            with translation.override(language):
                keys.add(cache._entry_key(page, ("-",), ("v",)))
        french = ConditionPage.objects.get(pk=self.fr["neck_pain"].pk)
        keys.add(cache._entry_key(french, ("-",), ("v",)))
        self.assertEqual(len(keys), 3)

    def test_requested_locale_is_the_locale_row(self):
        request = RequestFactory().get("/", {"locale": "fr"})
        self.assertEqual(requested_locale(request), self.french)


class TestChosenConditionsInThePageLocale(BilingualContentMixin, TestCase):
    def conditions(self, page):
        response = self.client.get(f"/api/v3/pages/{page.pk}/")
        self.assertEqual(response.status_code, 200, response.content)
        return [(c["id"], c["title"]) for c in response.json()["conditions"]]

    def test_a_french_massage_type_shows_french_conditions(self):
        french_sports = self.sports.copy_for_translation(self.french)
        french_sports.save_revision().publish()
        # Still choosing the English articles (as a copy made before the
        # articles were translated does).
        french_sports = MassageTypePage.objects.get(pk=french_sports.pk)
        french_sports.conditions.set([self.back_pain, self.neck_pain])
        french_sports.save_revision().publish()
        # Shown in French where a translation exists, else in English.
        self.assertEqual(
            self.conditions(french_sports),
            [
                (self.fr["neck_pain"].pk, "Douleur au cou"),
                (self.back_pain.pk, "Relief From Pain In The Back"),
            ],
        )
        self.assertEqual(
            [c[0] for c in self.conditions(self.sports)],
            [self.neck_pain.pk, self.back_pain.pk],
        )
