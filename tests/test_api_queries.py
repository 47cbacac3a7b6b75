"""Query budgets of the API: a page's detail costs the same whatever it holds.

Each test requests the v2 or v3 detail of a small and a large reference
article (after one warm-up request, which creates the image renditions and
fills Wagtail's caches, as on a running site) and asserts equal query counts,
plus an absolute ceiling so that a regression affecting both sizes alike is
caught too. Every rich text format is covered: ``html`` and ``markdown``
expand the links of all paragraphs in one batch.
"""

from django.db import connection
from django.test import override_settings
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
    make_therapist,
    set_default_clinic,
)
from wagtail_clinic.models.condition_summary import EMBEDDED_CONDITIONS


# Ceilings per API and rich text format, measured on SQLite and PostgreSQL
# (the same counts; see docs/api-values.md, "Cost"), with the representation
# cache off: what building the values costs. A detail must stay within them
# at any size. The structured_data field (schema.org JSON-LD) costs 1 of
# these, the breadcrumb's ancestors: it reuses the clinic settings and the
# default clinic the body loaded.
#
# With translations on (tests/settings.py, as a multilingual clinic runs),
# each detail costs a few more queries per request, never per item:
# Wagtail's own v2 detail looks the page up again under the locale's root,
# checks the root's translation and reads ``meta.locale`` (3), v3 reads the
# locale (1), and the ``translations`` field lists the live translations (1;
# issue 16).
I18N_V2, I18N_V3 = 3 + 1, 1 + 1
BUDGETS = {
    ("v2", "db_html"): 20 + I18N_V2,
    ("v2", "html"): 22 + I18N_V2,
    ("v2", "markdown"): 22 + I18N_V2,
    ("v2", "db_markdown"): 20 + I18N_V2,
    ("v3", "db_html"): 19 + I18N_V3,
    ("v3", "html"): 21 + I18N_V3,
    ("v3", "markdown"): 21 + I18N_V3,
    ("v3", "db_markdown"): 19 + I18N_V3,
}
FORMATS = ("db_html", "html", "markdown", "db_markdown")


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


def link_cta_block(page):
    return {
        "type": "booking_cta",
        "value": {
            "heading": f"Read about {page.title}",
            "text": "",
            "clinic": None,  # The site's default clinic.
            "action": "link",
            "button_label": "",
            "link_page": page.pk,
            "link_url": "",
        },
    }


# The budgets measure the work of building the values, so the representation
# cache is off here; test_api_representation_cache.py covers warm requests.
NO_REPRESENTATION_CACHE = override_settings(
    WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE": False}
)


@NO_REPRESENTATION_CACHE
class TestAPIDetailQueryCount(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.clinic = make_clinic()
        set_default_clinic(cls.home.get_site(), cls.clinic)
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
        cls.images = [make_image(title=f"Figure {n}") for n in range(30)]
        cls.reviewer = make_therapist(photo=make_image(title="Portrait"))
        cls.small = cls.make_article("small", size=3, paragraphs=1)
        cls.large = cls.make_article("large", size=30, paragraphs=60)

    @classmethod
    def make_article(cls, slug, *, size, paragraphs):
        """The reference article with ``size`` chosen pages, images and CTAs."""
        body = article_body(
            image=cls.images[0],
            clinic=cls.clinic,
            massage_types=cls.massage_types[:size],
            link_page=cls.massage_types[-1],
            paragraphs=paragraphs,
        )
        body += [image_block(image) for image in cls.images[1:size]]
        body += [link_cta_block(page) for page in cls.massage_types[:size]]
        return make_condition_page(
            cls.index,
            body=body,
            title=slug,
            slug=slug,
            hero_image=cls.images[0],
            reviewed_by=cls.reviewer,
        )

    def count_queries(self, url):
        self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), response.json()

    def assert_constant(self, api, url_template):
        self.assertGreaterEqual(len(self.large.body), 100)
        self.assertLessEqual(len(self.small.body), 20)
        for rich_text_format in FORMATS:
            with self.subTest(rich_text_format=rich_text_format):
                query = f"?rich_text_format={rich_text_format}"
                small_count, small = self.count_queries(
                    url_template.format(self.small.pk) + query
                )
                large_count, large = self.count_queries(
                    url_template.format(self.large.pk) + query
                )
                # The large article really carries everything it holds.
                self.assertEqual(len(large["body"]), len(self.large.body))
                massage_types = next(
                    item for item in large["body"] if item["type"] == "massage_types"
                )
                self.assertEqual(len(massage_types["value"]["items"]), 30)
                self.assertEqual(
                    massage_types["value"]["items"][29]["page"]["title"], "Massage 29"
                )
                last = large["body"][-1]["value"]
                self.assertEqual(last["link_page"]["title"], "Massage 29")
                self.assertEqual(last["clinic"]["name"], self.clinic.name)

                self.assertEqual(small_count, large_count)
                self.assertLessEqual(large_count, BUDGETS[(api, rich_text_format)])

    def test_v2_detail_does_not_grow_with_blocks_pages_or_images(self):
        self.assert_constant("v2", "/api/v2/pages/{}/")

    def test_v3_detail_does_not_grow_with_blocks_pages_or_images(self):
        self.assert_constant("v3", "/api/v3/pages/{}/")

    def test_linked_paragraphs_are_expanded_in_one_batch(self):
        response = self.client.get(
            f"/api/v3/pages/{self.large.pk}/?rich_text_format=html"
        )
        paragraphs = [
            item["value"]
            for item in response.json()["body"]
            if item["type"] == "paragraph"
        ]
        self.assertEqual(len(paragraphs), 60)
        link = f'<a href="{self.massage_types[-1].url}">Massage 29</a>'
        self.assertTrue(all(link in paragraph for paragraph in paragraphs))
        self.assertIn("(60)", paragraphs[-1])


@NO_REPRESENTATION_CACHE
class TestAPIMassageTypeQueryCount(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, home = make_site_tree()
        condition_index = make_condition_index(home)
        cls.conditions = [
            make_condition_page(
                condition_index,
                title=f"Condition {n}",
                slug=f"condition-{n}",
                hero_image=make_image(),
            )
            for n in range(20)
        ]
        cls.massage_index = make_massage_type_index(home)

    def test_conditions_do_not_grow_queries(self):
        few = make_massage_type(
            self.massage_index, title="Few", conditions=self.conditions[:2]
        )
        many = make_massage_type(
            self.massage_index, title="Many", conditions=self.conditions
        )
        for version in ("v2", "v3"):
            with self.subTest(version=version):
                counts = []
                for page in (few, many):
                    url = f"/api/{version}/pages/{page.pk}/"
                    self.client.get(url)
                    with CaptureQueriesContext(connection) as queries:
                        response = self.client.get(url)
                    counts.append(len(queries))
                # A bounded summary: the first few, by title.
                self.assertEqual(
                    len(response.json()["conditions"]), min(20, EMBEDDED_CONDITIONS)
                )
                self.assertEqual(counts[0], counts[1])


@NO_REPRESENTATION_CACHE
class TestAPIListingQueryCount(WagtailPageTestCase):
    """``/api/v2/pages/?type=…&fields=*`` loads a page of results in batches:
    the same number of queries for 5 items as for 20."""

    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.clinic = make_clinic()
        set_default_clinic(cls.home.get_site(), cls.clinic)
        cls.index = make_condition_index(cls.home)
        massage_index = make_massage_type_index(cls.home)
        cls.massage_types = [
            make_massage_type(
                massage_index,
                title=f"Massage {n}",
                slug=f"massage-{n}",
                image=make_image(title=f"Massage image {n}"),
            )
            for n in range(4)
        ]
        for n in range(20):
            # Each article its own hero image, reviewer (with a photo), figure
            # and chosen massage types.
            body = article_body(
                image=make_image(title=f"Figure {n}"),
                clinic=cls.clinic,
                massage_types=cls.massage_types[n % 3 : n % 3 + 2],
                link_page=cls.massage_types[n % 4],
            )
            make_condition_page(
                cls.index,
                body=body,
                title=f"Article {n:02}",
                slug=f"article-{n}",
                hero_image=make_image(title=f"Hero {n}"),
                reviewed_by=make_therapist(
                    name=f"Reviewer {n}", photo=make_image(title=f"Portrait {n}")
                ),
            )

    def count_queries(self, limit):
        url = (
            "/api/v2/pages/?type=wagtail_clinic.ConditionPage&fields=*"
            f"&order=title&limit={limit}"
        )
        # The first request creates the renditions, as on a running site.
        self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), response.json()["items"]

    def test_fields_star_is_batched_per_page_of_results(self):
        few, few_items = self.count_queries(5)
        many, items = self.count_queries(20)
        self.assertEqual(len(few_items), 5)
        self.assertEqual(len(items), 20)
        self.assertEqual(few, many)
        self.assertLessEqual(many, 30)
        # Every item carries its own values.
        for n, item in enumerate(items):
            self.assertEqual(item["title"], f"Article {n:02}")
            self.assertEqual(item["hero_image"]["title"], f"Hero {n}")
            self.assertTrue(item["hero_image"]["renditions"])
            self.assertEqual(item["reviewed_by"]["name"], f"Reviewer {n}")
            self.assertEqual(item["reviewed_by"]["photo"]["title"], f"Portrait {n}")
            self.assertEqual(item["meta"]["locale"], "en")
            chosen = next(
                block for block in item["body"] if block["type"] == "massage_types"
            )
            self.assertEqual(
                [entry["page"]["title"] for entry in chosen["value"]["items"]],
                [f"Massage {m}" for m in range(n % 3, n % 3 + 2)],
            )
            figure = next(block for block in item["body"] if block["type"] == "image")
            self.assertEqual(figure["value"]["image"]["title"], f"Figure {n}")
            crumbs = next(
                entity
                for entity in item["structured_data"]
                if entity["@type"] == "BreadcrumbList"
            )
            self.assertEqual(crumbs["itemListElement"][-1]["name"], f"Article {n:02}")
