"""The message catalogues: French complete and correct, both compiled, nothing missing.

The French catalogue (``wagtail_clinic/locale/fr``) must translate every
string editors and patients see; the English one (``locale/en``) is the
source language's and stays untranslated. Both ship compiled. Regenerate
them from the ``wagtail_clinic`` directory with::

    ../.venv/bin/python -m django makemessages -l fr -l en --settings=tests.settings
    ../.venv/bin/python -m django compilemessages --settings=tests.settings

and translate whatever ``makemessages`` added (see docs/translation.md).
"""

import collections
import datetime
import re
import shutil

from pathlib import Path

import polib
import pytest

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.utils import translation
from wagtail.models import Locale

import wagtail_clinic

from tests.appointment_utils import form_data, make_booking_site
from tests.comment_utils import make_article
from tests.utils import article_body, make_image, make_therapist


APP_DIR = Path(wagtail_clinic.__file__).resolve().parent
LOCALE_DIR = APP_DIR / "locale"
LANGUAGES = ["en", "fr"]


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def load(language):
    return polib.pofile(str(po_path(language)))


def active_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def key(entry):
    return (entry.msgctxt, entry.msgid)


# Placeholders: %(name)s / %s / %d (python-format), {name} (str.format-style
# placeholders of our own templates, not the doubled literal braces "{{ }}"),
# and HTML tags with their attributes.
PERCENT = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]")
BRACES = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_.]*\}(?!\})")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def placeholders(text):
    """The placeholders and tags of ``text``, as a multiset (order may change)."""
    found = PERCENT.findall(text) + BRACES.findall(text) + TAG.findall(text)
    return collections.Counter(p for p in found if p != "%%")


def translation_pairs(entry):
    """``(source, translation)`` pairs of an entry: one, or one per plural form."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = entry.msgstr_plural
    # French: form 0 is for 0 and 1, form 1 for the rest.
    return [(entry.msgid, forms.get(0, "")), (entry.msgid_plural, forms.get(1, ""))]


def catalogue_as_dict(entries):
    """``{(context, msgid): msgstr or plural forms}`` of the translated entries."""
    result = {}
    for entry in entries:
        if entry.msgid == "" or entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if any(forms):
                result[key(entry)] = (entry.msgid_plural, forms)
        elif entry.msgstr:
            result[key(entry)] = entry.msgstr
    return result


class TestFrenchCatalogue(TestCase):
    """The French catalogue is complete, not fuzzy and keeps every placeholder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = load("fr")

    def test_it_is_a_french_catalogue_with_french_plurals(self):
        self.assertEqual(self.fr.metadata["Language"], "fr")
        self.assertEqual(
            self.fr.metadata["Plural-Forms"].replace(" ", ""),
            "nplurals=2;plural=(n>1);",
        )
        self.assertFalse(self.fr.metadata_is_fuzzy)
        self.assertEqual(self.fr.metadata["Content-Type"], "text/plain; charset=UTF-8")

    def test_every_entry_is_translated(self):
        entries = active_entries(self.fr)
        self.assertGreater(len(entries), 600)
        untranslated = [e.msgid for e in self.fr.untranslated_entries()]
        self.assertEqual(untranslated, [])
        empty_plurals = [
            e.msgid
            for e in entries
            if e.msgid_plural and not all(e.msgstr_plural.get(i) for i in (0, 1))
        ]
        self.assertEqual(empty_plurals, [])

    def test_no_entry_is_fuzzy(self):
        self.assertEqual([e.msgid for e in self.fr.fuzzy_entries()], [])

    def test_no_obsolete_entries_are_kept(self):
        self.assertEqual([e.msgid for e in self.fr.obsolete_entries()], [])

    def test_placeholders_and_tags_match(self):
        mismatches = []
        for entry in active_entries(self.fr):
            for source, translated in translation_pairs(entry):
                if placeholders(source) != placeholders(translated):
                    mismatches.append((source, translated))
        self.assertEqual(mismatches, [])

    def test_python_format_is_flagged_where_it_is_used(self):
        # gettext marks "%(name)s" strings python-format; msgfmt --check and
        # Django's interpolation rely on the flag matching the source.
        for entry in active_entries(self.fr):
            named = re.search(r"%\([a-z_]+\)[sd]", entry.msgid)
            if named:
                self.assertIn("python-format", entry.flags, entry.msgid)

    def test_no_english_left_behind(self):
        # A translation equal to its source is allowed only for words that are
        # the same in French (and codes, names, placeholders).
        same = {
            e.msgid
            for e in active_entries(self.fr)
            if not e.msgid_plural and e.msgstr == e.msgid
        }
        allowed = {
            "API",
            "Article",
            "Attribution",
            "Description",
            "FAQ",
            "Image",
            "Important :",
            "Information",
            "Introduction",
            "Page",
            "Pagination",
            "Question",
            "Questions",
            "Source",
            "Sources",
            "Type",
            "URL",
            "Source %(number)s",
            "Page %(number)s",
            "action",
            "article",
            "image",
            "introduction",
            "latitude",
            "longitude",
            "message",
            "page",
            "photo",
        }
        self.assertEqual(same - allowed, set())

    def test_the_placeholder_check_catches_a_mistake(self):
        # The check itself: a dropped, renamed or added placeholder or tag.
        self.assertNotEqual(
            placeholders('Call %(name)s at <a href="%(tel)s">%(phone)s</a>.'),
            placeholders('Appelez %(nom)s au <a href="%(tel)s">%(phone)s</a>.'),
        )
        self.assertNotEqual(placeholders("{reference}"), placeholders("{référence}"))
        self.assertNotEqual(placeholders("<b>x</b>"), placeholders("x"))
        self.assertEqual(placeholders("{{ or }}"), collections.Counter())


class TestCompiledCatalogues(TestCase):
    """The committed .mo files say exactly what their .po files say."""

    def test_mo_files_are_up_to_date(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                mo_path = po_path(language).with_suffix(".mo")
                self.assertTrue(mo_path.exists(), f"{mo_path} is missing")
                compiled = catalogue_as_dict(polib.mofile(str(mo_path)))
                source = catalogue_as_dict(load(language))
                differ = sorted(
                    msgid
                    for ctx_msgid in compiled.keys() | source.keys()
                    if compiled.get(ctx_msgid) != source.get(ctx_msgid)
                    for msgid in [ctx_msgid[1]]
                )
                self.assertEqual(
                    differ[:10],
                    [],
                    f"{mo_path.name} is stale ({len(differ)} messages differ): "
                    f"run compilemessages for {language}",
                )
                self.assertEqual(compiled, source)

    def test_django_uses_the_french_catalogue(self):
        with translation.override("fr"):
            self.assertEqual(translation.gettext("Book online"), "Réserver en ligne")
            self.assertEqual(
                translation.ngettext(
                    "%(count)d comment approved.", "%(count)d comments approved.", 1
                )
                % {"count": 1},
                "1 commentaire approuvé.",
            )
            self.assertEqual(
                translation.ngettext(
                    "%(count)d comment approved.", "%(count)d comments approved.", 3
                )
                % {"count": 3},
                "3 commentaires approuvés.",
            )


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="GNU gettext (xgettext, msgmerge) is not installed: makemessages cannot run",
)
def test_the_catalogues_cover_every_string_in_the_source(tmp_path, monkeypatch):
    """Regenerating the catalogues from the source finds nothing new to translate."""
    copy = tmp_path / "wagtail_clinic"
    shutil.copytree(
        APP_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo")
    )
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=LANGUAGES, verbosity=0)
    for language in LANGUAGES:
        committed = {key(e) for e in active_entries(load(language))}
        regenerated = polib.pofile(
            str(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        )
        current = {key(e) for e in active_entries(regenerated)}
        missing = sorted(msgid for _ctx, msgid in current - committed)
        assert missing == [], (
            f"locale/{language} lacks strings that are in the source; run makemessages "
            f"and translate them: {missing}"
        )
        stale = sorted(msgid for _ctx, msgid in committed - current)
        assert stale == [], (
            f"locale/{language} has strings no longer in the source; run makemessages: {stale}"
        )
    # The plural msgid_plural and the flags must agree with the source too: a
    # changed plural or a string that stopped being a format string.
    fr_regenerated = polib.pofile(
        str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    )
    assert [e.msgid for e in fr_regenerated.fuzzy_entries()] == []
    assert [e.msgid for e in fr_regenerated.untranslated_entries()] == []


class TestFrenchPages(TestCase):
    """Patients reading in French see French around the editors' content."""

    @classmethod
    def setUpTestData(cls):
        home, clinic, massage_type, request_page = make_booking_site()
        _home, article = make_article(
            reviewed_by=make_therapist(),
            last_reviewed=datetime.date(2026, 3, 2),
            next_review_due=datetime.date(2027, 3, 2),
        )
        article.body = article_body(
            image=make_image(),
            clinic=clinic,
            massage_types=[massage_type],
            link_page=massage_type,
        )
        article.save_revision().publish()
        french = Locale.objects.get_or_create(language_code="fr")[0]
        cls.pages = {"en": (article, request_page)}
        translated = {}
        for page in (home, article.get_parent(), article, request_page):
            translated[page.pk] = page.copy_for_translation(french)
            translated[page.pk].save_revision().publish()
        cls.pages["fr"] = (translated[article.pk], translated[request_page.pk])

    def setUp(self):
        cache.clear()

    def get(self, language, page):
        with translation.override(language):
            response = self.client.get(page.get_url(), HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def post(self, language, page, data):
        with translation.override(language):
            response = self.client.post(
                page.get_url(), data, HTTP_ACCEPT_LANGUAGE=language
            )
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_article_in_french(self):
        # English first: a cache must not hand the English page to French readers.
        english = self.get("en", self.pages["en"][0])
        html = self.get("fr", self.pages["fr"][0])
        expected = {
            # The booking call to action, its clinic's hours and the default
            # disclaimer (blocks, clinic details).
            "en": [
                "Call (780) 555-0123",
                "Opening hours",
                "<dt>Monday</dt>",
                "This article is general information, not medical advice.",
                "On this page",
                # The review line, dates in the language's DATE_FORMAT.
                "Medically reviewed by",
                "Page last reviewed:",
                "March 2, 2026",
                # The comment form.
                "Leave a Reply",
                "Post Comment",
                "Your email address will not be published.",
            ],
            "fr": [
                "Appeler le (780) 555-0123",
                "Heures d’ouverture",
                "<dt>lundi</dt>",
                "Cet article présente de l’information générale et non un avis médical.",
                "Sur cette page",
                "Révisé sur le plan médical par",
                "Dernière révision de la page :",
                "2 mars 2026",
                "Laisser un commentaire",
                "Publier le commentaire",
                "Votre adresse courriel ne sera pas publiée.",
            ],
        }
        for text in expected["en"]:
            self.assertIn(text, english)
            self.assertNotIn(text, html)
        for text in expected["fr"]:
            self.assertIn(text, html)
        # Machine-readable values stay as they are.
        self.assertIn('<time datetime="2026-03-02">2 mars 2026</time>', html)
        self.assertIn('<time datetime="09:00">09:00</time>', html)
        self.assertIn('href="tel:+17805550123"', html)

    def test_a_validation_error_of_the_appointment_form_in_french(self):
        html = self.post("fr", self.pages["fr"][1], form_data(name=""))
        self.assertIn("<title>Erreur : ", html)
        self.assertIn("Il y a un problème", html)
        self.assertIn("Saisissez votre nom.", html)
        self.assertNotIn("Enter your name.", html)
        self.assertIn("Envoyer la demande", html)
        english = self.post("en", self.pages["en"][1], form_data(name=""))
        self.assertIn("Enter your name.", english)
