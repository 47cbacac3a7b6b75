"""Numbered citations: references and key-fact sources share one numbering."""

import re

from wagtail.test.utils import WagtailPageTestCase

from tests.utils import make_condition_index, make_condition_page, make_site_tree
from wagtail_clinic.blocks import ArticleStreamBlock, KeyFactBlock
from wagtail_clinic.blocks.citations import collect_citations


def key_fact(title="", url="", value="85%"):
    return {
        "type": "key_fact",
        "value": {
            "value": value,
            "statement": "of adults get back pain.",
            "source_title": title,
            "source_url": url,
        },
    }


def references(*items, heading="Sources"):
    return {
        "type": "references",
        "value": {
            "heading": heading,
            "items": [
                {"title": title, "url": url, "publisher": "", "year": None}
                for title, url in items
            ],
        },
    }


SUP_RE = re.compile(
    r'<sup class="clinic-citation"><a href="#(?P<anchor>[^"]+)" '
    r'aria-label="Source (?P<label>\d+)">\[(?P<number>\d+)\]</a></sup>'
)
ITEM_RE = re.compile(
    r'<li class="clinic-references__item" id="(?P<id>[^"]+)"(?: value="(?P<value>\d+)")?>'
)


class CitationsTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)

    def render(self, body):
        page = make_condition_page(
            self.index, body=body, slug=f"a{self.index.get_children().count()}"
        )
        return self.client.get(page.url).content.decode()

    def superscripts(self, html):
        found = []
        for match in SUP_RE.finditer(html):
            self.assertEqual(match["label"], match["number"])
            found.append((match["number"], match["anchor"]))
        return found

    def list_items(self, html):
        return [(m["id"], m["value"]) for m in ITEM_RE.finditer(html)]


class TestCitations(CitationsTestCase):
    def test_key_fact_sources_follow_the_references(self):
        html = self.render(
            [
                key_fact("National survey", "https://health.example/survey"),
                references(
                    ("Massage for low back pain", "https://journal.example/a"),
                    ("A second study", ""),
                ),
            ]
        )
        # The references keep the numbers the editor sees; the key fact's
        # source comes next and is listed after the article.
        self.assertEqual(self.superscripts(html), [("3", "clinic-source-3")])
        self.assertEqual(
            self.list_items(html),
            [
                ("sources-ref-1", "1"),
                ("sources-ref-2", "2"),
                ("clinic-source-3", "3"),
            ],
        )
        self.assertIn('<h2 id="clinic-sources-heading">More sources</h2>', html)
        self.assertIn(
            '<a href="https://health.example/survey">National survey</a>', html
        )

    def test_a_key_fact_citing_a_reference_uses_its_number(self):
        html = self.render(
            [
                key_fact("The survey", "https://journal.example/b/"),
                key_fact("Same title", ""),
                references(
                    ("Study A", "https://journal.example/a"),
                    ("Study B", "https://journal.example/b"),
                    ("Same title", "https://journal.example/c"),
                ),
            ]
        )
        self.assertEqual(
            self.superscripts(html), [("2", "sources-ref-2"), ("3", "sources-ref-3")]
        )
        self.assertNotIn("clinic-sources-heading", html)

    def test_without_references_key_facts_are_numbered_from_one(self):
        html = self.render(
            [
                key_fact("Survey A", "https://a.example/"),
                key_fact("No source"),
                key_fact(),
                key_fact("Survey A", "https://a.example/"),
                key_fact("Survey B"),
            ]
        )
        self.assertEqual(
            self.superscripts(html),
            [
                ("1", "clinic-source-1"),
                ("2", "clinic-source-2"),
                ("1", "clinic-source-1"),
                ("3", "clinic-source-3"),
            ],
        )
        self.assertIn('<h2 id="clinic-sources-heading">Sources</h2>', html)
        self.assertEqual(
            [value for _id, value in self.list_items(html)], ["1", "2", "3"]
        )

    def test_a_second_references_block_goes_on_counting(self):
        html = self.render(
            [
                references(("A", ""), ("B", ""), heading="Main sources"),
                references(("C", ""), heading="Further reading"),
            ]
        )
        self.assertEqual(
            self.list_items(html),
            [
                ("main-sources-ref-1", "1"),
                ("main-sources-ref-2", "2"),
                ("further-reading-ref-1", "3"),
            ],
        )

    def test_the_sources_heading_is_a_reserved_anchor(self):
        from wagtail_clinic.blocks.streams import RESERVED_ANCHORS

        self.assertIn("clinic-sources-heading", RESERVED_ANCHORS)


class TestBlocksOnTheirOwn(CitationsTestCase):
    def test_a_key_fact_outside_an_article_has_no_number(self):
        block = KeyFactBlock()
        value = block.to_python(key_fact("A survey", "https://a.example/")["value"])
        html = block.render(value)
        self.assertNotIn("clinic-citation", html)
        self.assertIn("Source:", html)

    def test_references_outside_an_article_are_numbered_by_the_list(self):
        stream_block = ArticleStreamBlock()
        stream = stream_block.to_python([references(("A", ""), ("B", ""))])
        html = stream_block.render(stream)
        self.assertEqual(
            self.list_items(html), [("sources-ref-1", None), ("sources-ref-2", None)]
        )

    def test_collect_citations(self):
        stream = ArticleStreamBlock().to_python(
            [
                key_fact("Survey", "https://a.example/"),
                references(("Study", "https://b.example/")),
                key_fact("Study", "https://b.example/"),
            ]
        )
        citations = collect_citations(stream)
        self.assertEqual(
            [(c.number, c.title, c.in_references) for c in citations],
            [(1, "Study", True), (2, "Survey", False)],
        )
        self.assertEqual(citations.for_value(stream[0].value).number, 2)
        self.assertEqual(citations.for_value(stream[2].value).number, 1)
        self.assertIsNone(citations.for_value({"source_title": "Survey"}))
        self.assertEqual(len(collect_citations(None)), 0)
