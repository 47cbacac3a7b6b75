"""The WordPress HTML → article blocks mapping on its own (no database)."""

from django.test import SimpleTestCase

from wagtail_clinic.importers.wordpress.html import HtmlMapper, first_paragraph
from wagtail_clinic.importers.wordpress.source import Attachment


SITE = "https://clinic.example"


def convert(html, attachments=None, pages=None, images=None):
    """``(blocks, notes)``; ``pages``: {url: id}; ``images``: {url: id}."""
    pages, images = pages or {}, images or {}
    mapper = HtmlMapper(
        attachments or {},
        SITE,
        pages.get,
        lambda url, attachment, alt: images.get(url),
    )
    return mapper.convert(html)


def types(blocks):
    return [block["type"] for block in blocks]


class MappingTests(SimpleTestCase):
    def test_classic_editor_text_becomes_paragraphs(self):
        blocks, notes = convert("First line\nsame paragraph.\n\nSecond <b>one</b>.")
        self.assertEqual(
            [b["value"] for b in blocks],
            ["<p>First line<br/>same paragraph.</p>", "<p>Second <b>one</b>.</p>"],
        )
        self.assertEqual(notes, [])

    def test_gutenberg_comments_are_dropped(self):
        blocks, _notes = convert(
            '<!-- wp:paragraph {"x":1} --><p>Text</p><!-- /wp:paragraph -->'
        )
        self.assertEqual(blocks, [{"type": "paragraph", "value": "<p>Text</p>"}])

    def test_only_safe_markup_is_kept(self):
        blocks, notes = convert(
            '<p style="color:red"><span class="x">A</span> <strong>B</strong> '
            '<em>C</em> <a href="javascript:alert(1)">D</a> '
            '<a href="https://other.example/?a=1&amp;b=2" onclick="x()">E</a>'
            "<script>alert(1)</script></p>"
        )
        self.assertEqual(
            blocks[0]["value"],
            '<p>A <b>B</b> <i>C</i> D <a href="https://other.example/?a=1&amp;b=2">'
            "E</a></p>",
        )
        self.assertIn("A link to 'javascript:alert(1)' was removed.", notes)

    def test_benefits_need_every_item_to_start_bold(self):
        blocks, _notes = convert(
            "<ul><li><strong>Calm</strong> breathing slows.</li>"
            "<li>Plain item without a title.</li></ul>"
        )
        self.assertEqual(types(blocks), ["paragraph"])
        blocks, _notes = convert(
            "<ol><li><b>Calm:</b> breathing slows.</li>"
            "<li><b>Sleep</b> — deeper at night.</li></ol>"
        )
        self.assertEqual(types(blocks), ["benefits"])
        self.assertEqual(
            blocks[0]["value"]["items"],
            [
                {"title": "Calm", "description": "breathing slows."},
                {"title": "Sleep", "description": "deeper at night."},
            ],
        )

    def test_key_fact_only_when_unambiguous(self):
        source = '<a href="https://stats.example/report">the 2023 report</a>'
        blocks, _notes = convert(f"<p>25% of runners get shin pain, says {source}.</p>")
        self.assertEqual(types(blocks), ["key_fact"])
        self.assertEqual(blocks[0]["value"]["value"], "25%")
        for html in (
            "<p>25% of runners get shin pain.</p>",  # no source
            f"<p>25% run. Most stretch, says {source}.</p>",  # two sentences
            f"<p>25% or 30% of runners, says {source}.</p>",  # two figures
        ):
            with self.subTest(html=html):
                blocks, notes = convert(html)
                self.assertEqual(types(blocks), ["paragraph"])
                self.assertTrue(any("kept as text" in note for note in notes))

    def test_heading_levels(self):
        blocks, notes = convert("<h1>Top</h1><h3>Sub</h3><h5>Deep</h5><h2>Next</h2>")
        self.assertEqual(
            [(b["value"]["text"], b["value"]["level"]) for b in blocks],
            [("Top", "2"), ("Sub", "3"), ("Deep", "3"), ("Next", "2")],
        )
        self.assertEqual(len(notes), 2)

    def test_links_to_imported_posts(self):
        blocks, _notes = convert(
            '<p><a href="/2024/01/neck/">neck</a> and '
            '<a href="https://clinic.example/?p=7">back</a></p>',
            pages={"https://clinic.example/2024/01/neck/": 4},
        )
        self.assertEqual(
            blocks[0]["value"],
            '<p><a linktype="page" id="4">neck</a> and '
            '<a href="https://clinic.example/?p=7">back</a></p>',
        )

    def test_images_from_attachments_and_shortcodes(self):
        attachments = {
            "5": Attachment(id="5", url=f"{SITE}/up/a.jpg", alt="Attachment alt"),
            "6": Attachment(id="6", url=f"{SITE}/up/b.jpg", caption="Gallery caption"),
        }
        images = {f"{SITE}/up/a.jpg": 10, f"{SITE}/up/b.jpg": 11}
        blocks, notes = convert(
            '[caption id="attachment_5"]<img src="/up/a-300x200.jpg" alt=""> '
            'A caption[/caption]\n\n[gallery ids="6,99"]',
            attachments,
            images=images,
        )
        self.assertEqual(
            [b["value"] for b in blocks],
            [
                {
                    "image": 10,
                    "decorative": False,
                    "alt_text": "Attachment alt",
                    "caption": "A caption",
                },
                {
                    "image": 11,
                    "decorative": False,
                    "alt_text": "",
                    "caption": "Gallery caption",
                },
            ],
        )
        self.assertTrue(any("has no alt text" in note for note in notes))
        self.assertTrue(any("Gallery image #99" in note for note in notes))

    def test_unknown_shortcodes_and_embeds_are_reported(self):
        blocks, notes = convert(
            "[embed]https://video.example/1[/embed]\n\n"
            "[box]Inside[/box] and [button url=x]\n\n<iframe src='https://v.example'>"
            "</iframe>"
        )
        self.assertEqual(
            [b["value"] for b in blocks],
            [
                '<p><a href="https://video.example/1">https://video.example/1</a></p>',
                "<p>Inside and [button url=x]</p>",
            ],
        )
        self.assertEqual(len(notes), 4)

    def test_first_paragraph_for_a_missing_excerpt(self):
        self.assertEqual(
            first_paragraph("<h2>Title</h2>\nOpening text.\n\nMore."), "Opening text."
        )
