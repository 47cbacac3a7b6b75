"""Query budgets: page views cost the same whatever the content holds.

Each test renders the same kind of page at a small and a large size and
asserts equal query counts (after one warm-up request, which creates the image
renditions), plus an absolute ceiling so a regression is caught even when it
affects both sizes alike.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils import WagtailPageTestCase

from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    set_default_clinic,
)


# Ceilings measured on SQLite and PostgreSQL (see docs/developers.md); a page view
# of an article or an index page must stay within them at any size.
# An article: Wagtail's 6 (site, route and specific pages, the article itself
# in one query by its index page, alias check, view restrictions), the clinic
# settings (with the default clinic), the approved
# reader comments (one query, however many; see tests/test_comments_queries.py),
# the chosen massage types, the chosen images, the clinic's opening hours (the
# clinic is the settings' default one), all renditions in one query, the hero
# image and reviewer (one query): at most 12, measured. An index page: one
# query more than Django's paginator (ids sorted first, then the page's cards). The structured data's
# breadcrumb trail reuses the pages routing passed through; rich text links to
# the chosen pages and the structured data's clinic reuse what the body
# loaded.
# With translations on (WAGTAIL_I18N_ENABLED), two queries per request are
# new, whatever the content: Wagtail's routing looks up the active locale
# (``site.root_page.localized``), and the hreflang links load the page's live
# translations (``serialisation.translations.live_translations``, one query).
# Chosen items and rich text links in the page's locale cost none here.
I18N_QUERIES = 2
ARTICLE_BUDGET = 12 + I18N_QUERIES
# Links to pages the body does not choose: one query for those pages.
ARTICLE_WITH_OTHER_LINKS_BUDGET = ARTICLE_BUDGET + 1
INDEX_BUDGET = 14 + I18N_QUERIES


def image_block(image):
    return {
        "type": "image",
        "value": {
            "image": image.pk,
            "decorative": False,
            "alt_text": f"Alt text for {image.title}",
            "caption": "",
        },
    }


class QueryCountMixin:
    def count_queries(self, url):
        # The first request creates renditions and warms Wagtail's caches
        # (site root paths), exactly as on a running site.
        self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), response


class TestArticleQueryCount(QueryCountMixin, WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.site = cls.home.get_site()
        cls.clinic = make_clinic()
        set_default_clinic(cls.site, cls.clinic)
        cls.index = make_condition_index(cls.home)
        massage_index = make_massage_type_index(cls.home)
        cls.massage_types = [
            make_massage_type(
                massage_index,
                title=f"Massage {n}",
                slug=f"massage-{n}",
                image=make_image(title=f"Massage image {n}"),
            )
            for n in range(30)
        ]
        cls.images = [make_image(title=f"Figure {n}") for n in range(8)]
        cls.link_target = cls.massage_types[0]

    def make_article(self, slug, *, massage_types, images, paragraphs, link_page=None):
        body = article_body(
            image=self.images[0],
            clinic=self.clinic,
            massage_types=massage_types,
            link_page=link_page or self.link_target,
            paragraphs=paragraphs,
        )
        body += [image_block(image) for image in images]
        return make_condition_page(self.index, body=body, title=slug, slug=slug)

    def test_article_query_count_does_not_grow_with_content(self):
        small = self.make_article(
            "small", massage_types=self.massage_types[:3], images=[], paragraphs=2
        )
        large = self.make_article(
            "large", massage_types=self.massage_types, images=self.images, paragraphs=40
        )

        small_count, small_response = self.count_queries(small.url)
        large_count, large_response = self.count_queries(large.url)

        # The large article really shows everything it holds.
        self.assertContains(large_response, "Massage 29")
        self.assertContains(large_response, "Alt text for Figure 7")
        self.assertContains(large_response, "(40)")
        self.assertNotContains(small_response, "Massage 29")
        self.assertEqual(small_count, large_count)
        self.assertLessEqual(large_count, ARTICLE_BUDGET)

    def test_links_to_pages_the_body_does_not_choose(self):
        # The linked page is not among the chosen massage types: the links
        # are looked up (two queries, however many paragraphs).
        other = self.massage_types[20]
        small = self.make_article(
            "small",
            massage_types=self.massage_types[:3],
            images=[],
            paragraphs=2,
            link_page=other,
        )
        large = self.make_article(
            "large",
            massage_types=self.massage_types[:10],
            images=self.images,
            paragraphs=40,
            link_page=other,
        )

        small_count, small_response = self.count_queries(small.url)
        large_count, _ = self.count_queries(large.url)

        self.assertContains(small_response, f'href="{other.url}"')
        self.assertEqual(small_count, large_count)
        self.assertLessEqual(large_count, ARTICLE_WITH_OTHER_LINKS_BUDGET)


class TestIndexQueryCount(QueryCountMixin, WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.image = make_image(title="Card image")

    def test_condition_index_does_not_grow_with_articles(self):
        few = make_condition_index(self.home, title="Few", slug="few")
        many = make_condition_index(self.home, title="Many", slug="many")
        for n in range(2):
            make_condition_page(few, title=f"Few {n}", hero_image=make_image())
        for n in range(20):
            make_condition_page(many, title=f"Many {n}", hero_image=make_image())

        few_count, _ = self.count_queries(few.url)
        many_count, response = self.count_queries(many.url)

        self.assertContains(response, "Many 19")
        self.assertEqual(few_count, many_count)
        self.assertLessEqual(many_count, INDEX_BUDGET)

    def test_massage_type_index_does_not_grow_with_massage_types(self):
        few = make_massage_type_index(self.home, title="Few", slug="few")
        many = make_massage_type_index(self.home, title="Many", slug="many")
        for n in range(3):
            make_massage_type(few, title=f"Few {n}", image=make_image())
        for n in range(20):
            make_massage_type(many, title=f"Many {n}", image=make_image())

        few_count, _ = self.count_queries(few.url)
        many_count, response = self.count_queries(many.url)

        self.assertContains(response, "Many 19")
        self.assertEqual(few_count, many_count)
        self.assertLessEqual(many_count, INDEX_BUDGET)


class TestListingsLeaveBodiesOut(QueryCountMixin, WagtailPageTestCase):
    """Listings sort and page their rows by title: the StreamField bodies
    (the bulk of an article row) must not be read, or a deep ``?page=``
    copies every article's body into the sort (benchmarks/scale.py)."""

    def body_columns_read(self, url):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return [
            query["sql"]
            for query in queries
            if '_conditionpage"."body"' in query["sql"]
            or '_massagetypepage"."body"' in query["sql"]
        ]

    def test_index_pages_do_not_read_bodies(self):
        _, home = make_site_tree()
        conditions = make_condition_index(home)
        for n in range(3):
            make_condition_page(conditions, title=f"Article {n}")
        massage_types = make_massage_type_index(home)
        make_massage_type(massage_types, title="Swedish massage")

        self.assertEqual(self.body_columns_read(conditions.url), [])
        self.assertEqual(self.body_columns_read(massage_types.url), [])
