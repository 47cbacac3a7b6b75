"""Length limits that count what the editor sees, and errors that keep the work.

Browsers send a textarea's line breaks as CRLF but count them as one
character; the app reads them as LF before validating (issue 15, trap 1).
"""

import json

from django.http import QueryDict
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.utils import make_condition_index, make_condition_page, make_site_tree
from wagtail_clinic.blocks import FrequencyBlock, HeadingBlock, KeyFactBlock
from wagtail_clinic.blocks.content import PARAGRAPH_FEATURES
from wagtail_clinic.blocks.text import (
    CountedTextarea,
    TextBlock,
    normalise_line_breaks,
)
from wagtail_clinic.models import ConditionPage


def crlf_text(length, line_length=100):
    """``length`` characters as the editor sees them, in lines joined by CRLF.

    Each line break counts as one character (as the browser counts it) but
    is posted as two, as browsers submit textareas.
    """
    lines, remaining = [], length
    while remaining > 0:
        take = min(line_length, remaining)
        lines.append("x" * (take - 1) + ".")
        remaining -= take + 1
    text = "\n".join(lines)
    text = text[:length]
    assert len(text) == length and text.count("\n") > 0
    return text.replace("\n", "\r\n")


BLOCKS = ["heading", "paragraph", "frequency", "key_fact", "quote"]


def article_data(note):
    """What the admin posts for an article whose "How often" note is ``note``."""
    return nested_form_data(
        {
            "title": "Relief From Pain In The Back",
            "slug": "back-pain",
            "condition_name": "Back pain",
            "intro": "How massage helps.\r\nAnd how often to book it.",
            "body": streamfield(
                [
                    ("heading", {"text": "How massage helps", "level": "2"}),
                    (
                        "paragraph",
                        rich_text(
                            "<p>Massage eases tight muscles.</p>",
                            features=PARAGRAPH_FEATURES,
                        ),
                    ),
                    (
                        "frequency",
                        {
                            "heading": "How often?",
                            "how_often": "Every 2 to 3 weeks",
                            "note": note,
                        },
                    ),
                    (
                        "key_fact",
                        {"value": "85%", "statement": "of adults get back pain."},
                    ),
                    ("quote", {"text": "I can garden again.", "attribution": ""}),
                ]
            ),
        }
    )


class EditorLimitsTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        cls.superuser = cls.create_superuser("editor")
        cls.index = make_condition_index(home)
        cls.article = make_condition_page(cls.index, slug="back-pain")

    def setUp(self):
        self.client.force_login(self.superuser)
        self.edit_url = reverse("wagtailadmin_pages:edit", args=[self.article.pk])

    def publish(self, note, **extra):
        data = article_data(note)
        data["action-publish"] = "action-publish"
        return self.client.post(self.edit_url, data, **extra)

    def form_state(self, response):
        """The StreamField blocks the re-rendered edit form holds, and their errors."""
        soup = self.get_soup(response.content)
        body = soup.select_one('[id="body"][data-controller="w-block"]')
        value, errors = json.loads(body["data-w-block-arguments-value"])
        return value, errors


class TestLineBreaksCountOnce(EditorLimitsTestCase):
    def test_500_characters_with_crlf_line_breaks_publish(self):
        note = crlf_text(500)
        self.assertEqual(len(note), 500 + note.count("\r\n"))  # 504 as posted

        response = self.publish(note)

        self.assertEqual(response.status_code, 302, response.content[:2000])
        page = ConditionPage.objects.get(pk=self.article.pk)
        self.assertTrue(page.live)
        stored = page.body[2].value["note"]
        self.assertEqual(len(stored), 500)
        self.assertNotIn("\r", stored)
        self.assertEqual(stored, note.replace("\r\n", "\n"))
        self.assertEqual(page.intro, "How massage helps.\nAnd how often to book it.")
        self.assertEqual([child.block_type for child in page.body], BLOCKS)

    def test_516_characters_get_a_field_error_with_the_count_and_keep_every_block(
        self,
    ):
        response = self.publish(crlf_text(516))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The page could not be saved due to validation")
        value, errors = self.form_state(response)
        # Every posted block is in the form again, in order, with its text.
        self.assertEqual([block["type"] for block in value], BLOCKS)
        self.assertEqual(value[0]["value"]["text"], "How massage helps")
        self.assertEqual(
            value[2]["value"]["note"], crlf_text(516).replace("\r\n", "\n")
        )
        self.assertEqual(value[4]["value"]["text"], "I can garden again.")
        # The error is on the note of the third block and counts as the browser.
        note_errors = errors["blockErrors"]["2"]["blockErrors"]["note"]
        self.assertEqual(
            note_errors["messages"],
            ["Ensure this value has at most 500 characters (it has 516)."],
        )
        self.assertEqual(list(errors["blockErrors"]), ["2"])
        # Nothing was published or saved as a revision.
        page = ConditionPage.objects.get(pk=self.article.pk)
        self.assertEqual(list(page.body), [])
        self.assertEqual(page.revisions.count(), 0)

    def test_autosave_keeps_the_draft_in_step_with_line_breaks(self):
        """Autosave (a JSON save) of a 500-character CRLF note succeeds; an
        over-long one is refused whole, as Wagtail does for any invalid form."""
        data = article_data(crlf_text(500))
        response = self.client.post(
            self.edit_url, data, headers={"Accept": "application/json"}
        )
        self.assertEqual(response.status_code, 200, response.content[:500])
        self.assertTrue(response.json()["success"])
        revision = self.article.revisions.order_by("pk").last()
        self.assertEqual(len(revision.as_object().body[2].value["note"]), 500)

        data = article_data(crlf_text(516))
        data["overwrite_revision_id"] = str(revision.pk)
        response = self.client.post(
            self.edit_url, data, headers={"Accept": "application/json"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error_code"], "validation_error")
        self.assertEqual(self.article.revisions.count(), 1)

    def test_the_lede_counts_line_breaks_once(self):
        data = article_data("")
        data["intro"] = crlf_text(600)
        data["action-publish"] = "action-publish"
        response = self.client.post(self.edit_url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertEqual(len(ConditionPage.objects.get(pk=self.article.pk).intro), 600)

        data["intro"] = crlf_text(601)
        response = self.client.post(self.edit_url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "at most 600 characters (it has 601)")


class TestCharacterCounter(EditorLimitsTestCase):
    def test_limited_fields_show_a_counter_instead_of_a_hard_cut(self):
        response = self.client.get(self.edit_url)
        soup = self.get_soup(response.content)
        intro = soup.select_one('textarea[name="intro"]')
        self.assertNotIn("maxlength", intro.attrs)
        self.assertIn("clinic-count", intro["data-controller"].split())
        self.assertIn("w-autosize", intro["data-controller"].split())
        self.assertEqual(intro["data-clinic-count-max-value"], "600")
        # A textarea's counter always shows; a one-line input's from 80 %.
        self.assertNotIn("data-clinic-count-threshold-value", intro.attrs)
        condition_name = soup.select_one('input[name="condition_name"]')
        self.assertEqual(condition_name.get("maxlength"), "150")  # Django's own
        self.assertContains(response, "wagtail_clinic/js/character-count.js")

    def test_stream_blocks_carry_the_counter_and_not_the_browser_limit(self):
        response = self.client.get(self.edit_url)
        soup = self.get_soup(response.content)
        body = soup.select_one('[id="body"][data-controller="w-block"]')
        definitions = body["data-w-block-data-value"]
        self.assertIn('data-clinic-count-max-value=\\"500\\"', definitions)
        self.assertNotIn("maxlength", definitions)
        self.assertIn('data-clinic-count-threshold-value=\\"0.8\\"', definitions)


class TestBlocks(EditorLimitsTestCase):
    def test_normalise_line_breaks(self):
        self.assertEqual(normalise_line_breaks("a\r\nb\rc\nd"), "a\nb\nc\nd")
        self.assertIsNone(normalise_line_breaks(None))

    def test_block_reads_posted_crlf_as_lf(self):
        block = FrequencyBlock()
        data = QueryDict(mutable=True)
        data.update(
            {
                "f-heading": "",
                "f-how_often": "Weekly",
                "f-note": "one\r\ntwo\rthree",
            }
        )
        value = block.value_from_datadict(data, {}, "f")
        self.assertEqual(value["note"], "one\ntwo\nthree")

    def test_clean_counts_line_breaks_once_also_outside_the_form(self):
        block = TextBlock(max_length=7)
        self.assertEqual(block.clean("abc\r\nde"), "abc\nde")

    def test_blocks_deconstruct_as_wagtails_own(self):
        """No migration for sites using the blocks: the state is unchanged."""
        heading = HeadingBlock().child_blocks["text"]
        self.assertEqual(heading.deconstruct()[0], "wagtail.blocks.CharBlock")
        statement = KeyFactBlock().child_blocks["statement"]
        self.assertEqual(statement.deconstruct()[0], "wagtail.blocks.TextBlock")
        self.assertIsInstance(statement.field.widget, CountedTextarea)
