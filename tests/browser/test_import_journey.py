"""An editor finishes an article imported from WordPress, in the admin.

The journey of issue 15 ("move a clinic's WordPress articles in with one
command"), driving Chromium:

1. ``manage.py import_wordpress`` imports the WXR fixture (a clinic blog
   exported with Tools › Export) under the site's condition index, as drafts,
   reading the images from a copy of the uploads folder.
2. Its report lists one thing to check for the back-pain article (the
   reference article): the 80 % statistic became a key fact whose statement
   still starts with the figure, so the published page would read
   "80% About 80% of adults …".
3. An editor in Wagtail's "Moderators" group logs in, finds the imported
   draft in the explorer, rewords the key fact's statement, and publishes.
4. The live page shows the fixed key fact and every paragraph of the
   WordPress post; the clinic API, which answered 404 for the draft, now
   serves the page with the fix.
"""

import re

from io import StringIO

import pytest

from bs4 import BeautifulSoup
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_editor_journey import (
    field_name,
    log_in,
    make_moderator,
    open_footer_menu,
    open_in_explorer,
)
from tests.wordpress_import_utils import (
    UPLOADS,
    WXR,
    make_conditions_index,
    normalise,
    source_paragraphs,
)
from wagtail_clinic.importers.wordpress import read_export
from wagtail_clinic.models import ConditionPage, WordPressImport


USERNAME = "sam.editor"
PASSWORD = "correct horse battery staple"

#: The reference article's WordPress post id in the fixture.
POST_ID = "101"
#: What the importer reports for it, and the statement it made.
REPORTED = "Key fact 80% made from a paragraph: check its wording"
IMPORTED_STATEMENT = (
    "About 80% of adults will have lower back pain at some point in their "
    "lives, according to the national back pain fact sheet."
)
FIGURE = "80%"
#: The editor's fix: the figure is shown in front of the statement already.
FIXED_STATEMENT = "of adults will have lower back pain at some point in their lives."

API = "/api/v3/clinic"


@pytest.fixture
def imported():
    """The site, the editor, and the import's output and reference article."""
    index = make_conditions_index()
    out = StringIO()
    call_command(
        "import_wordpress",
        str(WXR),
        parent="/conditions/",
        images_from=str(UPLOADS),
        stdout=out,
    )
    record = WordPressImport.objects.get(post_id=POST_ID)
    return {
        "index": index,
        "output": out.getvalue(),
        "article": ConditionPage.objects.get(pk=record.page_id),
        "post": next(p for p in read_export(WXR).posts if str(p.id) == POST_ID),
        "editor": make_moderator(USERNAME, PASSWORD),
    }


def reported_items(output):
    """The report's "to check" lines for the reference post, but skipped comments."""
    prefix = f"  - #{POST_ID} "
    return [
        line
        for line in output.splitlines()
        if line.startswith(prefix) and "awaiting moderation skipped" not in line
    ]


def body_of(api_json, block_type):
    """The values of the ``block_type`` blocks of an API page detail."""
    return [block["value"] for block in api_json["body"] if block["type"] == block_type]


def test_editor_fixes_and_publishes_an_imported_article(page, imported):
    article = imported["article"]
    output = imported["output"]

    # --- The import: a draft, and one thing for an editor to check.
    assert not article.live
    items = reported_items(output)
    assert len(items) == 1, items
    assert f": {REPORTED}: " in items[0], items
    (fact,) = [
        block.value
        for block in article.get_latest_revision_as_object().body
        if block.block_type == "key_fact"
    ]
    assert (fact["value"], fact["statement"]) == (FIGURE, IMPORTED_STATEMENT)
    # A draft is not in the API.
    draft_answer = page.request.get(f"{API}/pages/{article.pk}/")
    assert draft_answer.status == 404, draft_answer.status

    # --- The editor finds the draft in the explorer and opens it.
    log_in(page, USERNAME, PASSWORD)
    index = imported["index"]
    open_in_explorer(page, index.get_parent().title, index.title)
    page.get_by_role("link", name=article.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{article.pk}/edit/"))
    expect(page.get_by_placeholder("Page title")).to_have_value(article.title)

    # --- Rewords the key fact the report names.
    statement = page.get_by_role("textbox", name=field_name("Statement"))
    expect(statement).to_have_value(IMPORTED_STATEMENT)
    statement.fill(FIXED_STATEMENT)
    expect(statement).to_have_value(FIXED_STATEMENT)

    # --- Publishes.
    open_footer_menu(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Page '{article.title}' has been published."
    )

    article.refresh_from_db()
    assert article.live
    assert not article.has_unpublished_changes
    assert article.live_revision == article.latest_revision
    assert article.latest_revision.user == imported["editor"]
    (fact,) = [block.value for block in article.body if block.block_type == "key_fact"]
    assert dict(fact) == {
        "value": FIGURE,
        "statement": FIXED_STATEMENT,
        "source_title": "national back pain fact sheet",
        "source_url": "https://health.example.org/back-pain-facts",
    }

    # --- The live page: the fixed key fact, every paragraph of the post.
    page.get_by_role("status").get_by_role("link", name="View live").click()
    expect(page).to_have_url(re.compile(re.escape(article.url) + "$"))
    expect(page.get_by_role("heading", name=article.title, level=1)).to_be_visible()
    key_fact = page.get_by_role("figure").filter(has_text=FIXED_STATEMENT)
    expect(key_fact.get_by_text(FIGURE, exact=True)).to_be_visible()
    expect(key_fact).to_contain_text(f"{FIGURE} {FIXED_STATEMENT}")
    expect(
        key_fact.get_by_role("link", name="national back pain fact sheet")
    ).to_have_attribute("href", "https://health.example.org/back-pain-facts")
    soup = BeautifulSoup(page.content(), "html.parser")
    for hidden in soup.find_all(["script", "style"]):
        hidden.decompose()
    text = normalise(soup.get_text(" "))
    assert normalise(IMPORTED_STATEMENT) not in text
    # Every paragraph, list item and quote of the post, but the one the
    # editor has just reworded as the key fact.
    paragraphs = source_paragraphs(imported["post"].content)
    paragraphs.remove(normalise(IMPORTED_STATEMENT))
    assert len(paragraphs) >= 5, paragraphs
    missing = [paragraph for paragraph in paragraphs if paragraph not in text]
    assert not missing, missing

    # --- The API serves the live page with the fix.
    for url in (
        f"{API}/pages/{article.pk}/",
        f"{API}/pages/by-path/?path=/conditions/{article.slug}/",
    ):
        answer = page.request.get(url)
        assert answer.status == 200, (url, answer.status)
        detail = answer.json()
        assert detail["id"] == article.pk
        assert detail["title"] == article.title
        assert [(f["value"], f["statement"]) for f in body_of(detail, "key_fact")] == [
            (FIGURE, FIXED_STATEMENT)
        ]
