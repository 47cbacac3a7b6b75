"""Every block on its own: rendering, validation, round trips and editor metadata."""

import datetime
import re

from pathlib import Path

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from wagtail.blocks import StreamValue
from wagtail.test.utils import WagtailTestUtils

import wagtail_clinic

from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    page_link,
    set_default_clinic,
)
from wagtail_clinic.blocks import (
    ArticleStreamBlock,
    BenefitsBlock,
    BookingCTABlock,
    CalloutBlock,
    FaqBlock,
    FrequencyBlock,
    HeadingBlock,
    ImageBlock,
    KeyFactBlock,
    MassageTypesBlock,
    MassageTypeStreamBlock,
    ParagraphBlock,
    QuoteBlock,
    ReferencesBlock,
)
from wagtail_clinic.blocks.streams import RESERVED_ANCHORS, outline
from wagtail_clinic.models.settings import DEFAULT_DISCLAIMER, ClinicSettings


def soup(html):
    return WagtailTestUtils.get_soup(str(html))


def render(block, raw, context=None):
    """Render ``block`` for a raw (JSON-like) value and parse the result."""
    return soup(block.render(block.to_python(raw), context=context))


def clean(block, raw):
    return block.clean(block.to_python(raw))


def error_messages(error, *path):
    """The messages of the error found by following ``path`` through block_errors."""
    for key in path:
        error = error.block_errors[key]
    return error.messages


def text(element):
    return " ".join(element.get_text(" ", strip=True).split())


def _leaves(value):
    """The (path, leaf) pairs of a raw block value, for subset comparisons."""
    if isinstance(value, dict):
        return {
            (f"{key}.{path}", leaf)
            for key, child in value.items()
            for path, leaf in _leaves(child)
        }
    if isinstance(value, list):
        result = set()
        for index, child in enumerate(value):
            # ListBlock items are stored as {"type": "item", "value": …, "id": …}.
            child = (
                child["value"]
                if isinstance(child, dict) and "type" in child and "value" in child
                else child
            )
            result |= {(f"{index}.{path}", leaf) for path, leaf in _leaves(child)}
        return result
    return {("", value)}


class BlockErrorAssertions:
    def assertBlockError(self, block, raw, path, message):
        """Cleaning ``raw`` fails with ``message`` on exactly the field at ``path``."""
        with self.assertRaises(ValidationError) as caught:
            clean(block, raw)
        error = caught.exception
        for key in path[:-1]:
            self.assertEqual(set(error.block_errors), {key})
            error = error.block_errors[key]
        self.assertEqual(set(error.block_errors), {path[-1]})
        self.assertEqual(error.block_errors[path[-1]].messages, [message])


class TestHeadingBlock(BlockErrorAssertions, SimpleTestCase):
    block = HeadingBlock()

    def test_renders_an_h2_with_its_anchor(self):
        html = render(
            self.block, {"text": "How it works", "level": "2", "anchor": "how"}
        )
        heading = html.select_one("h2")
        self.assertEqual(heading["id"], "how")
        self.assertEqual(text(heading), "How it works")

    def test_renders_an_h3(self):
        html = render(self.block, {"text": "Deep tissue", "level": "3", "anchor": ""})
        self.assertIsNone(html.select_one("h2"))
        self.assertEqual(text(html.select_one("h3")), "Deep tissue")

    def test_blank_anchor_renders_an_id_made_from_the_text(self):
        html = render(self.block, {"text": "Why it hurts", "level": "2", "anchor": ""})
        self.assertEqual(html.select_one("h2")["id"], "why-it-hurts")

    def test_anchor_with_invalid_characters_is_an_error(self):
        self.assertBlockError(
            self.block,
            {"text": "Why", "level": "2", "anchor": "why it #hurts"},
            ["anchor"],
            "Use only letters, numbers, hyphens and underscores, with no spaces, "
            "e.g. how-massage-helps.",
        )

    def test_text_is_required(self):
        self.assertBlockError(
            self.block,
            {"text": "", "level": "2", "anchor": ""},
            ["text"],
            "This field is required.",
        )


class TestParagraphBlock(TestCase):
    block = ParagraphBlock()

    def test_renders_rich_text_with_expanded_links_and_lists(self):
        _root, home = make_site_tree()
        index = make_condition_index(home)
        html = render(
            self.block,
            f"<p>See {page_link(index, 'our conditions')}.</p><ul><li>One</li></ul>",
        )
        self.assertEqual(html.select_one("a")["href"], index.url)
        self.assertEqual(text(html.select_one("a")), "our conditions")
        self.assertEqual(text(html.select_one("ul > li")), "One")

    def test_offers_bold_italic_links_and_lists(self):
        self.assertEqual(
            set(self.block.features), {"bold", "italic", "link", "ol", "ul"}
        )


class TestKeyFactBlock(BlockErrorAssertions, SimpleTestCase):
    block = KeyFactBlock()

    def test_renders_the_figure_statement_and_source_link(self):
        html = render(
            self.block,
            {
                "value": "85%",
                "statement": "of adults will suffer from back pain.",
                "source_title": "National survey",
                "source_url": "https://health.example/survey",
            },
        )
        self.assertIn("85%", text(html))
        self.assertIn("of adults will suffer from back pain.", text(html))
        link = html.select_one("a")
        self.assertEqual(link["href"], "https://health.example/survey")
        self.assertEqual(text(link), "National survey")

    def test_source_title_without_link_is_shown_as_text(self):
        html = render(
            self.block,
            {"value": "1 in 4", "statement": "x", "source_title": "A survey"},
        )
        self.assertIsNone(html.select_one("a"))
        self.assertIn("A survey", text(html))

    def test_without_a_source_shows_no_source(self):
        html = render(self.block, {"value": "1 in 4", "statement": "get back pain"})
        self.assertNotIn("Source", text(html))

    def test_source_link_needs_a_title(self):
        self.assertBlockError(
            self.block,
            {"value": "85%", "statement": "x", "source_url": "https://a.example/"},
            ["source_title"],
            "Name the source you are linking to.",
        )


class TestMassageTypesBlock(BlockErrorAssertions, TestCase):
    block = MassageTypesBlock()

    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        index = make_massage_type_index(home)
        cls.shiatsu = make_massage_type(
            index, title="Shiatsu", summary="Finger pressure along the meridians."
        )
        cls.draft = make_massage_type(
            index, title="Cupping", summary="Suction cups.", live=False
        )

    def render_leaves(self, *items, heading="Types of massage"):
        return render(self.block, {"heading": heading, "items": list(items)})

    def test_items_link_live_pages_and_use_their_summary(self):
        html = self.render_leaves({"page": self.shiatsu.pk})
        link = html.select_one("li a")
        self.assertEqual(link["href"], self.shiatsu.url)
        self.assertEqual(text(link), "Shiatsu")
        self.assertIn(
            "Finger pressure along the meridians.", text(html.select_one("li"))
        )

    def test_name_and_description_override_the_page(self):
        html = self.render_leaves(
            {"page": self.shiatsu.pk, "name": "Acupressure", "description": "Points."}
        )
        item = html.select_one("li")
        self.assertEqual(text(item.select_one("a")), "Acupressure")
        self.assertIn("Points.", text(item))
        self.assertNotIn("meridians", text(item))

    def test_draft_pages_lend_nothing_and_are_never_linked(self):
        html = self.render_leaves(
            {"page": self.draft.pk},
            {"page": self.draft.pk, "name": "Cupping therapy"},
            {"name": "Hot stones"},
        )
        self.assertEqual(
            [text(item) for item in html.select("li")],
            ["Cupping therapy", "Hot stones"],
        )
        self.assertIsNone(html.select_one("a"))
        self.assertNotIn("Suction cups.", text(html))

    def test_section_heading_is_an_h2_with_an_anchor(self):
        html = self.render_leaves({"name": "Shiatsu"}, heading="Which massage helps?")
        self.assertEqual(html.select_one("h2")["id"], "which-massage-helps")

    def test_item_needs_a_page_or_a_name(self):
        self.assertBlockError(
            self.block,
            {"items": [{"name": "Shiatsu"}, {"page": None, "name": ""}]},
            ["items", 1, "page"],
            "Choose a massage type page or type a name.",
        )


class TestBenefitsBlock(SimpleTestCase):
    def test_renders_a_list_with_bold_titles(self):
        html = render(
            BenefitsBlock(),
            {
                "heading": "Health benefits",
                "items": [
                    {"title": "Less tension", "description": "Muscles relax."},
                    {"title": "Better sleep", "description": "You rest."},
                ],
            },
        )
        self.assertEqual(html.select_one("h2")["id"], "health-benefits")
        items = html.select("ul > li")
        self.assertEqual(
            [text(item.select_one("strong")) for item in items],
            ["Less tension", "Better sleep"],
        )
        self.assertIn("Muscles relax.", text(items[0]))


class TestFrequencyBlock(SimpleTestCase):
    def test_renders_the_recommendation_and_note(self):
        html = render(
            FrequencyBlock(),
            {
                "heading": "How often?",
                "how_often": "Every 2 to 3 weeks",
                "note": "Weekly at first.",
            },
        )
        self.assertEqual(text(html.select_one("h2")), "How often?")
        self.assertIn("Every 2 to 3 weeks", text(html))
        self.assertIn("Weekly at first.", text(html))

    def test_the_recommendation_is_a_labelled_value_not_a_paragraph_heading(self):
        """Not a big bold <p> (axe "p-as-heading"), and no extra heading."""
        html = render(
            FrequencyBlock(),
            {
                "heading": "How often?",
                "how_often": "Every 2 to 3 weeks",
                "note": "Weekly at first.",
            },
        )
        figure = html.select_one("dl.clinic-frequency__value")
        self.assertEqual(text(figure.select_one("dt")), "Our recommendation:")
        self.assertEqual(text(figure.select_one("dd")), "Every 2 to 3 weeks")
        self.assertEqual(
            [p.get("class") for p in html.select("p")], [["clinic-frequency__note"]]
        )
        self.assertEqual(
            [h.name for h in html.select("h1, h2, h3, h4, h5, h6, [role=heading]")],
            ["h2"],
        )


class TestFaqBlock(SimpleTestCase):
    def test_renders_questions_as_details_and_summary(self):
        html = render(
            FaqBlock(),
            {
                "heading": "Questions",
                "items": [
                    {
                        "question": "Does it hurt?",
                        "answer": "<p>It <b>should not</b>.</p>",
                    },
                    {"question": "How long?", "answer": "<p>An hour.</p>"},
                ],
            },
        )
        details = html.select("details")
        self.assertEqual(
            [text(d.select_one("summary")) for d in details],
            ["Does it hurt?", "How long?"],
        )
        self.assertEqual(text(details[0].select_one("b")), "should not")


class TestCalloutBlock(BlockErrorAssertions, TestCase):
    block = CalloutBlock()

    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        cls.site = home.get_site()

    def test_renders_heading_and_text(self):
        html = render(
            self.block,
            {
                "tone": "warning",
                "heading": "Careful",
                "text": "<p>Not after surgery.</p>",
            },
        )
        self.assertIn("Careful", text(html))
        self.assertIn("Not after surgery.", text(html))

    def test_blank_disclaimer_shows_the_sites_default_disclaimer(self):
        settings = ClinicSettings.for_site(self.site)
        settings.default_disclaimer = "Ask your physician first."
        settings.save()
        html = render(self.block, {"tone": "disclaimer", "heading": "", "text": ""})
        self.assertIn("Ask your physician first.", text(html))

    def test_blank_disclaimer_falls_back_to_the_built_in_wording(self):
        html = render(self.block, {"tone": "disclaimer", "heading": "", "text": ""})
        self.assertIn(str(DEFAULT_DISCLAIMER), text(html))
        self.assertIn("Speak with your doctor", text(html))

    def test_written_disclaimer_replaces_the_default(self):
        html = render(
            self.block, {"tone": "disclaimer", "text": "<p>Our own words.</p>"}
        )
        self.assertIn("Our own words.", text(html))
        self.assertNotIn("Speak with your doctor", text(html))

    def test_text_is_required_unless_disclaimer(self):
        self.assertBlockError(
            self.block,
            {"tone": "info", "heading": "Note", "text": ""},
            ["text"],
            "Write the callout text. Only a disclaimer may be left blank to use "
            "the default wording.",
        )
        clean(self.block, {"tone": "disclaimer", "heading": "", "text": ""})


class TestImageBlock(BlockErrorAssertions, TestCase):
    block = ImageBlock()

    def setUp(self):
        self.image = make_image()

    def test_renders_alt_text_and_caption(self):
        html = render(
            self.block,
            {
                "image": self.image.pk,
                "alt_text": "A therapist at work",
                "caption": "Hi",
            },
        )
        img = html.select_one("figure img")
        self.assertEqual(img["alt"], "A therapist at work")
        self.assertTrue(img["src"])
        self.assertEqual(text(html.select_one("figcaption")), "Hi")

    def test_decorative_image_has_empty_alt(self):
        html = render(
            self.block,
            {"image": self.image.pk, "decorative": True, "alt_text": "Ignored"},
        )
        self.assertEqual(html.select_one("img")["alt"], "")

    def test_alt_text_is_required_unless_decorative(self):
        self.assertBlockError(
            self.block,
            {"image": self.image.pk, "decorative": False, "alt_text": "  "},
            ["alt_text"],
            "Describe the image, or tick 'Decorative only' if it adds no information.",
        )
        clean(self.block, {"image": self.image.pk, "decorative": True, "alt_text": ""})

    def test_image_is_required(self):
        self.assertBlockError(
            self.block,
            {"image": None, "alt_text": "Something"},
            ["image"],
            "This field is required.",
        )


class TestQuoteBlock(SimpleTestCase):
    def test_renders_a_blockquote_with_attribution(self):
        html = render(
            QuoteBlock(), {"text": "I can garden again.", "attribution": "A patient"}
        )
        self.assertEqual(text(html.select_one("blockquote")), "I can garden again.")
        self.assertIn("A patient", text(html))


class TestReferencesBlock(BlockErrorAssertions, SimpleTestCase):
    block = ReferencesBlock()

    def test_renders_a_numbered_list(self):
        html = render(
            self.block,
            {
                "heading": "Sources",
                "items": [
                    {
                        "title": "Massage for low back pain",
                        "url": "https://journal.example/1",
                        "publisher": "Cochrane",
                        "year": 2015,
                    },
                    {"title": "A book", "url": "", "publisher": "", "year": None},
                ],
            },
        )
        items = html.select("ol > li")
        self.assertEqual(len(items), 2)
        self.assertEqual(items[0].select_one("a")["href"], "https://journal.example/1")
        self.assertIn("Cochrane", text(items[0]))
        self.assertIn("2015", text(items[0]))
        self.assertIsNone(items[1].select_one("a"))

    def test_year_in_the_future_is_an_error(self):
        next_year = datetime.date.today().year + 1
        self.assertBlockError(
            self.block,
            {"items": [{"title": "Later", "year": next_year + 1}]},
            ["items", 0, "year"],
            "Enter a year no later than next year.",
        )
        clean(self.block, {"items": [{"title": "In press", "year": next_year}]})


class TestBookingCTABlock(BlockErrorAssertions, TestCase):
    block = BookingCTABlock()

    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.site = cls.home.get_site()
        cls.clinic = make_clinic()
        cls.no_contact = make_clinic(
            name="Pop-up Clinic", phone="", booking_url="", accepting_new_patients=False
        )
        cls.request_page = make_condition_index(cls.home, title="Request a visit")

    def cta(self, **value):
        value.setdefault("clinic", self.clinic.pk)
        return value

    def button(self, html):
        return html.select_one("a")

    def test_book_online_links_to_the_clinics_booking_url(self):
        html = render(self.block, self.cta(action="book_online"))
        self.assertEqual(
            self.button(html)["href"], "https://southside.janeapp.example/"
        )

    def test_call_links_to_the_clinics_phone(self):
        html = render(self.block, self.cta(action="call"))
        self.assertEqual(self.button(html)["href"], "tel:+17805550123")
        self.assertEqual(text(self.button(html)), "Call (780) 555-0123")

    def test_request_form_links_to_the_chosen_page(self):
        html = render(
            self.block, self.cta(action="request_form", link_page=self.request_page.pk)
        )
        self.assertEqual(self.button(html)["href"], self.request_page.url)

    def test_link_goes_to_a_page_or_a_web_address(self):
        html = render(
            self.block, self.cta(action="link", link_page=self.request_page.pk)
        )
        self.assertEqual(self.button(html)["href"], self.request_page.url)
        html = render(
            self.block, self.cta(action="link", link_url="https://x.example/")
        )
        self.assertEqual(self.button(html)["href"], "https://x.example/")

    def test_button_label_can_be_set(self):
        html = render(self.block, self.cta(action="book_online", button_label="Book!"))
        self.assertEqual(text(self.button(html)), "Book!")

    def test_says_now_booking_when_the_clinic_accepts_new_patients(self):
        html = render(self.block, self.cta(action="call", text="Call right away."))
        self.assertIn("Now booking new appointments!", text(html))
        self.assertIn("Call right away.", text(html))

    def test_no_now_booking_when_the_clinic_is_full(self):
        html = render(
            self.block,
            self.cta(
                action="link", clinic=self.no_contact.pk, link_url="https://x.example/"
            ),
        )
        self.assertNotIn("Now booking", text(html))

    def test_uses_the_default_clinic_when_none_is_chosen(self):
        set_default_clinic(self.site, self.clinic)
        html = render(self.block, {"action": "call", "clinic": None})
        self.assertEqual(self.button(html)["href"], "tel:+17805550123")
        clean(self.block, {"action": "book_online", "clinic": None})

    def test_book_online_needs_a_clinic_with_a_booking_url(self):
        self.assertBlockError(
            self.block,
            self.cta(action="book_online", clinic=self.no_contact.pk),
            ["clinic"],
            "Pop-up Clinic has no online booking URL. Add one to the clinic, "
            "choose another clinic or another button action.",
        )

    def test_booking_needs_a_clinic_when_there_is_no_default(self):
        self.assertBlockError(
            self.block,
            {"action": "book_online", "clinic": None},
            ["clinic"],
            "Choose a clinic: no default clinic is set in Settings › Clinic settings.",
        )

    def test_call_needs_a_clinic_with_a_phone(self):
        self.assertBlockError(
            self.block,
            self.cta(action="call", clinic=self.no_contact.pk),
            ["clinic"],
            "Pop-up Clinic has no phone number. Add one to the clinic, choose "
            "another clinic or another button action.",
        )

    def test_default_clinic_without_a_phone_cannot_be_called(self):
        set_default_clinic(self.site, self.no_contact)
        with self.assertRaises(ValidationError) as caught:
            clean(self.block, {"action": "call", "clinic": None})
        self.assertIn(
            "Pop-up Clinic has no phone number.",
            error_messages(caught.exception, "clinic")[0],
        )

    def test_request_form_needs_a_page(self):
        self.assertBlockError(
            self.block,
            self.cta(action="request_form"),
            ["link_page"],
            "Choose the appointment request page: the site has no published "
            "appointment request page to use.",
        )

    def test_link_needs_a_page_or_a_web_address(self):
        self.assertBlockError(
            self.block,
            self.cta(action="link"),
            ["link_page"],
            "Choose a page or enter a web address.",
        )


class TestArticleStreamBlock(TestCase):
    block = ArticleStreamBlock()

    def test_the_booking_call_to_action_is_not_in_the_outline(self):
        """Its default "Book an appointment" is no table-of-contents entry."""
        value = self.block.to_python(
            [
                self.heading("How massage helps"),
                {
                    "type": "booking_cta",
                    "value": {"heading": "Book an appointment", "action": "call"},
                },
                self.benefits("Benefits"),
            ]
        )
        self.assertEqual(
            [(entry.level, entry.text, entry.anchor) for entry in outline(value)],
            [
                (2, "How massage helps", "how-massage-helps"),
                (2, "Benefits", "benefits"),
            ],
        )
        # Still a heading of the page, so its anchor stays unique.
        self.assertEqual(value[1].value.anchor_id, "book-an-appointment")

    def heading(self, text, level="2", anchor=""):
        return {
            "type": "heading",
            "value": {"text": text, "level": level, "anchor": anchor},
        }

    def benefits(self, heading):
        return {
            "type": "benefits",
            "value": {
                "heading": heading,
                "items": [{"title": "A", "description": "B"}],
            },
        }

    def clean_stream(self, *children):
        return self.block.clean(self.block.to_python(list(children)))

    def assertStreamError(self, children, index, field, message):
        with self.assertRaises(ValidationError) as caught:
            self.clean_stream(*children)
        self.assertEqual(set(caught.exception.block_errors), {index})
        self.assertEqual(error_messages(caught.exception, index, field), [message])

    def test_duplicate_explicit_anchors_are_an_error_on_the_second_heading(self):
        self.assertStreamError(
            [
                self.heading("How it works", anchor="how-it-works"),
                self.heading("How it works, again", anchor="how-it-works"),
            ],
            1,
            "anchor",
            "Another heading above already links as #how-it-works. Change this one "
            "so each section has its own link.",
        )

    def test_section_heading_clashing_with_a_heading_anchor_is_an_error(self):
        self.assertStreamError(
            [self.heading("Intro", anchor="benefits"), self.benefits("Benefits")],
            1,
            "heading",
            "Another heading above already links as #benefits. Change this one so "
            "each section has its own link.",
        )

    def test_h3_before_any_h2_is_an_error_on_its_level(self):
        self.assertStreamError(
            [self.heading("Details", level="3"), self.heading("Overview")],
            0,
            "level",
            "A subsection heading (H3) must come after a section heading (H2). "
            "Make this an H2 or add one above it.",
        )

    def test_an_anchor_the_page_template_uses_is_an_error(self):
        self.assertStreamError(
            [self.heading("Skip", anchor="main-content")],
            0,
            "anchor",
            "#main-content is used by the page itself. Choose another anchor.",
        )

    def test_every_id_the_public_templates_use_is_reserved(self):
        templates = Path(wagtail_clinic.__file__).parent / "templates/wagtail_clinic"
        ids = {
            match
            for path in templates.rglob("*.html")
            if "admin" not in path.relative_to(templates).parts
            for match in re.findall(r'\bid="([^"{]+)"', path.read_text())
        }
        self.assertIn("respond", ids)
        self.assertLessEqual(ids, RESERVED_ANCHORS)

    def test_a_heading_named_like_the_comments_section_gets_its_own_anchor(self):
        value = self.clean_stream(self.heading("Comments"), self.heading("Respond"))
        self.assertEqual(
            [child.value["anchor"] for child in value], ["comments-2", "respond-2"]
        )

    def test_a_blank_anchor_never_takes_an_id_the_page_template_uses(self):
        value = self.clean_stream(self.heading("Main content"))
        self.assertEqual(value[0].value["anchor"], "main-content-2")

    def test_h3_may_follow_a_section_block(self):
        value = self.clean_stream(self.benefits("Benefits"), self.heading("Sleep", "3"))
        self.assertEqual(value[1].value["anchor"], "sleep")

    def test_blank_anchors_are_filled_uniquely(self):
        value = self.clean_stream(
            self.heading("How it works"),
            self.heading("How it works", level="3"),
            self.heading("How it works"),
        )
        self.assertEqual(
            [child.value["anchor"] for child in value],
            ["how-it-works", "how-it-works-2", "how-it-works-3"],
        )

    def test_blank_anchor_avoids_explicit_and_section_anchors_anywhere(self):
        value = self.clean_stream(
            self.heading("Benefits"),
            self.benefits("Benefits"),
            self.heading("Summary", anchor="summary"),
            self.heading("Summary"),
        )
        self.assertEqual(value[0].value["anchor"], "benefits-2")
        self.assertEqual(value[3].value["anchor"], "summary-2")

    def test_child_errors_are_reported_per_block(self):
        with self.assertRaises(ValidationError) as caught:
            self.clean_stream(
                self.heading("Fine"),
                {"type": "key_fact", "value": {"value": "", "statement": "x"}},
            )
        self.assertEqual(
            error_messages(caught.exception, 1, "value"), ["This field is required."]
        )

    def test_article_body_round_trips_through_the_database_format(self):
        _root, home = make_site_tree()
        index = make_massage_type_index(home)
        massage_types = [make_massage_type(index, title=t) for t in ("A", "B")]
        raw = article_body(
            image=make_image(),
            clinic=make_clinic(),
            massage_types=massage_types,
            link_page=massage_types[0],
        )
        value = self.block.to_python(raw)
        prep = self.block.get_prep_value(value)

        self.assertEqual([child["type"] for child in prep], [c["type"] for c in raw])
        for stored, original in zip(prep, raw, strict=True):
            with self.subTest(block=original["type"]):
                self.assertTrue(stored["id"])
                # Every value we stored comes back unchanged.
                self.assertLessEqual(
                    _leaves(original["value"]), _leaves(stored["value"])
                )
        again = self.block.get_prep_value(self.block.to_python(prep))
        self.assertEqual(again, prep)
        self.assertEqual(value[4].value["items"][1]["page"], massage_types[1])

    def test_every_block_renders_inside_the_article_body(self):
        _root, home = make_site_tree()
        index = make_massage_type_index(home)
        massage_type = make_massage_type(index)
        raw = article_body(
            image=make_image(),
            clinic=make_clinic(),
            massage_types=[massage_type],
            link_page=massage_type,
        )
        value = self.block.to_python(raw)
        self.assertIsInstance(value, StreamValue)
        html = soup(self.block.render(value))
        self.assertEqual(html.select_one("h2")["id"], "how-massage-helps")
        self.assertEqual(len(html.select("blockquote")), 1)
        self.assertEqual(len(html.select("details summary")), 2)  # FAQ + opening hours.


class TestMassageTypeStreamBlock(SimpleTestCase):
    def test_has_every_article_block_except_massage_types(self):
        article = list(ArticleStreamBlock().child_blocks)
        article.remove("massage_types")
        self.assertEqual(list(MassageTypeStreamBlock().child_blocks), article)


class TestBlockPickerMetadata(WagtailTestUtils, TestCase):
    """What editors see in the block picker: icon, label, description, preview."""

    @classmethod
    def setUpTestData(cls):
        make_site_tree()
        cls.superuser = cls.create_superuser("editor")

    def stream_children(self):
        from wagtail_clinic.models import ConditionPage

        # The blocks of the real page field: the ones the admin previews.
        return ConditionPage._meta.get_field("body").stream_block.child_blocks

    def test_every_block_has_icon_label_and_description(self):
        for name, block in ArticleStreamBlock().child_blocks.items():
            with self.subTest(block=name):
                self.assertNotEqual(block.meta.icon, "placeholder")
                self.assertTrue(str(block.label))
                self.assertTrue(str(block.get_description()))

    def test_every_block_is_previewable(self):
        for name, block in ArticleStreamBlock().child_blocks.items():
            with self.subTest(block=name):
                self.assertTrue(block.is_previewable)

    def test_every_preview_value_renders(self):
        make_image()  # The image preview shows the first library image.
        for name, block in ArticleStreamBlock().child_blocks.items():
            with self.subTest(block=name):
                html = block.render(block.get_preview_value())
                self.assertTrue(str(html).strip())

    def test_every_block_preview_loads_in_the_admin(self):
        self.client.force_login(self.superuser)
        make_image()  # The image preview shows the first library image.
        for name, block in self.stream_children().items():
            with self.subTest(block=name):
                response = self.client.get(
                    reverse("wagtailadmin_block_preview"),
                    {"id": block.definition_prefix},
                )
                self.assertEqual(response.status_code, 200)

    def test_image_preview_works_with_an_empty_image_library(self):
        block = ImageBlock()
        value = block.get_preview_value()
        self.assertIsNone(value["image"])
        self.assertEqual(block.render(value).strip(), "")
