"""The API value of every block: complete, expanded and matching its declared type.

Each block's ``get_api_representation`` output is checked three ways: exact
values for the cases that matter (a draft page lends nothing, a blank
disclaimer gets the default text, …); validation against the JSON schema of
the type the block declares (``api_schema()``), with jsonschema and pydantic,
for handwritten values, for hypothesis-generated values and for the real
v2 and v3 API responses; and the rich text formats against Wagtail's own
serialisation, so the batched expansion changes nothing but the query count.
"""

import json

from html import escape
from typing import get_args

import jsonschema

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from pydantic import TypeAdapter
from wagtail import blocks
from wagtail.api.rich_text import APIRichText, RichTextFormatError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
    page_link,
    set_default_clinic,
)
from wagtail_clinic.blocks import (
    ArticleStreamBlock,
    BookingCTABlock,
    CalloutBlock,
    ClinicChooserBlock,
    FaqBlock,
    HeadingBlock,
    ImageBlock,
    KeyFactBlock,
    MassageTypesBlock,
    MassageTypeStreamBlock,
    ParagraphBlock,
    ReferencesBlock,
    RenditionImageChooserBlock,
    SpecificPageChooserBlock,
)
from wagtail_clinic.blocks.content import PARAGRAPH_FEATURES
from wagtail_clinic.models import ClinicSettings
from wagtail_clinic.models.settings import DEFAULT_DISCLAIMER
from wagtail_clinic.serialisation.schemas import block_api_schema, stream_item_type


FORMATS = ("db_html", "html", "markdown", "db_markdown")
ARTICLE = ArticleStreamBlock()
_adapters = {}


def adapter_for(block):
    """A pydantic TypeAdapter and a JSON schema validator for a block's type."""
    key = id(block)
    if key not in _adapters:
        adapter = TypeAdapter(block_api_schema(block))
        schema = adapter.json_schema()
        jsonschema.Draft202012Validator.check_schema(schema)
        # The block is kept so that its id() stays unique while cached.
        _adapters[key] = (block, adapter, jsonschema.Draft202012Validator(schema))
    return _adapters[key][1:]


def assert_matches_schema(block, output):
    """``output`` (as sent over the wire) is valid for ``block``'s declared type."""
    data = json.loads(json.dumps(output))
    adapter, validator = adapter_for(block)
    validator.validate(data)
    adapter.validate_python(data, strict=True)
    return data


def context(rich_text_format=None, *, with_request=True):
    """An API serialisation context, like v2's and v3's, or None."""
    if not with_request:
        return None
    query = {"rich_text_format": rich_text_format} if rich_text_format else {}
    return {"request": RequestFactory().get("/", query)}


def represent(block, raw, ctx=None):
    value = block.to_python(raw)
    output = block.get_api_representation(value, ctx)
    assert_matches_schema(block, output)
    return output


class APIContentMixin:
    """A site with a default clinic, live and draft pages and images."""

    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.site = cls.home.get_site()
        cls.clinic = make_clinic()
        cls.other_clinic = make_clinic(
            name="Northside", phone="", booking_url="", accepting_new_patients=False
        )
        set_default_clinic(cls.site, cls.clinic)
        cls.image = make_image(title="Lower back", description="A lower back")
        cls.other_image = make_image(title="Shoulders")
        massage_index = make_massage_type_index(cls.home)
        cls.sports = make_massage_type(
            massage_index, title="Sports massage", image=cls.image, image_alt="Legs"
        )
        cls.shiatsu = make_massage_type(
            massage_index, title="Shiatsu", summary="Finger pressure."
        )
        cls.draft = make_massage_type(
            massage_index, title="Draft massage", summary="Secret", live=False
        )
        cls.condition_index = make_condition_index(cls.home)
        cls.condition = make_condition_page(
            cls.condition_index,
            title="Neck pain",
            condition_name="Neck pain",
            hero_image=cls.other_image,
        )
        cls.live_pages = [cls.sports, cls.shiatsu, cls.condition_index, cls.condition]


class TestBlockValues(APIContentMixin, TestCase):
    def test_heading(self):
        self.assertEqual(
            represent(HeadingBlock(), {"text": "How massage helps", "level": "2"}),
            {"text": "How massage helps", "level": 2, "anchor": "how-massage-helps"},
        )
        self.assertEqual(
            represent(HeadingBlock(), {"text": "", "level": "3", "anchor": "why"}),
            {"text": "", "level": 3, "anchor": "why"},
        )
        # Never a blank anchor, even without text.
        self.assertEqual(
            represent(HeadingBlock(), {"text": "", "level": "2"})["anchor"], "section"
        )

    def test_key_fact_source_is_an_object_or_null(self):
        raw = {"value": "85%", "statement": "of adults", "source_title": "Survey"}
        self.assertEqual(
            represent(KeyFactBlock(), raw),
            {
                "value": "85%",
                "statement": "of adults",
                "source": {"title": "Survey", "url": ""},
            },
        )
        raw = {"value": "85%", "statement": "of adults"}
        self.assertIsNone(represent(KeyFactBlock(), raw)["source"])

    def test_massage_types_expand_live_pages_only(self):
        raw = {
            "heading": "Types of massage",
            "intro": "",
            "items": [
                {"page": self.sports.pk, "name": "", "description": ""},
                {"page": self.shiatsu.pk, "name": "Acupressure", "description": "Dots"},
                # A draft lends nothing: this one keeps only its own name.
                {"page": self.draft.pk, "name": "Named", "description": ""},
                # ... and this one has nothing to show, so it is left out.
                {"page": self.draft.pk, "name": "", "description": ""},
                {"page": None, "name": "Reflexology", "description": "Feet"},
            ],
        }
        output = represent(MassageTypesBlock(), raw, context())
        self.assertEqual(output["anchor"], "types-of-massage")
        items = output["items"]
        self.assertEqual(
            [(i["title"], i["description"]) for i in items],
            [
                ("Sports massage", "Targets the muscles you use in your sport."),
                ("Acupressure", "Dots"),
                ("Named", ""),
                ("Reflexology", "Feet"),
            ],
        )
        sports = items[0]["page"]
        self.assertEqual(
            {k: sports[k] for k in ("id", "type", "title", "path")},
            {
                "id": self.sports.pk,
                "type": "wagtail_clinic.MassageTypePage",
                "title": "Sports massage",
                "path": self.sports.url,
            },
        )
        self.assertEqual(sports["url"], self.sports.full_url)
        self.assertEqual(sports["image"]["id"], self.image.pk)
        self.assertEqual(sports["image"]["alt"], "Legs")
        self.assertEqual(
            set(sports["image"]["renditions"]), {"hero", "content", "card", "portrait"}
        )
        self.assertIsNone(items[2]["page"])
        self.assertNotIn("Secret", json.dumps(output))
        self.assertNotIn("Draft massage", json.dumps(output))

    def test_callout_blank_disclaimer_gets_the_default_text(self):
        raw = {"tone": "disclaimer", "heading": "", "text": ""}
        self.assertEqual(
            represent(CalloutBlock(), raw, context())["text"],
            f"<p>{escape(str(DEFAULT_DISCLAIMER))}</p>",
        )
        site_settings = ClinicSettings.for_site(self.site)
        site_settings.default_disclaimer = "Ask your doctor.\n\nNot advice <really>."
        site_settings.save()
        self.assertEqual(
            represent(CalloutBlock(), raw, context())["text"],
            "<p>Ask your doctor.</p>\n\n<p>Not advice &lt;really&gt;.</p>",
        )
        self.assertEqual(
            represent(CalloutBlock(), raw, context("markdown"))["text"],
            "Ask your doctor.\n\nNot advice \\<really>.\n\n",
        )
        # Without a request, the default site's settings.
        self.assertIn(
            "Ask your doctor.",
            represent(CalloutBlock(), raw, context(with_request=False))["text"],
        )
        # Other tones never get the disclaimer.
        info = {"tone": "info", "heading": "Note", "text": "<p>Drink water.</p>"}
        self.assertEqual(
            represent(CalloutBlock(), info),
            {"tone": "info", "heading": "Note", "text": "<p>Drink water.</p>"},
        )

    def test_image_alt_text_and_decorative_images(self):
        raw = {
            "image": self.image.pk,
            "decorative": False,
            "alt_text": "A therapist at work",
            "caption": "Deep tissue",
        }
        output = represent(ImageBlock(), raw)
        self.assertEqual(output["alt"], "A therapist at work")
        self.assertEqual(output["image"]["alt"], "A therapist at work")
        self.assertEqual(output["image"]["width"], 640)
        self.assertTrue(output["image"]["url"].startswith("http://testserver/media/"))
        raw.update(decorative=True)
        output = represent(ImageBlock(), raw)
        self.assertEqual((output["alt"], output["image"]["alt"]), ("", ""))
        self.assertTrue(output["decorative"])
        raw.update(image=None)
        self.assertIsNone(represent(ImageBlock(), raw)["image"])

    def test_booking_cta_inlines_the_clinic_and_its_button(self):
        raw = {
            "heading": "Book now",
            "text": "Now booking new appointments!",
            "clinic": None,
            "action": "call",
            "button_label": "",
            "link_page": None,
            "link_url": "",
        }
        output = represent(BookingCTABlock(), raw, context())
        clinic = output["clinic"]
        self.assertEqual(clinic["name"], "Southside Massage Clinic")
        self.assertEqual(clinic["tel_href"], "tel:+17805550123")
        self.assertEqual(clinic["booking_url"], "https://southside.janeapp.example/")
        self.assertEqual(len(clinic["opening_hours"]), 5)
        button = output["button"]
        self.assertEqual(
            (button["href"], button["external"]), ("tel:+17805550123", False)
        )
        self.assertTrue(button["label"].startswith("Call "), button)
        self.assertIn("555-0123", button["label"])
        self.assertTrue(output["accepting_new_patients"])
        self.assertEqual(output["anchor"], "book-now")

        # A chosen clinic without a booking link: no button rather than a broken one.
        raw.update(clinic=self.other_clinic.pk, action="book_online")
        output = represent(BookingCTABlock(), raw, context())
        self.assertEqual(output["clinic"]["name"], "Northside")
        self.assertIsNone(output["button"])
        self.assertFalse(output["accepting_new_patients"])

        # A draft page is never linked; the web address is used instead.
        raw.update(
            action="link", link_page=self.draft.pk, link_url="https://x.example/"
        )
        output = represent(BookingCTABlock(), raw, context())
        self.assertIsNone(output["link_page"])
        self.assertEqual(
            output["button"],
            {
                "label": "Book an appointment",
                "href": "https://x.example/",
                "external": True,
            },
        )

        raw.update(
            action="request_form", link_page=self.condition.pk, button_label="Ask"
        )
        output = represent(BookingCTABlock(), raw, context())
        self.assertEqual(output["link_page"]["id"], self.condition.pk)
        self.assertEqual(output["link_page"]["image"]["id"], self.other_image.pk)
        self.assertEqual(
            output["button"],
            {"label": "Ask", "href": self.condition.url, "external": False},
        )

    def test_references_year_is_an_integer_or_null(self):
        raw = {
            "heading": "Sources",
            "items": [
                {"title": "A review", "url": "", "publisher": "", "year": 2020},
                {
                    "title": "A book",
                    "url": "https://b.example/",
                    "publisher": "P",
                    "year": None,
                },
            ],
        }
        self.assertEqual(
            represent(ReferencesBlock(), raw),
            {
                "heading": "Sources",
                "anchor": "sources",
                "items": [
                    {"title": "A review", "url": "", "publisher": "", "year": 2020},
                    {
                        "title": "A book",
                        "url": "https://b.example/",
                        "publisher": "P",
                        "year": None,
                    },
                ],
            },
        )

    def test_choosers_on_their_own(self):
        image = represent(RenditionImageChooserBlock(), self.image.pk)
        # On its own, an image reports its default alt text (the description).
        self.assertEqual(image["alt"], "A lower back")
        self.assertIsNone(represent(RenditionImageChooserBlock(), None))

        page = represent(SpecificPageChooserBlock(), self.condition.pk, context())
        self.assertEqual(page["type"], "wagtail_clinic.ConditionPage")
        self.assertEqual(page["summary"], self.condition.intro)
        self.assertIsNone(represent(SpecificPageChooserBlock(), self.draft.pk))

        clinic = represent(ClinicChooserBlock(), self.clinic.pk)
        self.assertEqual(clinic["address"]["country"], "CA")

    def test_a_rich_text_intro_is_a_plain_text_summary(self):
        self.condition_index.intro = (
            f"<p>All <b>conditions</b> {page_link(self.sports)}</p>"
        )
        self.condition_index.save()
        page = represent(SpecificPageChooserBlock(), self.condition_index.pk)
        self.assertEqual(page["summary"], "All conditions Sports massage")

    def test_blocks_in_a_host_stream(self):
        """Our blocks in a host's plain StreamBlock: same values, typed stream."""
        host_stream = blocks.StreamBlock(
            [
                ("fact", KeyFactBlock()),
                ("cta", BookingCTABlock()),
                ("faq", FaqBlock()),
                ("picture", ImageChooserBlock()),
                ("note", blocks.CharBlock()),
            ]
        )
        raw = [
            {"type": "fact", "value": {"value": "1 in 4", "statement": "adults"}},
            {"type": "cta", "value": {"action": "call"}},
            {
                "type": "faq",
                "value": {
                    "items": [
                        {"question": "Q", "answer": f"<p>{page_link(self.sports)}</p>"}
                    ]
                },
            },
            {"type": "picture", "value": self.image.pk},
            {"type": "note", "value": "Plain"},
        ]
        # Saved values always have ids (Wagtail's StreamBlock gives null for
        # unsaved ones; our StreamAPIMixin makes them up).
        raw = [{**item, "id": f"id-{n}"} for n, item in enumerate(raw)]
        output = host_stream.get_api_representation(
            host_stream.to_python(raw), context("html")
        )
        assert_matches_schema(host_stream, output)
        by_type = {item["type"]: item["value"] for item in output}
        self.assertEqual(by_type["cta"]["clinic"]["name"], self.clinic.name)
        self.assertIn(self.sports.url, by_type["faq"]["items"][0]["answer"])
        # Wagtail's own chooser keeps its id: typed as such, not as an object.
        self.assertEqual(by_type["picture"], self.image.pk)
        item_types = {
            item.__name__
            for item in get_args(get_args(block_api_schema(host_stream))[0])[0].__args__
        }
        self.assertLessEqual(
            {"ClinicFactBlock", "ClinicCtaBlock", "ClinicFaqBlock"}, item_types
        )

    def test_stream_item_names_never_clash(self):
        # "image" is taken by ClinicImageBlock (our ImageBlock's value).
        ARTICLE.api_schema()
        self.assertEqual(
            stream_item_type("image", int | None).__name__, "ClinicImageBlock2"
        )
        self.assertEqual(
            stream_item_type("image", ImageBlock().api_schema()).__name__,
            "ClinicImageBlock",
        )

    def test_every_block_declares_a_type(self):
        for stream in (ArticleStreamBlock(), MassageTypeStreamBlock()):
            for name, child in stream.child_blocks.items():
                with self.subTest(stream=type(stream).__name__, block=name):
                    self.assertTrue(callable(getattr(child, "api_schema", None)))
                    TypeAdapter(child.api_schema()).json_schema()


class TestRichTextFormats(APIContentMixin, TestCase):
    """Our batched output is exactly Wagtail's, in every format."""

    def sources(self):
        return [
            f"<p>Read about {page_link(self.sports)} and <b>rest</b>.</p>",
            '<ul><li><i>See</i> <a href="https://nhs.example/back?a=1&amp;b=2">NHS</a></li></ul>',
            f"<p>{page_link(self.condition, 'Back pain')} "
            '<a linktype="page" id="999999">gone</a></p>',
            "",
        ]

    def test_each_format_matches_wagtail(self):
        block = ParagraphBlock()
        for source in self.sources():
            for rich_text_format in FORMATS:
                with self.subTest(source=source, format=rich_text_format):
                    expected = APIRichText.serialize(
                        source, format=rich_text_format, features=PARAGRAPH_FEATURES
                    )
                    output = represent(block, source, context(rich_text_format))
                    self.assertEqual(output, expected)

    def test_batched_stream_output_matches_wagtail(self):
        raw = [{"type": "paragraph", "value": source} for source in self.sources()]
        for rich_text_format in FORMATS:
            with self.subTest(format=rich_text_format):
                value = ARTICLE.to_python(raw)
                output = ARTICLE.get_api_representation(
                    value, context(rich_text_format)
                )
                self.assertEqual(
                    [item["value"] for item in output],
                    [
                        APIRichText.serialize(
                            source, format=rich_text_format, features=PARAGRAPH_FEATURES
                        )
                        for source in self.sources()
                    ],
                )

    def test_links_are_expanded_once_per_stream(self):
        paragraph = (
            f"<p>See {page_link(self.sports)} or {page_link(self.condition)}.</p>"
        )
        faq = {
            "heading": "",
            "items": [{"question": "Q", "answer": paragraph}] * 3,
        }
        counts = {}
        Site.get_site_root_paths()  # Cached on a running site; warm it here.
        for size in (1, 20):
            raw = [{"type": "paragraph", "value": paragraph}] * size
            raw.append({"type": "faq", "value": faq})
            raw.append(
                {"type": "callout", "value": {"tone": "info", "text": paragraph}}
            )
            for rich_text_format in FORMATS:
                with self.subTest(size=size, format=rich_text_format):
                    value = ARTICLE.to_python(raw)
                    ctx = context(rich_text_format)
                    with CaptureQueriesContext(connection) as queries:
                        output = ARTICLE.get_api_representation(value, ctx)
                    counts[(size, rich_text_format)] = len(queries)
                    self.assertEqual(len(output), size + 2)
                    if rich_text_format in ("html", "markdown"):
                        self.assertIn(self.sports.url, output[0]["value"])
                        self.assertIn(
                            self.sports.url, output[-2]["value"]["items"][2]["answer"]
                        )
        for rich_text_format in FORMATS:
            self.assertEqual(
                counts[(1, rich_text_format)], counts[(20, rich_text_format)]
            )
        # Stored formats need no lookup; expanded ones one batch of pages
        # (a query for the pages and one per page type).
        self.assertEqual(counts[(20, "db_html")], 0)
        self.assertEqual(counts[(20, "db_markdown")], 0)
        self.assertLessEqual(counts[(20, "html")], 3)
        self.assertLessEqual(counts[(20, "markdown")], 3)

    def test_a_faq_on_its_own_batches_its_answers(self):
        answer = f"<p>See {page_link(self.sports)}.</p>"
        raw = {"heading": "", "items": [{"question": "Q", "answer": answer}] * 5}
        value = FaqBlock().to_python(raw)
        Site.get_site_root_paths()  # Cached on a running site; warm it here.
        with self.assertNumQueries(1):  # The page (as its specific class), once.
            output = FaqBlock().get_api_representation(value, context("html"))
        self.assertEqual(output["items"][4]["answer"], expand_db_html(answer))

    @override_settings(WAGTAILAPI_RICH_TEXT_FORMAT="html")
    def test_the_setting_is_the_default_format(self):
        source = f"<p>{page_link(self.sports)}</p>"
        self.assertEqual(
            represent(ParagraphBlock(), source, context(with_request=False)),
            expand_db_html(source),
        )
        self.assertEqual(
            represent(ParagraphBlock(), source, context("db_html")), source
        )

    def test_an_unknown_format_is_an_error(self):
        with self.assertRaises(RichTextFormatError):
            represent(ParagraphBlock(), "<p>x</p>", context("pdf"))


class TestAPIResponses(APIContentMixin, TestCase):
    """Real v2 and v3 responses validate against the declared types."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = make_condition_page(
            cls.condition_index,
            title="Relief From Pain In The Back",
            slug="back-pain",
            also_known_as="lumbago, backache",
            hero_image=cls.image,
            hero_image_alt="A lower back",
            reviewed_by=make_therapist(photo=cls.other_image),
            comments_enabled=True,
            body=article_body(
                image=cls.image,
                clinic=cls.clinic,
                massage_types=[cls.sports, cls.shiatsu, cls.draft],
                link_page=cls.sports,
                paragraphs=3,
            ),
        )
        cls.sports.conditions.set([cls.article, cls.condition])
        cls.sports.save()

    def fetch(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response.json()

    def assert_body_valid(self, stream_block, body):
        assert_matches_schema(stream_block, body)
        for item in body:
            assert_matches_schema(
                stream_block.child_blocks[item["type"]], item["value"]
            )

    def test_article_body_validates_in_every_api_and_format(self):
        for rich_text_format in FORMATS:
            query = f"?rich_text_format={rich_text_format}"
            v2 = self.fetch(f"/api/v2/pages/{self.article.pk}/{query}")
            v3 = self.fetch(f"/api/v3/pages/{self.article.pk}/{query}")
            with self.subTest(format=rich_text_format):
                self.assert_body_valid(ARTICLE, v2["body"])
                self.assert_body_valid(ARTICLE, v3["body"])
                # Every block type of the article is there, and both APIs agree.
                self.assertEqual(
                    {item["type"] for item in v3["body"]}, set(ARTICLE.child_blocks)
                )
                self.assertEqual(v2["body"], v3["body"])
                # And a direct call gives the same.
                body = type(self.article).objects.get(pk=self.article.pk).body
                direct = ARTICLE.get_api_representation(body, context(rich_text_format))
                self.assertEqual(json.loads(json.dumps(direct)), v3["body"])

    def test_condition_page_fields(self):
        for version in ("v2", "v3"):
            with self.subTest(version=version):
                data = self.fetch(f"/api/{version}/pages/{self.article.pk}/")
                self.assertEqual(data["condition_name"], "Back pain")
                self.assertEqual(data["alternate_names"], ["lumbago", "backache"])
                self.assertEqual(data["also_known_as"], "lumbago, backache")
                self.assertEqual(data["hero_image"]["id"], self.image.pk)
                self.assertEqual(data["hero_image"]["alt"], "A lower back")
                self.assertEqual(data["reviewed_by"]["display_name"], "Dana Lee, RMT")
                self.assertEqual(
                    data["reviewed_by"]["photo"]["id"], self.other_image.pk
                )
                self.assertEqual(
                    [entry["anchor"] for entry in data["outline"]][:2],
                    ["how-massage-helps", "which-massage"],
                )
                self.assertEqual(data["outline"][1]["level"], 3)
                self.assertIs(data["comments_enabled"], True)
                self.assertIsNone(data["last_reviewed"])

    def test_massage_type_page_fields(self):
        for version in ("v2", "v3"):
            with self.subTest(version=version):
                data = self.fetch(f"/api/{version}/pages/{self.sports.pk}/")
                self.assertEqual(data["session_lengths"], [30, 60, 90])
                self.assertEqual(data["image"]["alt"], "Legs")
                # Live conditions only, by title; each a page link object.
                self.assertEqual(
                    [page["title"] for page in data["conditions"]],
                    ["Neck pain", "Relief From Pain In The Back"],
                )
                self.assertEqual(
                    data["conditions"][0]["type"], "wagtail_clinic.ConditionPage"
                )
                self.assertEqual(data["body"], [])

    def test_index_page_intro_honours_the_rich_text_format(self):
        self.condition_index.intro = f"<p>{page_link(self.sports)}</p>"
        self.condition_index.save_revision().publish()
        for version in ("v2", "v3"):
            with self.subTest(version=version):
                url = f"/api/{version}/pages/{self.condition_index.pk}/"
                self.assertEqual(self.fetch(url)["intro"], self.condition_index.intro)
                self.assertEqual(
                    self.fetch(url + "?rich_text_format=html")["intro"],
                    f'<p><a href="{self.sports.url}">Sports massage</a></p>',
                )

    def test_no_bare_ids(self):
        """Every reference is an object: no integer outside a known numeric key."""
        for version in ("v2", "v3"):
            data = self.fetch(f"/api/{version}/pages/{self.article.pk}/")
            with self.subTest(version=version):
                for path, _ in integers_in(data):
                    self.assertIn(path[-1], NUMERIC_KEYS, f"bare id at {path}")
                body = {item["type"]: item["value"] for item in data["body"]}
                self.assertIsInstance(body["image"]["image"], dict)
                self.assertIsInstance(body["booking_cta"]["clinic"], dict)
                for item in body["massage_types"]["items"]:
                    self.assertIsInstance(item["page"], dict)
                self.assertIsInstance(data["hero_image"], dict)
                self.assertIsInstance(data["reviewed_by"], dict)
                self.assertIsInstance(data["reviewed_by"]["photo"], dict)


# "value" and "position" are schema.org numbers (structured_data).
NUMERIC_KEYS = {
    "id",
    "width",
    "height",
    "level",
    "year",
    "weekday",
    "value",
    "position",
}


def integers_in(node, path=()):
    """Yield ``(path, value)`` for every integer in a JSON document."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield from integers_in(child, (*path, key))
    elif isinstance(node, list):
        for child in node:
            yield from integers_in(child, path)
    elif isinstance(node, int) and not isinstance(node, bool):
        yield path, node


# Property-based: hypothesis-generated block values, through to_python (and
# clean, when they are valid), serialised with random contexts and formats.

texts = st.text(max_size=30)
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
urls = st.one_of(
    st.just(""),
    st.builds(
        "https://{}.example/{}".format,
        st.from_regex(r"[a-z]{1,12}", fullmatch=True),
        st.from_regex(r"[a-z0-9/_-]{0,16}", fullmatch=True),
    ),
)
contexts = st.one_of(
    st.just(None),
    st.sampled_from((None, *FORMATS)).map(context),
)


def rich_texts(page_ids):
    inline = st.one_of(
        texts.map(escape),
        texts.map(lambda t: f"<b>{escape(t)}</b>"),
        texts.map(lambda t: f"<i>{escape(t)}</i>"),
        st.builds(
            lambda pk, t: f'<a linktype="page" id="{pk}">{escape(t)}</a>',
            st.sampled_from(page_ids),
            texts,
        ),
        st.builds(lambda u, t: f'<a href="{escape(u)}">{escape(t)}</a>', urls, texts),
    )
    line = st.lists(inline, max_size=4).map("".join)
    paragraph = line.map("<p>{}</p>".format)
    listing = st.lists(line, min_size=1, max_size=3).map(
        lambda items: "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    )
    return st.one_of(
        st.just(""),
        st.lists(st.one_of(paragraph, listing), min_size=1, max_size=3).map("".join),
    )


def section(**fields):
    return st.fixed_dictionaries({"heading": texts, **fields})


class TestBlockOutputProperties(APIContentMixin, HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Renditions exist, as on a running site (creating them is slow).
        for image in (cls.image, cls.other_image):
            represent(RenditionImageChooserBlock(), image.pk)

    def strategies(self):
        missing = 999_999
        page_ids = [page.pk for page in self.live_pages] + [self.draft.pk, missing]
        massage_ids = [self.sports.pk, self.shiatsu.pk, self.draft.pk, missing, None]
        image_ids = [self.image.pk, self.other_image.pk, missing, None]
        clinic_ids = [self.clinic.pk, self.other_clinic.pk, missing, None]
        rich = rich_texts(page_ids)
        return {
            "heading": st.fixed_dictionaries(
                {"text": texts, "level": st.sampled_from(["2", "3"])},
                optional={"anchor": st.one_of(st.just(""), slugs)},
            ),
            "paragraph": rich,
            "key_fact": st.fixed_dictionaries(
                {"value": texts, "statement": texts},
                optional={"source_title": texts, "source_url": urls},
            ),
            "massage_types": section(
                intro=texts,
                items=st.lists(
                    st.fixed_dictionaries(
                        {
                            "page": st.sampled_from(massage_ids),
                            "name": texts,
                            "description": texts,
                        }
                    ),
                    max_size=4,
                ),
            ),
            "benefits": section(
                intro=texts,
                items=st.lists(
                    st.fixed_dictionaries({"title": texts, "description": texts}),
                    max_size=3,
                ),
            ),
            "frequency": st.fixed_dictionaries(
                {"how_often": texts}, optional={"heading": texts, "note": texts}
            ),
            "faq": section(
                items=st.lists(
                    st.fixed_dictionaries({"question": texts, "answer": rich}),
                    max_size=3,
                )
            ),
            "callout": st.fixed_dictionaries(
                {
                    "tone": st.sampled_from(["info", "warning", "disclaimer"]),
                    "heading": texts,
                    "text": rich,
                }
            ),
            "image": st.fixed_dictionaries(
                {
                    "image": st.sampled_from(image_ids),
                    "decorative": st.booleans(),
                    "alt_text": texts,
                    "caption": texts,
                }
            ),
            "quote": st.fixed_dictionaries({"text": texts, "attribution": texts}),
            "booking_cta": section(
                text=texts,
                clinic=st.sampled_from(clinic_ids),
                action=st.sampled_from(["book_online", "call", "request_form", "link"]),
                button_label=texts,
                link_page=st.sampled_from([*page_ids, None]),
                link_url=urls,
            ),
            "references": section(
                items=st.lists(
                    st.fixed_dictionaries(
                        {
                            "title": texts,
                            "url": urls,
                            "publisher": texts,
                            "year": st.one_of(st.none(), st.integers(1800, 2100)),
                        }
                    ),
                    max_size=3,
                )
            ),
        }

    def check(self, block, raw, ctx):
        value = block.to_python(raw)
        assert_matches_schema(block, block.get_api_representation(value, ctx))
        try:
            cleaned = block.clean(value)
        except ValidationError:
            return
        assert_matches_schema(block, block.get_api_representation(cleaned, ctx))


def _block_property(name):
    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data())
    def test(self, data):
        raw = data.draw(self.strategies()[name], label=name)
        self.check(
            ARTICLE.child_blocks[name], raw, data.draw(contexts, label="context")
        )

    test.__name__ = f"test_{name}_output_matches_its_type"
    test.__doc__ = f"Any {name!r} value serialises to its declared type."
    return test


for _name in ARTICLE.child_blocks:
    setattr(
        TestBlockOutputProperties,
        f"test_{_name}_output_matches_its_type",
        _block_property(_name),
    )


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def _test_stream(self, data):
    strategies = self.strategies()
    names = data.draw(st.lists(st.sampled_from(sorted(strategies)), max_size=8))
    raw = [{"type": name, "value": data.draw(strategies[name])} for name in names]
    ctx = data.draw(contexts)
    for stream in (ARTICLE, MassageTypeStreamBlock()):
        stream_raw = [item for item in raw if item["type"] in stream.child_blocks]
        value = stream.to_python(stream_raw)
        output = assert_matches_schema(
            stream, stream.get_api_representation(value, ctx)
        )
        self.assertEqual(
            [item["type"] for item in output], [i["type"] for i in stream_raw]
        )
        self.assertTrue(all(item["id"] for item in output))


TestBlockOutputProperties.test_stream_output_matches_its_type = _test_stream
