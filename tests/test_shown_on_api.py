"""``GET /api/v3/clinic/pages/{id}/shown-on/``: where a page is shown.

The set is the webhooks' and the edge-cache purge's
(``serialisation.locations.showing_pages``): the page, its live parent
index, the live pages referring to it and those choosing it in a
many-to-many field; only live, public pages, page by page.
"""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.test_api_endpoints import PROBLEM_JSON, ProblemAssertions
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    massage_types_section,
    page_link,
)


API = "/api/v3/clinic"


def choosing_body(massage_type):
    """An article body choosing ``massage_type`` (a massage_types block)."""
    return [massage_types_section([massage_type])]


class ShownOnTestCase(ProblemAssertions, TestCase):
    """A massage type chosen by three live articles, a draft and a private one."""

    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.conditions = make_condition_index(cls.home, slug="conditions")
        cls.massage_index = make_massage_type_index(cls.home, slug="massage")
        cls.sports = make_massage_type(cls.massage_index, slug="sports")
        cls.articles = [
            make_condition_page(
                cls.conditions,
                title=f"Article {n}",
                slug=f"article-{n}",
                body=choosing_body(cls.sports),
            )
            for n in range(3)
        ]
        cls.draft = make_condition_page(
            cls.conditions,
            title="Draft",
            slug="draft",
            live=False,
            body=[{"type": "paragraph", "value": f"<p>{page_link(cls.sports)}</p>"}],
        )
        cls.private = make_condition_page(
            cls.conditions,
            title="Private",
            slug="private",
            body=choosing_body(cls.sports),
        )
        PageViewRestriction.objects.create(
            page=cls.private, restriction_type="password", password="x"
        )
        # A massage type choosing an article in its ``conditions`` (M2M).
        cls.shiatsu = make_massage_type(
            cls.massage_index,
            title="Shiatsu",
            slug="shiatsu",
            conditions=[cls.articles[0]],
        )

    def url(self, page):
        return f"{API}/pages/{page.pk}/shown-on/"

    def get(self, page, **params):
        response = self.client.get(self.url(page), params)
        self.assertEqual(response.status_code, 200, response.content)
        return response


class TestShownOn(ShownOnTestCase):
    def test_the_page_its_index_and_the_live_public_pages_choosing_it(self):
        response = self.get(self.sports)

        body = response.json()
        self.assertEqual(body["count"], 5)
        self.assertEqual(
            [item["path"] for item in body["items"]],
            [
                "/massage/sports/",
                "/massage/",
                "/conditions/article-0/",
                "/conditions/article-1/",
                "/conditions/article-2/",
            ],
        )
        self.assertEqual(
            body["items"][0],
            {
                "id": self.sports.pk,
                "path": "/massage/sports/",
                "url": "http://localhost/massage/sports/",
            },
        )
        paths = str(body)
        self.assertNotIn("draft", paths)
        self.assertNotIn("private", paths)

    def test_many_to_many_choosers_are_included(self):
        body = self.get(self.articles[0]).json()

        self.assertIn("/massage/shiatsu/", [item["path"] for item in body["items"]])

    def test_paging_goes_through_every_page_once(self):
        expected = [item["path"] for item in self.get(self.sports).json()["items"]]
        seen = []
        for offset in range(0, 6, 2):
            body = self.get(self.sports, offset=offset, limit=2).json()
            self.assertEqual(body["count"], 5)
            seen += [item["path"] for item in body["items"]]
        self.assertEqual(seen, expected)

    def test_offset_past_the_end_is_empty(self):
        for offset in (5, 6, 2**63, 10**30):
            with self.subTest(offset=offset):
                body = self.get(self.sports, offset=offset).json()
                self.assertEqual((body["count"], body["items"]), (5, []))

    def test_cacheable_like_the_other_clinic_endpoints(self):
        response = self.get(self.sports)

        self.assertIn("public", response["Cache-Control"])
        self.assertTrue(response["ETag"])
        self.assertTrue(response["Last-Modified"])
        again = self.client.get(
            self.url(self.sports), HTTP_IF_NONE_MATCH=response["ETag"]
        )
        self.assertEqual(again.status_code, 304)


class TestShownOnErrors(ShownOnTestCase):
    def test_unknown_draft_or_private_pages_are_404(self):
        for page_id in (99999999, self.draft.pk, self.private.pk):
            with self.subTest(page_id=page_id):
                response = self.client.get(f"{API}/pages/{page_id}/shown-on/")
                self.assert_problem(response, 404, loc=["path", "page_id"])

    def test_an_unpublished_page_is_404(self):
        self.sports.unpublish()

        self.assert_problem(self.client.get(self.url(self.sports)), 404)

    def test_bad_ids_offsets_and_limits_are_422(self):
        for query in (
            "offset=-1",
            "offset=x",
            "limit=0",
            "limit=ten",
            "offset=" + "9" * 5000,
        ):
            with self.subTest(query=query):
                response = self.client.get(f"{self.url(self.sports)}?{query}")
                name = query.split("=")[0]
                self.assert_problem(response, 422, loc=["query", name])
        for page_id in ("x", "0", str(2**31)):
            with self.subTest(page_id=page_id):
                response = self.client.get(f"{API}/pages/{page_id}/shown-on/")
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response["Content-Type"], PROBLEM_JSON)

    def test_limit_above_the_maximum_is_400(self):
        # tests/settings.py sets WAGTAILAPI_LIMIT_MAX = 50.
        problem = self.assert_problem(
            self.client.get(self.url(self.sports), {"limit": 51}),
            400,
            loc=["query", "limit"],
        )
        self.assertEqual(problem.detail, "limit cannot be higher than 50")
        with override_settings(WAGTAIL_CLINIC={"API_LIMIT_MAX": 2}):
            body = self.get(self.sports).json()
        self.assertEqual(len(body["items"]), 2)


class TestShownOnQueries(TestCase):
    """The same queries for 3 and for 30 pages choosing the page."""

    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.conditions = make_condition_index(cls.home, slug="conditions")
        cls.massage_index = make_massage_type_index(cls.home, slug="massage")
        cls.few = make_massage_type(cls.massage_index, slug="few")
        cls.many = make_massage_type(cls.massage_index, title="Many", slug="many")
        for massage_type, number in ((cls.few, 3), (cls.many, 30)):
            for n in range(number):
                make_condition_page(
                    cls.conditions,
                    title=f"{massage_type.slug} {n}",
                    slug=f"{massage_type.slug}-{n}",
                    body=choosing_body(massage_type),
                )

    def count_queries(self, page, **params):
        self.client.get(f"{API}/pages/{page.pk}/shown-on/", params)  # Warm.
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"{API}/pages/{page.pk}/shown-on/", params)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_flat(self):
        for params in ({}, {"offset": 2, "limit": 3}):
            with self.subTest(params=params):
                few = self.count_queries(self.few, **params)
                self.assertEqual(self.count_queries(self.many, **params), few)
                self.assertLessEqual(few, 6, few)
