"""A patient's journey through the site, in a real browser.

The patient reads the reference back-pain article, checks where its booking
buttons lead, requests an appointment through the form (first with mistakes,
then correctly) and leaves a comment. Every step finds things the way a
person (or a screen reader) does: by role, accessible name and label text.
"""

import re

import pytest

from playwright.sync_api import expect

from tests.appointment_utils import PATIENT, PATIENT_PHONE_E164
from tests.browser.content import CTA_HEADINGS, MASSAGE_TYPES, build_clinic_site
from tests.comment_utils import COMMENTER_EMAIL, COMMENTER_NAME
from wagtail_clinic.booking.pages import DEFAULT_CONSENT_TEXT
from wagtail_clinic.models import (
    AppointmentRequest,
    CommentStatus,
    ReaderComment,
)


NOW_BOOKING = "Now booking new appointments!"
PENDING_MESSAGE = (
    "Thanks — your comment is awaiting moderation. It will appear here once it "
    "has been approved."
)


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings):
    """A browser fills the comment form in milliseconds: drop the anti-bot wait."""
    settings.WAGTAIL_CLINIC = {"COMMENTS_MIN_FILL_SECONDS": None}


@pytest.fixture
def site(page):
    """The published clinic site (after ``page``: the database is ready then).

    The tab asks for reduced motion: without smooth scrolling, Playwright
    does not wait for scroll animations before each click.
    """
    page.emulate_media(reduced_motion="reduce")
    return build_clinic_site()


def path_of(url):
    """A regex matching the browser's URL for a page's relative ``url``."""
    return re.compile(re.escape(url) + r"$")


def cta_region(page, action):
    """The booking call to action (a labelled section) for ``action``."""
    return page.get_by_role("main").get_by_role(
        "region", name=CTA_HEADINGS[action], exact=True
    )


# Reading the article -------------------------------------------------------


def test_the_article_shows_every_block(page, site):
    article = site.article
    page.goto(article.url)
    main = page.get_by_role("main")

    expect(page).to_have_title(re.compile(rf"^{re.escape(article.title)}"))
    expect(main.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(main.get_by_text(article.intro)).to_be_visible()
    expect(main.get_by_text("Also known as: lumbago, backache")).to_be_visible()
    expect(main.get_by_text("Medically reviewed by Dana Lee, RMT")).to_be_visible()
    expect(main.get_by_role("img", name=article.hero_image_alt)).to_be_visible()

    # The table of contents leads to the sections.
    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="How often?").click()
    expect(page).to_have_url(re.compile(r"#how-often$"))

    # heading and paragraph
    expect(
        main.get_by_role("heading", name="How massage helps", level=2)
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Which massage?", level=3)).to_be_visible()
    paragraph = main.get_by_role("paragraph").filter(
        has_text="Massage eases back pain; read about"
    )
    expect(
        paragraph.get_by_role("link", name="Shiatsu and acupressure")
    ).to_have_attribute("href", site.massage_types[1].url)

    # key fact, with its source
    key_fact = main.get_by_role("figure").filter(has_text="85%")
    expect(key_fact).to_contain_text("85% of adults will suffer from back pain.")
    expect(
        key_fact.get_by_role("link", name="National back pain survey")
    ).to_have_attribute("href", "https://health.example/back-pain")

    # massage types: a card per chosen page, with its link, summary and image
    types = main.get_by_role("region", name="Types of massage for back pain")
    expect(types.get_by_role("listitem")).to_have_count(len(MASSAGE_TYPES))
    for massage_type, (title, summary, alt, _colour) in zip(
        site.massage_types, MASSAGE_TYPES, strict=True
    ):
        card = types.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=title, level=3)
        )
        expect(card.get_by_role("link", name=title)).to_have_attribute(
            "href", massage_type.url
        )
        expect(card).to_contain_text(summary)
        image = card.get_by_role("img", name=alt)
        image.scroll_into_view_if_needed()  # the card images load lazily
        expect(image).to_have_js_property("naturalWidth", 480)

    # benefits
    benefits = main.get_by_role("region", name="Health benefits")
    expect(benefits.get_by_role("listitem")).to_have_text(
        ["Less tension: Muscles relax.", "Better sleep: You rest more."]
    )

    # frequency
    frequency = main.get_by_role("region", name="How often?")
    expect(frequency).to_contain_text("Our recommendation: Every 2 to 3 weeks")
    expect(frequency).to_contain_text("Weekly at first.")

    # FAQ: the answer opens under its question
    faq = main.get_by_role("region", name="Questions")
    answer = faq.get_by_text("It should not.")
    expect(answer).to_be_hidden()
    faq.get_by_text("Does it hurt?").click()
    expect(answer).to_be_visible()

    # disclaimer callout (the site's default text, as the block is left blank)
    disclaimer = main.get_by_role("note")
    expect(disclaimer).to_contain_text("Disclaimer")
    expect(disclaimer).to_contain_text(
        "Speak with your doctor before changing your treatment."
    )

    # image, quote and references
    figure = main.get_by_role("figure").filter(
        has=page.get_by_role("img", name="A therapist massaging a lower back")
    )
    expect(figure).to_contain_text("Deep tissue massage")
    quote = main.get_by_role("figure").filter(has=page.get_by_role("blockquote"))
    expect(quote.get_by_role("blockquote")).to_have_text("I can garden again.")
    expect(quote).to_contain_text("A patient")
    sources = main.get_by_role("region", name="Sources", exact=True)
    expect(
        sources.get_by_role("link", name="Massage for low back pain")
    ).to_have_attribute("href", "https://journal.example/massage")

    # the three booking calls to action say the clinic takes new patients
    for action in CTA_HEADINGS:
        region = cta_region(page, action)
        expect(region.get_by_role("heading", level=2)).to_be_visible()
        expect(region).to_contain_text(NOW_BOOKING)

    # the comment form
    respond = main.get_by_role("region", name="Leave a Reply")
    expect(respond).to_contain_text("Your email address will not be published.")


def test_booking_buttons_lead_to_the_clinic(page, site):
    clinic = site.clinic
    page.goto(site.article.url)

    # Book online: the clinic's booking system, opened at the massage type.
    book = cta_region(page, "book_online")
    expect(book.get_by_role("link", name="Book online")).to_have_attribute(
        "href",
        "https://southside.janeapp.example/book"
        f"?treatment={site.deep_tissue.slug}&name=Deep%20tissue%20massage",
    )

    # Call: a tel: link that reads as people write the number.
    call = cta_region(page, "call")
    expect(call.get_by_role("link", name="Call (780) 555-0123")).to_have_attribute(
        "href", "tel:+17805550123"
    )

    # Request form: the site's appointment request page.
    request = cta_region(page, "request_form")
    expect(
        request.get_by_role("link", name="Request an appointment")
    ).to_have_attribute("href", site.request_page.url)

    # The other buttons offer the phone number too.
    for action in ("book_online", "request_form"):
        expect(
            cta_region(page, action).get_by_role("link", name="(780) 555-0123")
        ).to_have_attribute("href", "tel:+17805550123")

    # A clinic that takes no new patients does not say it does.
    clinic.accepting_new_patients = False
    clinic.save()
    page.reload()
    expect(
        cta_region(page, "call").get_by_role("link", name="Call (780) 555-0123")
    ).to_be_visible()
    expect(page.get_by_text(NOW_BOOKING)).to_have_count(0)


# Requesting an appointment -------------------------------------------------


def test_request_an_appointment_from_the_article(page, site, mailoutbox):
    page.goto(site.article.url)
    cta_region(page, "request_form").get_by_role(
        "link", name="Request an appointment"
    ).click()

    expect(page).to_have_url(path_of(site.request_page.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment")
    expect(page.get_by_text(NOW_BOOKING)).to_be_visible()

    page.get_by_label("Your name").fill(PATIENT["name"])
    page.get_by_label("Email address").fill(PATIENT["email"])
    page.get_by_label("Phone number").fill(PATIENT["phone"])
    page.get_by_role("group", name="How should we contact you?").get_by_role(
        "radio", name="Email"
    ).check()
    days = page.get_by_role("group", name="Which days suit you?")
    days.get_by_role("checkbox", name="Wednesday").check()
    days.get_by_role("checkbox", name="Monday").check()
    page.get_by_role("group", name="Which times of day suit you?").get_by_role(
        "checkbox", name="Morning"
    ).check()
    page.get_by_label("Massage type").select_option(label="Sports massage")
    page.get_by_role("radio", name="New patient").check()
    page.get_by_label("Anything else we should know?").fill(PATIENT["message"])
    page.get_by_role(
        "checkbox", name=re.compile(r"^I agree that the clinic may store")
    ).check()
    page.get_by_role("button", name="Send request").click()

    thanks = page.get_by_role("status")
    expect(thanks.get_by_role("heading", name="Request sent")).to_be_visible()
    expect(thanks).to_contain_text("We have received your request")
    expect(page).to_have_url(path_of(f"{site.request_page.url}?sent=1"))
    expect(page.get_by_role("link", name="(780) 555-0123")).to_be_visible()
    # Nothing the patient typed travels in the URL.
    for value in PATIENT.values():
        assert value not in page.url

    stored = AppointmentRequest.objects.get()
    assert stored.page_id == site.request_page.pk
    assert stored.clinic_id == site.clinic.pk
    assert stored.name == PATIENT["name"]
    assert stored.email == PATIENT["email"]
    assert stored.phone == PATIENT_PHONE_E164
    assert stored.preferred_contact == "email"
    assert stored.preferred_days == ["mon", "wed"]
    assert stored.preferred_times == ["morning"]
    assert stored.massage_type_id == site.massage_types[2].pk
    assert stored.patient_status == "new"
    assert stored.message == PATIENT["message"]
    assert stored.consent_text == str(DEFAULT_CONSENT_TEXT)
    assert stored.consent_given_at is not None
    assert stored.source == "form"
    assert stored.status == "new"
    assert stored.reference.startswith("AR-")
    # The clinic is told, with the reference only.
    assert [message.to for message in mailoutbox] == [[site.clinic.email]]
    assert stored.reference in mailoutbox[0].subject
    assert PATIENT["name"] not in mailoutbox[0].body


def test_a_request_with_mistakes_shows_them_by_the_fields(page, site):
    page.goto(site.request_page.url)
    page.get_by_label("Email address").fill("quentin at example")
    page.get_by_role("button", name="Send request").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter your name.",
            "Enter an email address like name@example.com.",
            "Choose how we should contact you.",
            "Tell us whether you are a new or returning patient.",
            "Tick the box to agree, so that we can store your request and contact you.",
        ]
    )

    # Each error is shown with its field and read out with it.
    fields = [
        (page.get_by_label("Your name"), "Enter your name."),
        (
            page.get_by_label("Email address"),
            "Enter an email address like name@example.com.",
        ),
        (
            page.get_by_role("group", name="How should we contact you?"),
            "Choose how we should contact you.",
        ),
        (
            page.get_by_role("group", name="Have you been to the clinic before?"),
            "Tell us whether you are a new or returning patient.",
        ),
        (
            page.get_by_role("checkbox", name=re.compile(r"^I agree")),
            "Tick the box to agree",
        ),
    ]
    for field, message in fields:
        expect(field).to_have_accessible_description(
            re.compile(rf"^Error: {re.escape(message)}")
        )
        described_by = field.get_attribute("aria-describedby").split()
        descriptions = page.locator(", ".join(f"[id='{id_}']" for id_ in described_by))
        expect(descriptions.filter(has_text=message)).to_be_visible()
    for field, _message in fields[:2]:
        expect(field).to_have_attribute("aria-invalid", "true")
    # What was typed is kept, so the patient only corrects it.
    expect(page.get_by_label("Email address")).to_have_value("quentin at example")
    assert not AppointmentRequest.objects.exists()

    # Corrected, the request goes through.
    page.get_by_label("Your name").fill(PATIENT["name"])
    page.get_by_label("Email address").fill(PATIENT["email"])
    page.get_by_role("radio", name="Email").check()
    page.get_by_role("radio", name="Returning patient").check()
    page.get_by_role("checkbox", name=re.compile(r"^I agree")).check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    stored = AppointmentRequest.objects.get()
    assert (stored.name, stored.email, stored.phone) == (
        PATIENT["name"],
        PATIENT["email"],
        "",
    )
    assert stored.patient_status == "returning"
    assert stored.massage_type is None


# Commenting ----------------------------------------------------------------


def test_leave_a_comment_on_the_article(page, site):
    page.goto(site.article.url)
    main = page.get_by_role("main")
    comments = main.get_by_role("region", name="Comments", exact=True)
    expect(comments).to_contain_text("No comments yet.")

    respond = main.get_by_role("region", name="Leave a Reply")
    respond.get_by_role("textbox", name="Comment", exact=True).fill(
        "Weekly massage fixed my lower back.\n\nThank you!"
    )
    respond.get_by_role("textbox", name="Name", exact=True).fill(COMMENTER_NAME)
    respond.get_by_role("textbox", name="Email", exact=True).fill(COMMENTER_EMAIL)
    respond.get_by_role("button", name="Post Comment").click()

    expect(page).to_have_url(re.compile(r"\?comment=pending#respond$"))
    respond = page.get_by_role("main").get_by_role("region", name="Leave a Reply")
    expect(respond.get_by_role("status")).to_have_text(PENDING_MESSAGE)
    # Not shown before a moderator approves it; the email never is.
    expect(comments).to_contain_text("No comments yet.")
    expect(page.locator("body")).not_to_contain_text(COMMENTER_EMAIL)
    expect(respond.get_by_role("textbox", name="Comment", exact=True)).to_be_empty()

    stored = ReaderComment.objects.get()
    assert stored.page_id == site.article.pk
    assert stored.status == CommentStatus.PENDING
    assert stored.author_name == COMMENTER_NAME
    assert stored.email == COMMENTER_EMAIL
    assert stored.body == "Weekly massage fixed my lower back.\n\nThank you!"
    assert stored.parent_id is None
    assert stored.source == "form"

    # Once approved, readers see it.
    ReaderComment.objects.filter(pk=stored.pk).update(status=CommentStatus.APPROVED)
    page.goto(site.article.url)
    comments = page.get_by_role("main").get_by_role("region", name="Comments (1)")
    comment = comments.get_by_role("article", name=COMMENTER_NAME)
    expect(comment).to_contain_text("Weekly massage fixed my lower back.")
    expect(
        comment.get_by_role("link", name=f"Reply to {COMMENTER_NAME}")
    ).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(COMMENTER_EMAIL)


# Narrow screens ------------------------------------------------------------

#: Elements wider than the viewport, to name the culprit when the check fails.
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().right}`);
}"""


def test_the_article_and_comment_form_fit_a_390_px_phone(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.article.url)
    expect(
        page.get_by_role("main").get_by_role("region", name="Leave a Reply")
    ).to_be_visible()
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, page.evaluate(OVERFLOWING)
