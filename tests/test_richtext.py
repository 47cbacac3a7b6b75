"""Batched rich-text expansion: one rewriter pass for a whole StreamField."""

from django.test import TestCase
from wagtail.models import Site
from wagtail.rich_text import RichText, expand_db_html

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    page_link,
)
from wagtail_clinic.models import ConditionPage
from wagtail_clinic.serialisation.richtext import (
    _SEPARATOR,
    expand_rich_text_in,
    iter_rich_text,
)


def linked_body(pages):
    """Paragraphs, an FAQ answer and a callout, each linking to one of ``pages``."""
    body = [
        {
            "type": "paragraph",
            "value": f"<p>Try {page_link(page)}.</p><ul><li>x</li></ul>",
        }
        for page in pages
    ]
    body.append(
        {
            "type": "faq",
            "value": {
                "heading": "Questions",
                "items": [
                    {"question": "Which?", "answer": f"<p>{page_link(pages[0])}</p>"}
                ],
            },
        }
    )
    body.append(
        {
            "type": "callout",
            "value": {"tone": "info", "text": f"<p>See {page_link(pages[-1])}</p>"},
        }
    )
    return body


class TestExpandRichTextIn(TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        index = make_massage_type_index(home)
        cls.massage_types = [
            make_massage_type(index, title=f"Massage {n}") for n in range(10)
        ]
        conditions = make_condition_index(home)
        cls.short = make_condition_page(
            conditions, slug="short", body=linked_body(cls.massage_types[:2])
        )
        cls.long = make_condition_page(
            conditions, slug="long", body=linked_body(cls.massage_types)
        )

    def fresh_body(self, page):
        body = ConditionPage.objects.get(pk=page.pk).body
        list(body)  # Convert the raw data to block values outside the budget.
        return body

    def setUp(self):
        # Page URLs need the site root paths, which Wagtail caches: warm the cache
        # so the counts below measure only the link lookups.
        Site.get_site_root_paths()

    def test_finds_every_rich_text_value_in_the_stream(self):
        body = self.fresh_body(self.short)
        self.assertEqual(len(list(iter_rich_text(body))), 4)

    def test_page_links_cost_one_query_however_many_paragraphs(self):
        for page, paragraphs in ((self.short, 2), (self.long, 10)):
            with self.subTest(paragraphs=paragraphs):
                body = self.fresh_body(page)
                # The pages' base rows, as their specific classes (no query
                # per page type: a link needs only the page's URL).
                with self.assertNumQueries(1):
                    expand_rich_text_in(body)

    def test_output_matches_expanding_each_value_on_its_own(self):
        body = self.fresh_body(self.long)
        expand_rich_text_in(body)
        values = list(iter_rich_text(body))

        self.assertEqual(len(values), 12)
        for value in values:
            with self.subTest(source=value.source):
                self.assertEqual(value.expanded_html, expand_db_html(value.source))
                self.assertEqual(value.__html__(), RichText(value.source).__html__())
        self.assertIn(f'href="{self.massage_types[9].url}"', values[9].__html__())

    def test_rendering_after_expansion_costs_no_queries(self):
        body = self.fresh_body(self.long)
        expand_rich_text_in(body)
        with self.assertNumQueries(0):
            for value in iter_rich_text(body):
                value.__html__()
            expand_rich_text_in(body)  # Already expanded: nothing to do.

    def test_a_source_containing_the_separator_still_expands_correctly(self):
        body = self.fresh_body(self.short)
        values = list(iter_rich_text(body))
        values[0].source += _SEPARATOR
        expand_rich_text_in(body)

        for value in values:
            with self.subTest(source=value.source):
                self.assertEqual(value.expanded_html, expand_db_html(value.source))

    def test_links_to_known_pages_cost_no_queries_and_match_wagtail(self):
        body = self.fresh_body(self.long)
        known = {page.pk: page for page in self.massage_types}
        with self.assertNumQueries(0):
            expand_rich_text_in(body, known_pages=known)

        for value in iter_rich_text(body):
            with self.subTest(source=value.source):
                self.assertEqual(value.expanded_html, expand_db_html(value.source))

    def test_links_to_other_pages_are_still_looked_up(self):
        body = self.fresh_body(self.long)
        known = {page.pk: page for page in self.massage_types[:5]}
        with self.assertNumQueries(1):
            expand_rich_text_in(body, known_pages=known)

        values = list(iter_rich_text(body))
        for value in values:
            with self.subTest(source=value.source):
                self.assertEqual(value.expanded_html, expand_db_html(value.source))
        self.assertIn(f'href="{self.massage_types[9].url}"', values[9].__html__())
