"""The example site in English and French (issue 16, translation workflows).

The demo content is loaded once for the module, through the example site's
own ``manage.py`` and settings (``i18n_patterns``, simple_translation), into
a throwaway SQLite database, exactly as ``scripts/demo.sh`` does; each test
then asks the site for pages with Django's test client inside
``manage.py shell`` and checks the HTML it got back.
"""

import json
import re

import pytest

from tests.example_utils import example_env, example_manage


ARTICLE_URL = "/conditions/back-pain/"
FRENCH_ARTICLE_URL = "/fr/affections/mal-de-dos/"
FRENCH_TITLE = "Soulager le mal de dos : comment agit la massothérapie"

# Run by `manage.py shell`: GET each URL in URLS, print statuses and HTML.
FETCH = """
import json
from django.test import Client
client = Client()
pages = {}
for url in URLS:
    response = client.get(url)
    pages[url] = {"status": response.status_code, "html": response.content.decode()}
print(json.dumps(pages))
"""

# The translation records behind the French pages and snippets.
INSPECT_TRANSLATIONS = """
import json
from wagtail.models import Page
from wagtail_clinic.models import Clinic, ConditionPage, MassageTypePage, Therapist

def pairs(model):
    rows = {}
    for obj in model.objects.select_related("locale"):
        rows.setdefault(str(obj.translation_key), {})[obj.locale.language_code] = obj
    return [row for row in rows.values() if len(row) == 2]

article = ConditionPage.objects.get(locale__language_code="fr")
english_article = ConditionPage.objects.get(locale__language_code="en")
print(json.dumps({
    "page_pairs": len(pairs(Page)),
    "french_pages": sorted(
        p.url for p in Page.objects.filter(locale__language_code="fr").live()
    ),
    "aliases": Page.objects.filter(alias_of__isnull=False).count(),
    "clinic_pairs": [(r["en"].name, r["fr"].name) for r in pairs(Clinic)],
    "therapist_clinic": Therapist.objects.get(locale__language_code="fr").clinic.name,
    "reviewed_by_locale": article.reviewed_by.locale.language_code,
    "article_shares_key": article.translation_key == english_article.translation_key,
    "french_types_of_french_article": sorted(
        (p.locale.language_code, p.slug)
        for p in MassageTypePage.objects.filter(conditions=article)
    ),
    "types_of_english_article": sorted(
        p.locale.language_code
        for p in MassageTypePage.objects.filter(conditions=english_article)
    ),
}))
"""


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """``run(*args)``: manage.py of the example site, demo content loaded."""
    tmp = tmp_path_factory.mktemp("example_i18n")
    run = example_manage(example_env(tmp))

    run("migrate", "--noinput")
    output = run("load_demo_content")
    assert f"Its French translation is at {FRENCH_ARTICLE_URL}" in output
    return run


def shell_json(run, script):
    """Run ``script`` in ``manage.py shell``; the JSON it printed last."""
    output = run("shell", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def fetch(run, *urls):
    """``{url: {"status", "html"}}`` for GET requests to the example site."""
    return shell_json(run, f"URLS = {list(urls)!r}\n{FETCH}")


def switcher(html):
    """The language switcher's links: ``{language code: href}`` and the current one."""
    nav = re.search(r"<nav [^>]*example-language-switcher[^>]*>(.*?)</nav>", html, re.S)
    assert nav, "no language switcher on the page"
    links = {
        code: href
        for href, code in re.findall(
            r'<a href="([^"]*)" hreflang="([^"]*)"', nav.group(1)
        )
    }
    current = re.findall(r'<span aria-current="page" lang="([^"]*)"', nav.group(1))
    return links, current


def test_french_article_is_served_at_its_own_url_with_french_blocks(example_site):
    pages = fetch(example_site, FRENCH_ARTICLE_URL, ARTICLE_URL)
    french = pages[FRENCH_ARTICLE_URL]
    assert french["status"] == 200
    html = french["html"]
    assert re.search(r'<html lang="fr"', html)
    assert re.search(rf"<h1[^>]*>\s*{re.escape(FRENCH_TITLE)}\s*</h1>", html)
    # One of each kind of block, in French: headings, rich text, key fact,
    # massage types, benefits, frequency, quote, image caption, FAQ, callout,
    # booking call to action (with the French clinic) and references.
    for text in [
        "Pourquoi a-t-on mal au dos ?",
        "La plupart des maux de dos sont <b>mécaniques</b>",
        "85 %",
        "Les types de massage contre le mal de dos",
        "Des muscles moins tendus",
        "Toutes les 2 à 3 semaines",
        "je remontais sur mon vélo",
        "aide les muscles crispés à lâcher prise",
        "Le massage fait-il mal ?",
        "Une remarque sur les conseils médicaux",
        "Appelez Massothérapie Heronstone dès maintenant",
        "Organisation mondiale de la Santé",
    ]:
        assert text in html, text
    # The massage types chosen in the French article are the French pages.
    assert 'href="/fr/types-de-massage/massage-des-tissus-profonds/"' in html
    assert 'href="/massage-types/' not in html
    # No English body text leaked in.
    assert "Why backs hurt" not in html
    assert "Every 2 to 3 weeks" not in html

    english = pages[ARTICLE_URL]
    assert english["status"] == 200
    assert re.search(r'<html lang="en"', english["html"])
    assert "Why backs hurt" in english["html"]
    assert "Pourquoi a-t-on mal au dos" not in english["html"]


def test_language_switcher_links_both_ways(example_site):
    pages = fetch(example_site, "/", "/fr/", ARTICLE_URL, FRENCH_ARTICLE_URL)
    assert switcher(pages[ARTICLE_URL]["html"]) == (
        {"fr": FRENCH_ARTICLE_URL},
        ["en"],
    )
    assert switcher(pages[FRENCH_ARTICLE_URL]["html"]) == (
        {"en": ARTICLE_URL},
        ["fr"],
    )
    assert switcher(pages["/"]["html"]) == ({"fr": "/fr/"}, ["en"])
    assert switcher(pages["/fr/"]["html"]) == ({"en": "/"}, ["fr"])
    # Each language is named in itself, with its lang attribute.
    assert '<a href="/fr/" hreflang="fr" lang="fr">Français</a>' in pages["/"]["html"]
    # The example's own strings are translated too (home/locale/fr).
    assert "Choisir une langue" in pages["/fr/"]["html"]
    assert "Heures d'ouverture" in pages["/fr/"]["html"]
    # The home page shows the default clinic in French.
    assert "Venir à Massothérapie Heronstone" in pages["/fr/"]["html"]
    assert "Nous desservons Edmonton-Sud." in pages["/fr/"]["html"]


def test_a_page_without_translation_has_no_switcher_and_no_french_url(example_site):
    pages = fetch(example_site, "/about/", "/fr/about/")
    assert pages["/about/"]["status"] == 200
    assert "example-language-switcher" not in pages["/about/"]["html"]
    assert pages["/fr/about/"]["status"] == 404


def test_french_tree_is_made_of_translations(example_site):
    data = shell_json(example_site, INSPECT_TRANSLATIONS)
    # Root excluded: home, two indexes, four massage types, the article.
    assert data["page_pairs"] == 8
    assert data["aliases"] == 0
    assert data["article_shares_key"] is True
    assert data["french_pages"] == [
        "/fr/",
        "/fr/affections/",
        "/fr/affections/mal-de-dos/",
        "/fr/types-de-massage/",
        "/fr/types-de-massage/massage-des-tissus-profonds/",
        "/fr/types-de-massage/massage-sportif/",
        "/fr/types-de-massage/massage-suedois/",
        "/fr/types-de-massage/shiatsu-et-acupression/",
    ]
    assert data["clinic_pairs"] == [
        ["Heronstone Massage Therapy", "Massothérapie Heronstone"]
    ]
    assert data["therapist_clinic"] == "Massothérapie Heronstone"
    assert data["reviewed_by_locale"] == "fr"
    # Each language's massage types list that language's article only.
    assert data["french_types_of_french_article"] == [
        ["fr", "massage-des-tissus-profonds"],
        ["fr", "massage-sportif"],
        ["fr", "massage-suedois"],
        ["fr", "shiatsu-et-acupression"],
    ]
    assert data["types_of_english_article"] == ["en"] * 4


def test_api_stays_unprefixed_and_filters_by_locale(example_site):
    pages = fetch(
        example_site,
        "/api/v2/pages/?type=wagtail_clinic.ConditionPage&locale=fr&fields=_,title",
        "/api/v2/pages/?type=wagtail_clinic.ConditionPage&locale=en&fields=_,title",
        "/fr/api/v2/pages/",
    )
    french, english, prefixed = pages.values()
    assert json.loads(french["html"])["items"] == [{"title": FRENCH_TITLE}]
    assert [item["title"] for item in json.loads(english["html"])["items"]] == [
        "Relief From Pain In The Back: How Massage For Back Pain Works"
    ]
    assert prefixed["status"] == 404


def test_clinic_api_answers_in_the_requested_locale(example_site):
    pages = fetch(
        example_site,
        "/api/v3/clinic/conditions/?locale=fr",
        f"/api/v3/clinic/pages/by-path/?path={FRENCH_ARTICLE_URL}",
        "/api/v3/clinic/conditions/",
    )
    french, by_path, default = pages.values()
    assert [item["title"] for item in json.loads(french["html"])["items"]] == [
        FRENCH_TITLE
    ]
    assert json.loads(by_path["html"])["title"] == FRENCH_TITLE
    # Unprefixed URLs are in the default language (prefix_default_language
    # is False): without ?locale= the API answers in English.
    assert [item["title"] for item in json.loads(default["html"])["items"]] == [
        "Relief From Pain In The Back: How Massage For Back Pain Works"
    ]
