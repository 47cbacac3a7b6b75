"""A French-speaking patient's journey, in a real browser (issue 16).

The French translation of the reference back-pain article (Wagtail's
``copy_for_translation``, see ``tests/browser/content_fr.py``) is served
under ``/fr/`` by ``i18n_patterns``, as on the example site. The patient
reads it (French blocks, the French clinic, ``<html lang="fr">``, links to
the English version), sends the appointment request form with a mistake and
reads the errors in French, then leaves a comment in French. The interface
strings expected are read from the French catalogue (``french(msgid)``),
which fails naming the msgid when a string is not translated.
"""

import re

import pytest

from playwright.sync_api import expect

from tests.appointment_utils import PATIENT
from tests.browser.content import build_clinic_site
from tests.browser.content_fr import (
    FRENCH_ARTICLE_TITLE,
    FRENCH_CLINIC_NAME,
    FRENCH_CTA_HEADINGS,
    FRENCH_DEEP_TISSUE,
    FRENCH_INTRO,
    build_french_site,
    french,
    serve_in_languages,
)
from tests.comment_utils import COMMENTER_EMAIL, allow_site_comments
from wagtail_clinic.models import AppointmentRequest, CommentStatus, ReaderComment


@pytest.fixture(autouse=True)
def _in_languages(settings, live_server):
    """French under /fr/, English unprefixed; no anti-bot wait on the comment form.

    Autouse, so it runs before ``page`` makes the live server take one
    request at a time.
    """
    settings.WAGTAIL_CLINIC = {"COMMENTS_MIN_FILL_SECONDS": None}
    with serve_in_languages(settings, live_server):
        yield


@pytest.fixture
def site(page):
    """The published English site and its French translation (a ``FrenchSite``).

    Comments are switched on explicitly, site-wide and on the article (its
    French copy keeps the page's setting).
    """
    page.emulate_media(reduced_motion="reduce")
    english = build_clinic_site()
    allow_site_comments(english.site)
    french_site = build_french_site(english)
    assert french_site.article.comments_enabled
    return french_site


def path_of(url):
    """A regex matching the browser's URL for a page's relative ``url``."""
    return re.compile(re.escape(url) + r"$")


def cta_region(page, action):
    """The French article's booking call to action for ``action``."""
    return page.get_by_role("main").get_by_role(
        "region", name=FRENCH_CTA_HEADINGS[action], exact=True
    )


# Reading the article -------------------------------------------------------


def test_the_french_article_is_in_french(page, site):
    article = site.article
    assert article.url == "/fr/affections/mal-de-dos/"
    page.goto(article.url)
    main = page.get_by_role("main")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title(re.compile(rf"^{re.escape(FRENCH_ARTICLE_TITLE)}"))
    expect(main.get_by_role("heading", level=1)).to_have_text(FRENCH_ARTICLE_TITLE)
    expect(main.get_by_text(FRENCH_INTRO)).to_be_visible()
    expect(page.get_by_role("link", name=french("Skip to main content"))).to_have_count(
        1
    )

    # French blocks.
    contents = page.get_by_role("navigation", name=french("On this page"))
    contents.get_by_role("link", name="À quelle fréquence ?").click()
    expect(page).to_have_url(re.compile(r"#"))
    key_fact = main.get_by_role("figure").filter(has_text="85 %")
    expect(key_fact).to_contain_text("des adultes souffriront du dos.")
    frequency = main.get_by_role("region", name="À quelle fréquence ?")
    expect(frequency).to_contain_text("Toutes les 2 à 3 semaines")
    faq = main.get_by_role("region", name="Questions")
    answer = faq.get_by_text("Cela ne devrait pas.")
    expect(answer).to_be_hidden()
    faq.get_by_text("Est-ce que ça fait mal ?").click()
    expect(answer).to_be_visible()

    # Massage types: the translated one in French, at its French URL; the
    # others (not translated) in English.
    types = main.get_by_role("region", name="Les types de massage contre le mal de dos")
    expect(types.get_by_role("listitem")).to_have_count(3)
    expect(types.get_by_role("link", name=FRENCH_DEEP_TISSUE)).to_have_attribute(
        "href", site.deep_tissue.url
    )
    expect(types.get_by_role("link", name="Sports massage")).to_be_visible()

    # French clinic details under each booking button: name, French days.
    call = cta_region(page, "call")
    expect(call).to_contain_text(french("Now booking new appointments!"))
    expect(call.get_by_text(FRENCH_CLINIC_NAME)).to_be_visible()
    expect(main).not_to_contain_text(site.english.clinic.name)
    call.get_by_text(french("Opening hours")).click()
    expect(call.get_by_role("term").first).to_have_text("lundi")
    expect(call.get_by_role("link", name="(780) 555-0123")).to_have_attribute(
        "href", "tel:+17805550123"
    )
    book = cta_region(page, "book_online")
    expect(book.get_by_role("link", name=french("Book online"))).to_have_attribute(
        "href",
        "https://southside.janeapp.example/book?treatment="
        f"{site.deep_tissue.slug}&name=Massage%20des%20tissus%20profonds",
    )

    # Nothing of the English article leaks in.
    expect(main).not_to_contain_text(site.english.article.title)
    expect(main).not_to_contain_text("How massage helps")


def test_the_two_versions_link_each_other(page, site):
    english, french_article = site.english.article, site.article

    page.goto(english.url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for current in (english.url, french_article.url):
        page.goto(current)
        alternates = page.locator("head link[rel=alternate][hreflang]")
        expect(alternates).to_have_count(3)
        expect(alternates.and_(page.locator("[hreflang=en]"))).to_have_attribute(
            "href", re.compile(rf"{re.escape(english.url)}$")
        )
        expect(alternates.and_(page.locator("[hreflang=fr]"))).to_have_attribute(
            "href", re.compile(rf"{re.escape(french_article.url)}$")
        )
        expect(alternates.and_(page.locator("[hreflang=x-default]"))).to_have_attribute(
            "href", re.compile(rf"{re.escape(english.url)}$")
        )


# Requesting an appointment -------------------------------------------------


def test_the_request_button_leads_to_the_french_form(page, site):
    page.goto(site.article.url)
    cta_region(page, "request_form").get_by_role(
        "link", name=french("Request an appointment")
    ).click()
    expect(page).to_have_url(path_of(site.request_page.url), timeout=5_000)


def test_a_request_with_mistakes_shows_them_in_french(page, site):
    page.goto(site.request_page.url)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(site.request_page.title)
    # The massage types of the French tree, under their French titles.
    expect(page.get_by_label(french("Massage type"))).to_contain_text(
        FRENCH_DEEP_TISSUE
    )
    page.get_by_label(french("Email address")).fill("quentin at example")
    page.get_by_role("button", name=french("Send request")).click()

    expect(page).to_have_title(re.compile(r"^" + re.escape(french("Error:"))))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text(french("There is a problem"))
    name_error = french("Enter your name.")
    email_error = french("Enter an email address like name@example.com.")
    expect(summary.get_by_role("link", name=name_error)).to_be_visible()
    expect(summary.get_by_role("link", name=email_error)).to_be_visible()
    expect(summary).not_to_contain_text("Enter your name.")

    # Each error is read out with its field, in French.
    email = page.get_by_label(french("Email address"))
    expect(email).to_have_accessible_description(re.compile(re.escape(email_error)))
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("quentin at example")
    assert not AppointmentRequest.objects.exists()

    # Corrected, the request goes through and is thanked in French.
    page.get_by_label(french("Your name")).fill(PATIENT["name"])
    email.fill(PATIENT["email"])
    page.get_by_role("radio", name=french("Email"), exact=True).check()
    page.get_by_role("radio", name=french("Returning patient")).check()
    page.get_by_role("checkbox", name=re.compile(r"^J’accepte")).check()
    page.get_by_role("button", name=french("Send request")).click()
    expect(page.get_by_role("heading", name=french("Request sent"))).to_be_visible()
    stored = AppointmentRequest.objects.get()
    assert stored.page_id == site.request_page.pk
    assert stored.email == PATIENT["email"]


# Commenting ----------------------------------------------------------------


def test_leave_a_comment_in_french(page, site):
    body = "Le massage hebdomadaire a soulagé mon dos.\n\nMerci !"
    page.goto(site.article.url)
    main = page.get_by_role("main")
    comments = main.get_by_role("region", name=french("Comments"), exact=True)
    expect(comments).to_contain_text(french("No comments yet."))

    respond = main.get_by_role("region", name=french("Leave a Reply"))
    respond.get_by_role("textbox", name=french("Comment"), exact=True).fill(body)
    respond.get_by_role("textbox", name=french("Name"), exact=True).fill("Élodie")
    respond.get_by_role("textbox", name=french("Email"), exact=True).fill(
        COMMENTER_EMAIL
    )
    respond.get_by_role("button", name=french("Post Comment")).click()

    expect(page).to_have_url(
        re.compile(re.escape(site.article.url) + r"\?comment=pending#respond$")
    )
    respond = page.get_by_role("main").get_by_role(
        "region", name=french("Leave a Reply")
    )
    expect(respond.get_by_role("status")).to_have_text(
        french(
            "Thanks — your comment is awaiting moderation. It will appear here "
            "once it has been approved."
        )
    )
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("body")).not_to_contain_text(COMMENTER_EMAIL)

    stored = ReaderComment.objects.get()
    assert stored.page_id == site.article.pk
    assert stored.status == CommentStatus.PENDING
    assert stored.author_name == "Élodie"
    assert stored.body == body
