"""An editor writes, previews and publishes a condition article in the admin.

The journey, as an editor in Wagtail's default "Moderators" group lives it in
Wagtail 8's admin, driving Chromium:

1. Log in through the login form.
2. Open the explorer (Pages), go into the site's "Conditions we treat" page
   and click "Add child page": condition articles are the only page type
   allowed there, so the admin goes straight to the "Condition article" form.
3. Fill in the title, condition name and lede. Wagtail 8 autosaves: the
   create form turns into the edit form of a draft page.
4. Add the body's blocks through the "+" block picker: heading, paragraph
   (typed into Draftail, with a word made bold with Ctrl+B), key fact,
   massage types (two massage-type pages chosen in the page chooser modal by
   searching), benefits, FAQ, callout and booking call to action (the "call
   the clinic" action), and name the reviewing therapist on the "Medical
   review" tab through the snippet chooser.
5. Save the draft, open the preview side panel and read the draft there.
6. Publish from the footer's action menu and follow "View live".

The database then holds one live article whose live revision is the latest,
with every block and the values typed (chosen pages by primary key), and the
published page shows every block's text.

The site is built with the ORM first.
"""

import re

import pytest

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import GroupPagePermission, Page, Site

from tests.appointment_utils import make_request_page
from tests.utils import (
    make_clinic,
    make_condition_index,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
    set_default_clinic,
)
from wagtail_clinic.models import ConditionPage


USERNAME = "maria.editor"
PASSWORD = "correct horse battery staple"

#: What the editor types, block by block (also what the checks look for).
TITLE = "Relief From Neck Pain"
CONDITION_NAME = "Neck pain"
LEDE = "Two in three adults get a stiff neck. Here is how massage helps."
HEADING = "How massage eases neck pain"
PARAGRAPH = "Massage relaxes the **tight muscles** that stiffen your neck."
FACT_FIGURE = "2 in 3"
FACT_STATEMENT = "adults will have neck pain at some point in their lives."
FACT_SOURCE = "Global neck pain survey"
FACT_URL = "https://health.example/neck-pain"
MASSAGE_TYPES_HEADING = "Massages that help neck pain"
#: Chosen in this order, out of the three massage types the site offers.
CHOSEN_MASSAGE_TYPES = ["Shiatsu and acupressure", "Deep tissue massage"]
BENEFITS_HEADING = "Benefits for your neck"
BENEFIT = ("Less stiffness", "You can turn your head freely again.")
FAQ_QUESTION = "Is neck massage safe?"
FAQ_ANSWER = "Yes, with a registered massage therapist."
CALLOUT_HEADING = "See a doctor first"
CALLOUT_TEXT = "If your neck pain follows a fall or an accident."
CTA_TEXT = "Call us today to start feeling better."
CTA_ACTION = "Call the clinic"
THERAPIST = "Dana Lee"
REVIEWED_ON = timezone.localdate()

#: Autosave waits 2 s after the form loads before it watches for changes,
#: then half a second after each change.
AUTOSAVE_TIMEOUT_MS = 15_000


# --- Set-up with the ORM ---------------------------------------------------


def make_moderator(username, password):
    """A user in Wagtail's default "Moderators" group, who may publish pages."""
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    root = Page.get_first_root_node()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = User.objects.create_user(
        username, "maria@clinic.example", password, first_name="Maria"
    )
    user.groups.add(group)
    return user


@pytest.fixture
def site_content():
    """The site the editor works on, and the editor.

    A default clinic, a condition index, three massage types, an appointment
    request page and the therapist who reviews the article.
    """
    _root, home = make_site_tree()
    set_default_clinic(Site.objects.get(is_default_site=True), make_clinic())
    condition_index = make_condition_index(home)
    massage_type_index = make_massage_type_index(home)
    massage_types = {
        title: make_massage_type(massage_type_index, title=title, summary=summary)
        for title, summary in [
            ("Deep tissue massage", "Slow, firm pressure on deep muscle layers."),
            ("Shiatsu and acupressure", "Finger pressure along the meridians."),
            ("Sports massage", "Targets the muscles you use in your sport."),
        ]
    }
    make_request_page(home)
    return {
        "home": home,
        "condition_index": condition_index,
        "massage_types": massage_types,
        "therapist": make_therapist(name=THERAPIST),
        "editor": make_moderator(USERNAME, PASSWORD),
    }


# --- What the editor does ----------------------------------------------------

#: The body's own "+" buttons (not those of lists inside blocks, nor Draftail's).
BODY_STREAM = "#body-root > [data-streamfield-stream-container]"


def field_name(label):
    """An accessible name matching a field's label, with or without the required "*"."""
    return re.compile(rf"^{re.escape(label)}\*?$")


def fill_field(scope, label, value):
    scope.get_by_role("textbox", name=field_name(label)).fill(value)


def select_option(scope, label, option):
    scope.get_by_role("combobox", name=field_name(label)).select_option(label=option)


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Pages")).to_be_visible()


def open_in_explorer(page, *titles):
    """Open the explorer and walk down to the page listing of ``titles[-1]``."""
    page.get_by_role("button", name="Pages").click()
    explorer = page.get_by_role("dialog", name="Page explorer")
    for title in titles[:-1]:
        explorer.get_by_role("link", name=f"View child pages of '{title}'").click()
    explorer.get_by_role("link", name=titles[-1], exact=True).click()
    expect(page.get_by_role("heading", name=titles[-1], level=1)).to_be_visible()


def add_block(page, label):
    """Append a block to the body with the "+" block picker; return the block."""
    blocks = page.locator(f"{BODY_STREAM} > [data-streamfield-child]")
    count = blocks.count()
    page.locator(f"{BODY_STREAM} > div > .c-sf-add-button").last.click()
    page.get_by_role("option", name=label, exact=True).click()
    expect(blocks).to_have_count(count + 1)
    return blocks.nth(count)


def list_items(block):
    """The items of the list (e.g. of benefits) inside ``block``."""
    return block.locator("[data-streamfield-list-container] > [data-streamfield-child]")


def add_list_item(block):
    """Add an item at the end of the list inside ``block``; return it.

    On a loaded machine the click can land before the list's script has
    wired the button up: nothing is added then, and the click is repeated
    (never once an item was added).
    """
    items = list_items(block)
    count = items.count()
    button = block.get_by_role("button", name="Add", exact=True).last
    for _attempt in range(3):
        button.click()
        try:
            expect(items).to_have_count(count + 1, timeout=5_000)
            break
        except AssertionError:
            if items.count() != count:
                raise
    expect(items).to_have_count(count + 1)
    return items.nth(count)


def rich_text_field(block, name):
    """A Draftail field of a struct block (its label is not tied to the editor)."""
    return block.locator(f'[data-contentpath="{name}"]')


def fill_rich_text(page, scope, text):
    """Type ``text`` into the Draftail editor in ``scope``; ``**bold**`` with Ctrl+B."""
    scope.get_by_role("textbox").click()
    for index, run in enumerate(text.split("**")):
        if index:
            page.keyboard.press("Control+b")
        page.keyboard.type(run)
    expect(scope.get_by_role("textbox")).to_have_text(text.replace("**", ""))


def choose_in_chooser(page, scope, button, title):
    """Open a chooser modal from ``scope``, search for ``title`` and pick it.

    As with ``add_list_item``, a click that lands before the chooser's script
    has wired a new item's button up opens nothing: it is repeated (never
    once a dialog is open).
    """
    modal = page.get_by_role("dialog")
    search = modal.get_by_role("textbox", name="Search term")
    for _attempt in range(3):
        scope.get_by_role("button", name=button).click()
        try:
            expect(search).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if modal.count():
                break  # Opening, slowly: wait for it below.
    search.fill(title)
    modal.get_by_role("link", name=title).click()
    expect(modal).to_be_hidden()
    expect(scope.get_by_text(title)).to_be_visible()


def open_footer_menu(page):
    """Open the menu next to "Save draft" that holds "Publish"."""
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()


# --- What the reader sees ----------------------------------------------------


def expect_article(scope, *, open_answers=True):
    """Every block's text is shown in ``scope`` (a page or the preview frame).

    With ``open_answers``, expand the FAQ answer like a reader; the preview
    panel reloads its frame when it likes, so there it is only read.
    """
    expect(scope.get_by_role("heading", name=HEADING, level=2)).to_be_visible()
    expect(scope.get_by_text(PARAGRAPH.replace("**", ""))).to_be_visible()
    expect(scope.locator("b, strong").filter(has_text="tight muscles")).to_be_visible()
    fact = scope.get_by_role("figure").filter(has_text=FACT_STATEMENT)
    expect(fact.get_by_text(FACT_FIGURE, exact=True)).to_be_visible()
    expect(fact.get_by_role("link", name=FACT_SOURCE)).to_have_attribute(
        "href", FACT_URL
    )
    massage_types = scope.get_by_role("region", name=MASSAGE_TYPES_HEADING)
    for title in CHOSEN_MASSAGE_TYPES:
        expect(
            massage_types.get_by_role("link", name=title, exact=True)
        ).to_be_visible()
    # No description was typed, so the chosen pages' summaries are shown.
    expect(massage_types).to_contain_text("Finger pressure along the meridians.")
    benefits = scope.get_by_role("region", name=BENEFITS_HEADING)
    expect(benefits).to_contain_text(BENEFIT[0])
    expect(benefits).to_contain_text(BENEFIT[1])
    faq = scope.get_by_role("region", name="Frequently asked questions")
    expect(faq).to_contain_text(FAQ_QUESTION)
    expect(faq).to_contain_text(FAQ_ANSWER)
    if open_answers:
        faq.get_by_text(FAQ_QUESTION, exact=True).click()
        expect(faq.get_by_text(FAQ_ANSWER, exact=True)).to_be_visible()
    callout = scope.get_by_role("note")
    expect(callout).to_contain_text("Warning")
    expect(callout).to_contain_text(CALLOUT_HEADING)
    expect(callout).to_contain_text(CALLOUT_TEXT)
    cta = scope.get_by_role("region", name="Book an appointment")
    expect(cta.get_by_text(CTA_TEXT, exact=True)).to_be_visible()
    expect(cta.get_by_role("link", name=re.compile(r"^Call "))).to_have_attribute(
        "href", "tel:+17805550123"
    )


# --- The journey ---------------------------------------------------------------


def test_editor_creates_previews_and_publishes_a_condition_article(page, site_content):
    condition_index = site_content["condition_index"]
    massage_types = site_content["massage_types"]

    log_in(page, USERNAME, PASSWORD)
    open_in_explorer(page, site_content["home"].title, condition_index.title)
    page.get_by_role("link", name="Add child page").click()
    expect(page.get_by_role("heading", name="New: Condition article")).to_be_attached()

    page.get_by_placeholder("Page title").fill(TITLE)
    fill_field(page, "Condition name", CONDITION_NAME)
    fill_field(page, "Lede", LEDE)

    block = add_block(page, "Heading")
    fill_field(block, "Heading text", HEADING)

    block = add_block(page, "Paragraph")
    fill_rich_text(page, block, PARAGRAPH)

    block = add_block(page, "Key fact")
    fill_field(block, "Figure", FACT_FIGURE)
    fill_field(block, "Statement", FACT_STATEMENT)
    fill_field(block, "Source title", FACT_SOURCE)
    fill_field(block, "Source link", FACT_URL)

    block = add_block(page, "Massage types")
    fill_field(block, "Heading", MASSAGE_TYPES_HEADING)
    items = [list_items(block).first, add_list_item(block)]
    for item, title in zip(items, CHOSEN_MASSAGE_TYPES, strict=True):
        choose_in_chooser(page, item, "Choose a page (Massage type)", title)

    block = add_block(page, "Benefits")
    fill_field(block, "Heading", BENEFITS_HEADING)
    benefit = list_items(block).first
    fill_field(benefit, "Title", BENEFIT[0])
    fill_field(benefit, "Description", BENEFIT[1])

    block = add_block(page, "FAQ")
    question = list_items(block).first
    fill_field(question, "Question", FAQ_QUESTION)
    fill_rich_text(page, rich_text_field(question, "answer"), FAQ_ANSWER)

    block = add_block(page, "Callout")
    select_option(block, "Type", "Warning")
    fill_field(block, "Heading", CALLOUT_HEADING)
    fill_rich_text(page, rich_text_field(block, "text"), CALLOUT_TEXT)

    block = add_block(page, "Booking call to action")
    fill_field(block, "Text", CTA_TEXT)
    select_option(block, "Button action", CTA_ACTION)

    page.get_by_role("tab", name="Medical review").click()
    review_tab = page.get_by_role("tabpanel", name="Medical review")
    choose_in_chooser(page, review_tab, "Choose therapist", THERAPIST)
    fill_field(review_tab, "Last reviewed", REVIEWED_ON.isoformat())
    page.keyboard.press("Escape")  # closes the date picker

    # Meanwhile Wagtail 8 has autosaved the new page as a draft and turned the
    # form into its edit form ("Saved" in the header). Clicking "Save draft"
    # while that first autosave is under way would post the create form again.
    expect(page).to_have_url(
        re.compile(r"/admin/pages/\d+/edit/"), timeout=AUTOSAVE_TIMEOUT_MS
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Page '{TITLE}' has been updated."
    )

    page.get_by_role("button", name="Toggle preview").click()
    # The panel swaps in a fresh iframe (a "proxy") on every refresh.
    preview = page.frame_locator("iframe[title='Preview']:not(.w-preview__proxy)")
    expect(preview.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect_article(preview, open_answers=False)

    open_footer_menu(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Page '{TITLE}' has been published."
    )

    # --- The database holds what the editor typed and chose.
    article = ConditionPage.objects.get(title=TITLE)
    assert article.get_parent().specific == condition_index
    assert article.live
    assert not article.has_unpublished_changes
    assert article.live_revision == article.latest_revision
    assert article.latest_revision.user == site_content["editor"]
    assert (article.condition_name, article.intro) == (CONDITION_NAME, LEDE)
    assert article.reviewed_by == site_content["therapist"]
    assert article.last_reviewed == REVIEWED_ON

    body = article.latest_revision.as_object().body
    assert [child.block_type for child in body] == [
        "heading",
        "paragraph",
        "key_fact",
        "massage_types",
        "benefits",
        "faq",
        "callout",
        "booking_cta",
    ]
    assert list(body.raw_data) == list(article.body.raw_data)
    heading, paragraph, fact, types, benefits, faq, callout, cta = (
        child.value for child in body
    )
    assert (heading["text"], heading["level"]) == (HEADING, "2")
    assert "Massage relaxes the <b>tight muscles</b> that" in paragraph.source
    assert dict(fact) == {
        "value": FACT_FIGURE,
        "statement": FACT_STATEMENT,
        "source_title": FACT_SOURCE,
        "source_url": FACT_URL,
    }
    assert types["heading"] == MASSAGE_TYPES_HEADING
    assert [item["page"].pk for item in types["items"]] == [
        massage_types[title].pk for title in CHOSEN_MASSAGE_TYPES
    ]
    assert benefits["heading"] == BENEFITS_HEADING
    assert [(item["title"], item["description"]) for item in benefits["items"]] == [
        BENEFIT
    ]
    assert [item["question"] for item in faq["items"]] == [FAQ_QUESTION]
    assert FAQ_ANSWER in faq["items"][0]["answer"].source
    assert (callout["tone"], callout["heading"]) == ("warning", CALLOUT_HEADING)
    assert CALLOUT_TEXT in callout["text"].source
    assert (cta["action"], cta["text"], cta["clinic"]) == ("call", CTA_TEXT, None)

    # --- The published page shows every block.
    page.get_by_role("status").get_by_role("link", name="View live").click()
    expect(page).to_have_url(re.compile(re.escape(article.url) + "$"))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect_article(page)
