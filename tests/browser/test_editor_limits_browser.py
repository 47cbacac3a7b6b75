"""A length-limited field counts what the editor sees, and an error keeps the work.

Issue 15's first trap, as an editor met it in Chromium: two paragraphs
(516 characters, with line breaks) pasted into the "How often" block's note
(limit 500) were cut at 500 by the browser without a word; publishing then
failed with "it has 502" (the browser sends a line break as CRLF), and the
blocks added after the error were at risk. Here the editor:

1. writes a new condition article (heading, paragraph, "How often"),
2. pastes the 516 characters into the note through the clipboard: nothing is
   cut and the counter says "516 / 500 characters",
3. adds one more block (a quote) after that,
4. publishes: a field-level error on the note, every block still in the
   form with what was typed, nothing published,
5. shortens the note to 500 characters, line breaks kept ("500 / 500"), and
   publishes: the page is live with every block, and shows the note.
"""

import re

import pytest

from playwright.sync_api import expect

from tests.browser.test_editor_journey import (
    AUTOSAVE_TIMEOUT_MS,
    add_block,
    fill_field,
    fill_rich_text,
    log_in,
    make_moderator,
    open_footer_menu,
    open_in_explorer,
)
from tests.utils import make_condition_index, make_site_tree
from wagtail_clinic.models import ConditionPage


USERNAME = "lee.editor"
PASSWORD = "correct horse battery staple"

TITLE = "Massage For Lower Back Pain"
CONDITION_NAME = "Back pain"
LEDE = "How massage eases a sore lower back, and how often to book it."
HEADING = "How often to book"
PARAGRAPH = "Regular sessions keep tight muscles from knotting up again."
HOW_OFTEN = "Every 2 to 3 weeks"
QUOTE = "I can garden again without thinking about my back."

#: The note as it fits: five lines, 500 characters with a line break as one.
NOTE_LINES = [
    "Most clients with long-standing back pain do well with a treatment every "
    "two to three weeks.",
    "In the first month your therapist may suggest a session every week, so "
    "the muscles do not tighten up again between visits.",
    "Once the pain settles, coming once a month is usually enough to keep it "
    "from coming back.",
    "Come back sooner after a flare-up, a long car journey or heavy lifting.",
    "Tell your therapist how you felt in the days after each session: it helps "
    "them plan the next one, and to say when to stop.",
]
NOTE = "\n".join(NOTE_LINES)
#: What the editor pastes: 16 characters too many.
PASTED_NOTE = NOTE.replace("heavy lifting.", "heavy lifting at home or work.")
LIMIT = 500


@pytest.fixture
def condition_index():
    """A condition index on the default site, and an editor who may publish."""
    _root, home = make_site_tree()
    index = make_condition_index(home)
    make_moderator(USERNAME, PASSWORD)
    return index


#: Counts Wagtail's autosave events in every page the tab loads, so the test
#: can wait until the editor's last change has been sent (or refused) before
#: it clicks "Publish", instead of sleeping.
WATCH_AUTOSAVE = """
window.clinicAutosave = {watching: false, saves: 0, answers: 0, last: 0};
const seen = (key) => () => {
  window.clinicAutosave[key] += 1;
  window.clinicAutosave.last = Date.now();
};
document.addEventListener("input", () => {
  window.clinicAutosave.last = Date.now();
}, true);
document.addEventListener("w-unsaved:watch-edits", () => {
  window.clinicAutosave.watching = true;
}, true);
document.addEventListener("w-autosave:save", seen("saves"), true);
document.addEventListener("w-autosave:success", seen("answers"), true);
document.addEventListener("w-autosave:error", seen("answers"), true);
"""

#: How long no autosave may have started for the form to count as settled:
#: more than Wagtail's change check plus its 0.5 s autosave delay.
QUIET_MS = 1500


def watching_edits(page):
    """Wait until Wagtail's form watches for changes (2 s after it loads).

    Changes made before are part of the form's initial state and never
    autosaved.
    """
    page.wait_for_function("() => window.clinicAutosave.watching")


def autosaves(page):
    """How many autosaves the current page has started so far."""
    return page.evaluate("() => window.clinicAutosave.saves")


def autosave_settled(page, after=None):
    """Wait until no autosave is under way or about to start.

    Every autosave started has been answered, none has started and nothing
    was typed for ``QUIET_MS``; with ``after``, more than ``after`` autosaves
    have started on this page (the editor's last change was sent).
    """
    page.wait_for_function(
        """([after, quiet]) => {
            const a = window.clinicAutosave;
            return (after === null || a.saves > after) && a.answers >= a.saves
                && Date.now() - a.last > quiet;
        }""",
        arg=[after, QUIET_MS],
        polling=250,
        timeout=AUTOSAVE_TIMEOUT_MS,
    )


def autosave_state(page):
    """The autosave indicator in the editor's header."""
    return page.locator("#w-autosave-indicator")


def paste(page, field, text):
    """Paste ``text`` into ``field`` through the system clipboard (Ctrl+V)."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    field.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("ControlOrMeta+v")


def counter_of(field):
    """The character counter shown under ``field``."""
    return field.locator(
        "xpath=following-sibling::p[contains(@class, 'clinic-char-count')][1]"
    )


def publish(page):
    """Click "Publish" in the editor's footer menu."""
    open_footer_menu(page)
    page.get_by_role("button", name="Publish", exact=True).click()


def body_blocks(page):
    """The blocks of the article's body in the editor, in order."""
    return page.locator(
        "#body-root > [data-streamfield-stream-container] > [data-streamfield-child]"
    )


def expect_every_block(page, note):
    """Every block the editor added is in the form, with what was typed."""
    blocks = body_blocks(page)
    expect(blocks).to_have_count(4)
    heading, paragraph, frequency, quote = (blocks.nth(i) for i in range(4))
    expect(
        heading.get_by_role("textbox", name=re.compile("^Heading text"))
    ).to_have_value(HEADING)
    expect(paragraph.get_by_role("textbox")).to_have_text(PARAGRAPH)
    expect(
        frequency.get_by_role("textbox", name=re.compile("^How often"))
    ).to_have_value(HOW_OFTEN)
    expect(frequency.get_by_role("textbox", name=re.compile("^Note"))).to_have_value(
        note
    )
    expect(quote.get_by_role("textbox", name=re.compile("^Quote"))).to_have_value(QUOTE)
    return frequency


def test_a_pasted_over_long_note_is_counted_refused_and_fixed(
    page, live_server, condition_index
):
    # A browser counts "\n" as one character, as the server now does.
    assert (len(NOTE), len(PASTED_NOTE)) == (LIMIT, 516)
    assert NOTE.count("\n") == PASTED_NOTE.count("\n") == 4
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page.add_init_script(WATCH_AUTOSAVE)
    log_in(page, USERNAME, PASSWORD)
    open_in_explorer(page, condition_index.get_parent().title, condition_index.title)
    page.get_by_role("link", name="Add child page").click()
    expect(page.get_by_role("heading", name="New: Condition article")).to_be_attached()
    watching_edits(page)

    page.get_by_placeholder("Page title").fill(TITLE)
    fill_field(page, "Condition name", CONDITION_NAME)
    fill_field(page, "Lede", LEDE)
    block = add_block(page, "Heading")
    fill_field(block, "Heading text", HEADING)
    block = add_block(page, "Paragraph")
    fill_rich_text(page, block, PARAGRAPH)
    # Wagtail 8 autosaves the new page as a draft and turns the form into
    # its edit form: from here on the editor works on that draft.
    expect(page).to_have_url(
        re.compile(r"/admin/pages/\d+/edit/"), timeout=AUTOSAVE_TIMEOUT_MS
    )
    article = ConditionPage.objects.get(title=TITLE)
    expect(autosave_state(page)).to_have_attribute(
        "data-w-autosave-state-value", "saved", timeout=AUTOSAVE_TIMEOUT_MS
    )

    frequency = add_block(page, "How often")
    fill_field(frequency, "How often", HOW_OFTEN)
    note = frequency.get_by_role("textbox", name=re.compile("^Note"))
    counter = counter_of(note)
    expect(counter).to_have_text(re.compile(rf"^0 / {LIMIT} characters"))

    # --- The paste: nothing cut, the counter counts what the browser shows.
    paste(page, note, PASTED_NOTE)
    expect(note).to_have_value(PASTED_NOTE)
    expect(counter).to_have_text(re.compile(rf"^516 / {LIMIT} characters"))
    expect(counter).to_have_class(re.compile(r"\bclinic-char-count--over\b"))
    # The draft cannot take the note: autosave pauses, as it did in the issue.
    expect(autosave_state(page)).to_have_attribute(
        "data-w-autosave-state-value", "paused", timeout=AUTOSAVE_TIMEOUT_MS
    )

    # One more block after the over-long note, which autosave cannot save.
    saves = autosaves(page)
    block = add_block(page, "Quote")
    fill_field(block, "Quote", QUOTE)
    autosave_settled(page, saves)
    expect(autosave_state(page)).to_have_attribute(
        "data-w-autosave-state-value", "paused"
    )

    # --- Publishing is refused, with the error on the note; no block lost.
    publish(page)
    expect(page.get_by_role("status")).to_contain_text(
        "The page could not be saved due to validation errors"
    )
    expect(page).to_have_url(re.compile(rf"/admin/pages/{article.pk}/edit/"))
    frequency = expect_every_block(page, PASTED_NOTE)
    # The error is the note's own, under the note (ids as Wagtail names them).
    expect(frequency.locator("[id$='-value-note-errors']")).to_have_text(
        "Ensure this value has at most 500 characters (it has 516)."
    )
    article.refresh_from_db()
    assert not article.live

    # --- Shortened to 500, line breaks kept: it publishes.
    # The page with the errors autosaved once as it loaded (refused again);
    # Wagtail then waits for the editor to save by hand.
    autosave_settled(page, 0)
    note = frequency.get_by_role("textbox", name=re.compile("^Note"))
    paste(page, note, NOTE)
    expect(note).to_have_value(NOTE)
    counter = counter_of(note)
    expect(counter).to_have_text(re.compile(rf"^500 / {LIMIT} characters"))
    expect(counter).not_to_have_class(re.compile(r"\bclinic-char-count--over\b"))
    autosave_settled(page)
    publish(page)
    expect(page.get_by_role("status")).to_contain_text(
        f"Page '{TITLE}' has been published."
    )

    article.refresh_from_db()
    assert article.live
    assert not article.has_unpublished_changes
    assert [child.block_type for child in article.body] == [
        "heading",
        "paragraph",
        "frequency",
        "quote",
    ]
    heading, paragraph, stored, quote = (child.value for child in article.body)
    assert heading["text"] == HEADING
    assert PARAGRAPH in paragraph.source
    # Stored with the editor's line breaks, as LF.
    assert (stored["how_often"], stored["note"]) == (HOW_OFTEN, NOTE)
    assert quote["text"] == QUOTE

    # --- The live page shows the note, every line of it.
    page.get_by_role("status").get_by_role("link", name="View live").click()
    expect(page).to_have_url(re.compile(re.escape(article.url) + "$"))
    shown = page.locator(".clinic-frequency__note")
    for line in NOTE_LINES:
        expect(shown).to_contain_text(line)
    expect(page.get_by_text(HOW_OFTEN, exact=True)).to_be_visible()
    expect(page.get_by_text(QUOTE)).to_be_visible()
