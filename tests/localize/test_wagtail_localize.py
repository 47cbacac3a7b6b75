"""The reference article translated into French through wagtail-localize.

As a translator using wagtail-localize's editor would: the English article
(every kind of article block), its clinic and one massage type become
translation sources, wagtail-localize extracts their segments, each string
gets a French ``StringTranslation`` (filled here instead of typed in its
editor), and the translations are published. The French article must then
show the French text of every block, the French clinic (a snippet chooser:
translated by wagtail-localize) and the French massage type (a page chooser:
wagtail-localize keeps the English page there, and the app shows its
translation in the page's locale).

Runs only under tests.settings_localize (scripts/test.sh runs it apart from
the main suite); skips, saying why, when wagtail-localize is not installed.
"""

import importlib.util

import pytest


if importlib.util.find_spec("wagtail_localize") is None:
    pytest.skip(
        "wagtail-localize is not installed: pip install 'wagtail-localize>=1.14,<2' "
        "(it is in the 'testing' extra) to run tests/localize/",
        allow_module_level=True,
    )

from django.test import TestCase
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

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
from wagtail_clinic.models import Clinic, ConditionPage, MassageTypePage


# English source string -> French. Strings not listed (phone numbers,
# postal codes, names) are "translated" as themselves, as a translator
# leaves them.
FRENCH = {
    # The article's own fields.
    "Relief From Pain In The Back": "Soulager le mal de dos",
    "relief-from-pain-in-the-back": "soulager-le-mal-de-dos",
    "Back pain": "Mal de dos",
    "How massage for back pain works, and how often to book it.": (
        "Comment le massage soulage le dos, et à quel rythme réserver."
    ),
    # Heading, paragraph (rich text: the link text is its own segment).
    "How massage helps": "Comment le massage aide",
    'Massage eases back pain; read about <a id="a1">Sports massage</a> (1).': (
        'Le massage soulage le dos ; lisez <a id="a1">Massage sportif</a> (1).'
    ),
    # Key fact.
    "85%": "85 %",
    "of adults will suffer from back pain.": "des adultes auront mal au dos.",
    "National back pain survey": "Enquête nationale sur le mal de dos",
    "Which massage?": "Quel massage ?",
    # Massage types.
    "Types of massage for back pain": "Les types de massage contre le mal de dos",
    "Three kinds help most.": "Trois types aident le plus.",
    # Benefits.
    "Health benefits": "Les bienfaits",
    "Less tension": "Moins de tensions",
    "Muscles relax.": "Les muscles se détendent.",
    "Better sleep": "Un meilleur sommeil",
    "You rest more.": "Vous vous reposez mieux.",
    # Frequency.
    "How often?": "À quel rythme ?",
    "Every 2 to 3 weeks": "Toutes les 2 à 3 semaines",
    "Weekly at first.": "Chaque semaine au début.",
    # FAQ.
    "Questions": "Questions fréquentes",
    "Does it hurt?": "Est-ce que ça fait mal ?",
    "It should not.": "Ça ne devrait pas.",
    # Image, quote, booking call to action, references.
    "A therapist massaging a lower back": "Une thérapeute masse le bas du dos",
    "Deep tissue massage": "Massage des tissus profonds",
    "I can garden again.": "Je peux de nouveau jardiner.",
    "A patient": "Une patiente",
    "Book an appointment": "Prendre rendez-vous",
    "Now booking new appointments!": "Nous prenons de nouveaux rendez-vous !",
    "Sources": "Sources",
    "Massage for low back pain": "Le massage contre la lombalgie",
    # The clinic (a snippet) and the massage type page.
    "Southside Massage Clinic": "Clinique de massothérapie Southside",
    "Edmonton South": "Edmonton-Sud",
    "Sports massage": "Massage sportif",
    "sports-massage": "massage-sportif",
    "Targets the muscles you use in your sport.": (
        "Cible les muscles que vous sollicitez dans votre sport."
    ),
}


def as_saved_by_the_editor(body):
    """``body`` (raw data) stored as the page editor stores it.

    tests.utils.article_body writes list items in the short form (a plain
    list of values) and leaves some optional texts out; the editor saves list
    items as ``{"type": "item", "value": ..., "id": ...}`` and empty texts as
    "". wagtail-localize extracts list items only in the editor's form (see
    test_list_items_in_the_short_form_are_not_extracted) and fails on a text
    stored as null (see OptionalTextStoredAsNullTests).
    """
    for block in body:
        if block["type"] == "heading":
            block["value"].setdefault("anchor", "")
    stream_block = ConditionPage._meta.get_field("body").stream_block
    value = stream_block.to_python(body)
    for _child in value:  # Bind every child: its prep value is then normalised.
        pass
    return value.get_prep_value()


def translate(testcase, instance, locale):
    """Translate ``instance`` into ``locale`` with wagtail-localize; publish it.

    Returns the translation source and the published translated instance.
    wagtail-localize publishes a page once the transaction commits (which a
    TestCase's never does): ``testcase.captureOnCommitCallbacks`` runs it.
    """
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    for segment in StringSegment.objects.filter(source=source).select_related(
        "string", "context"
    ):
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            data=FRENCH.get(segment.string.data, segment.string.data),
        )
    translation = Translation.objects.create(source=source, target_locale=locale)
    with testcase.captureOnCommitCallbacks(execute=True):
        translation.save_target(publish=True)
    return source, translation.get_target_instance()


class ArticleTranslatedWithWagtailLocalizeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.french = Locale.objects.create(language_code="fr")
        _root, cls.home = make_site_tree()
        cls.clinic = make_clinic()
        set_default_clinic(cls.home.get_site(), cls.clinic)
        conditions = make_condition_index(cls.home)
        massage_types = make_massage_type_index(cls.home)
        cls.sports = make_massage_type(massage_types)
        cls.article = make_condition_page(
            conditions,
            body=as_saved_by_the_editor(
                article_body(
                    image=make_image(),
                    clinic=cls.clinic,
                    massage_types=[cls.sports],
                    link_page=cls.sports,
                )
            ),
        )
        cls.article.save_revision().publish()

        # The clinic first: the article's booking block chooses it.
        cls.clinic_source, cls.french_clinic = translate(cls, cls.clinic, cls.french)
        cls.sports_source, cls.french_sports = translate(cls, cls.sports, cls.french)
        cls.source, cls.french_article = translate(cls, cls.article, cls.french)

    def test_segments_are_extracted_from_every_text_block(self):
        strings = set(
            StringSegment.objects.filter(source=self.source).values_list(
                "string__data", flat=True
            )
        )
        for text in [
            "How massage helps",  # heading
            # Paragraph rich text: a link stays inside its sentence.
            'Massage eases back pain; read about <a id="a1">Sports massage</a> (1).',
            "of adults will suffer from back pain.",  # key fact
            "Types of massage for back pain",  # massage types
            "Less tension",  # benefits
            "Every 2 to 3 weeks",  # frequency
            "Does it hurt?",  # FAQ question
            "It should not.",  # FAQ answer (rich text)
            "A therapist massaging a lower back",  # image alt text
            "I can garden again.",  # quote
            "Now booking new appointments!",  # booking call to action
            "Massage for low back pain",  # references
        ]:
            self.assertIn(text, strings)
        # Choices, numbers, URLs and chosen objects are not strings to
        # translate (they are synchronised or related-object segments).
        self.assertNotIn("disclaimer", strings)
        self.assertNotIn("https://health.example/back-pain", strings)

    def test_french_article_is_a_published_translation(self):
        french = self.french_article
        self.assertIsInstance(french, ConditionPage)
        self.assertEqual(french.locale, self.french)
        self.assertEqual(french.translation_key, self.article.translation_key)
        self.assertTrue(french.live)
        self.assertEqual(french.title, "Soulager le mal de dos")
        self.assertEqual(french.slug, "soulager-le-mal-de-dos")
        # The parents were copied into French as aliases of the English pages.
        self.assertEqual(french.get_parent().locale, self.french)

    def test_french_article_renders_the_translated_segments(self):
        french = self.french_article
        url = french.get_url()
        self.assertTrue(url.startswith("/fr/"), url)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('<html lang="fr"', html)
        for text in [
            "Soulager le mal de dos",
            "Comment le massage aide",
            "Le massage soulage le dos ; lisez",
            "Massage sportif</a> (1).",
            "85 %",
            "des adultes auront mal au dos.",
            "Les types de massage contre le mal de dos",
            "Moins de tensions",
            "Toutes les 2 à 3 semaines",
            "Est-ce que ça fait mal ?",
            "Ça ne devrait pas.",
            "Une thérapeute masse le bas du dos",
            "Je peux de nouveau jardiner.",
            "Nous prenons de nouveaux rendez-vous !",
            "Le massage contre la lombalgie",
        ]:
            self.assertIn(text, html)
        for english in ["How massage helps", "Every 2 to 3 weeks", "Less tension"]:
            self.assertNotIn(english, html)

    def test_snippet_chooser_is_translated_page_chooser_is_synchronised(self):
        booking = next(
            b for b in self.french_article.body if b.block_type == "booking_cta"
        )
        # wagtail-localize swaps a chosen translatable snippet for its
        # translation (a related-object segment) ...
        self.assertEqual(self.french_clinic.name, "Clinique de massothérapie Southside")
        self.assertEqual(booking.value["clinic"].pk, self.french_clinic.pk)
        self.assertIsInstance(booking.value["clinic"], Clinic)
        # ... but keeps a chosen page as it is (an overridable segment): the
        # French article stores the English massage type ...
        stored = self.french_article.body.raw_data
        chosen = next(b for b in stored if b["type"] == "massage_types")
        self.assertEqual(chosen["value"]["items"][0]["value"]["page"], self.sports.pk)
        # ... and the page shows its French translation, with its French URL.
        html = self.client.get(self.french_article.get_url()).content.decode()
        self.assertIn(self.french_sports.get_url(), html)
        self.assertIn("Massage sportif", html)
        self.assertIn("Clinique de massothérapie Southside", html)

    def test_english_article_is_unchanged(self):
        response = self.client.get(self.article.get_url())
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('<html lang="en"', html)
        self.assertIn("How massage helps", html)
        self.assertNotIn("Comment le massage aide", html)
        self.assertEqual(
            MassageTypePage.objects.get(pk=self.sports.pk).title, "Sports massage"
        )
        self.assertEqual(Page.objects.filter(locale=self.french).live().count(), 5)


class ListItemsInTheShortFormTests(TestCase):
    def test_list_items_in_the_short_form_are_not_extracted(self):
        # Raw data with list items as plain values (as the API, scripts and
        # content older than Wagtail 2.16 may store them): wagtail-localize
        # skips those lists, so their texts stay in the source language
        # until an editor saves the page once.
        _root, home = make_site_tree()
        article = make_condition_page(
            home,
            body=[
                {
                    "type": "benefits",
                    "value": {
                        "heading": "Health benefits",
                        "intro": "",
                        "items": [{"title": "Less tension", "description": "Ok."}],
                    },
                }
            ],
        )
        source, _created = TranslationSource.get_or_create_from_instance(article)
        strings = set(
            StringSegment.objects.filter(source=source).values_list(
                "string__data", flat=True
            )
        )
        self.assertIn("Health benefits", strings)
        self.assertNotIn("Less tension", strings)


class OptionalTextStoredAsNullTests(TestCase):
    """A struct saved without an optional text's key (raw API data, imports,
    older revisions) reads as "" (blocks/text.py), which wagtail-localize
    1.14 can extract: a null crashed it (wagtail/wagtail-localize#918, #690)."""

    def test_heading_without_anchor_key_can_be_submitted(self):
        _root, home = make_site_tree()
        article = make_condition_page(
            home,
            body=[{"type": "heading", "value": {"text": "Why", "level": "2"}}],
        )
        source, _created = TranslationSource.get_or_create_from_instance(article)
        strings = StringSegment.objects.filter(source=source)
        self.assertIn("Why", strings.values_list("string__data", flat=True))


class MassageTypeConditionsAcrossLocalesTests(
    ArticleTranslatedWithWagtailLocalizeTests
):
    """What a massage type lists as its ``conditions`` after the translation."""

    # The inherited tests ran above already.
    test_segments_are_extracted_from_every_text_block = None
    test_french_article_is_a_published_translation = None
    test_french_article_renders_the_translated_segments = None
    test_snippet_chooser_is_translated_page_chooser_is_synchronised = None
    test_english_article_is_unchanged = None

    def test_each_language_lists_its_own_articles(self):
        def conditions(page):
            return sorted(
                MassageTypePage.objects.get(pk=page.pk).conditions.values_list(
                    "locale__language_code", flat=True
                )
            )

        self.assertEqual(conditions(self.sports), ["en"])
        self.assertEqual(conditions(self.french_sports), ["fr"])
