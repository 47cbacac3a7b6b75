"""The clinic's own API endpoints under /api/v3/clinic/: shapes, filters,
pagination, errors, OpenAPI and query budgets.

Visibility (drafts, private pages, other sites) is in test_api_visibility.py,
HTTP caching in test_api_caching.py.
"""

import datetime

from urllib.parse import quote, urlencode

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from wagtail.models import Locale, Page, Site

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.api.listings import ClinicConditionList, ClinicMassageTypeList
from wagtail_clinic.models import ConditionPage
from wagtail_clinic.public_input.problems import ClinicProblem


API = "/api/v3/clinic"
PROBLEM_JSON = "application/problem+json"

# Listings cost a fixed number of queries (see test_listing_query_counts_*);
# the ceiling catches a regression that affects every size alike.
LISTING_BUDGET = 7


class ProblemAssertions:
    def assert_problem(self, response, status, *, loc=None):
        """An RFC 7807 answer with ``status``, naming parameter ``loc`` if given."""
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], PROBLEM_JSON)
        problem = ClinicProblem.model_validate(response.json())
        self.assertEqual(problem.status, status)
        self.assertEqual(problem.type, "about:blank")
        self.assertTrue(problem.title)
        if loc is not None:
            self.assertIn(loc, [error.loc for error in problem.errors or []])
        return problem


class ClinicContentMixin:
    """Two conditions and two massage types under the default site."""

    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.condition_index = make_condition_index(cls.home, slug="conditions")
        cls.back_pain = make_condition_page(
            cls.condition_index,
            slug="back-pain",
            hero_image=make_image(title="Lower back"),
            hero_image_alt="A therapist working on a lower back",
        )
        # Set directly: clean() wants a reviewer, beside the point here.
        ConditionPage.objects.filter(pk=cls.back_pain.pk).update(
            last_reviewed=datetime.date(2026, 1, 15)
        )
        cls.neck_pain = make_condition_page(
            cls.condition_index,
            title="Neck pain",
            slug="neck-pain",
            condition_name="Neck pain",
            intro="Stiff neck? Read on.",
        )
        cls.massage_index = make_massage_type_index(cls.home, slug="massage-types")
        cls.shiatsu = make_massage_type(
            cls.massage_index,
            title="Shiatsu",
            summary="Finger pressure along the meridians.",
            session_lengths="60",
            conditions=[cls.neck_pain],
        )
        cls.sports = make_massage_type(
            cls.massage_index,
            image=make_image(title="Sports"),
            image_alt="A runner's calf",
            conditions=[cls.back_pain, cls.neck_pain],
        )


class TestPageDetail(ProblemAssertions, ClinicContentMixin, TestCase):
    def test_detail_has_the_shape_of_the_v3_page_detail(self):
        ours = self.client.get(f"{API}/pages/{self.back_pain.pk}/")
        wagtails = self.client.get(f"/api/v3/pages/{self.back_pain.pk}/")
        self.assertEqual(ours.status_code, 200)
        self.assertEqual(ours.json(), wagtails.json())
        self.assertEqual(ours.json()["meta"]["type"], "wagtail_clinic.ConditionPage")

    def test_rich_text_format_is_honoured_and_validated(self):
        url = f"{API}/pages/{self.condition_index.pk}/"
        self.assertEqual(
            self.client.get(url + "?rich_text_format=html").status_code, 200
        )
        self.assert_problem(
            self.client.get(url + "?rich_text_format=bogus"),
            422,
            loc=["query", "rich_text_format"],
        )

    def test_unknown_ids_are_404(self):
        for page_id in (0, -1, 999_999, 2**63, 10**30):
            with self.subTest(page_id=page_id):
                self.assert_problem(
                    self.client.get(f"{API}/pages/{page_id}/"),
                    404,
                    loc=["path", "page_id"],
                )

    def test_non_integer_ids_are_422(self):
        for page_id in ("abc", "1.5", "%E2%82%AC", "1e3"):
            with self.subTest(page_id=page_id):
                self.assert_problem(
                    self.client.get(f"{API}/pages/{page_id}/"),
                    422,
                    loc=["path", "page_id"],
                )

    def test_the_tree_root_is_not_part_of_any_site(self):
        root = Page.get_first_root_node()
        self.assert_problem(self.client.get(f"{API}/pages/{root.pk}/"), 404)


class TestPageByPath(ProblemAssertions, ClinicContentMixin, TestCase):
    def test_finds_the_page_at_a_path(self):
        response = self.client.get(
            f"{API}/pages/by-path/", {"path": "/conditions/back-pain/"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            self.client.get(f"/api/v3/pages/{self.back_pain.pk}/").json(),
        )

    def test_normalises_slashes(self):
        for path in (
            "conditions/back-pain",
            "/conditions/back-pain",
            "conditions/back-pain/",
            "//conditions//back-pain//",
        ):
            with self.subTest(path=path):
                response = self.client.get(f"{API}/pages/by-path/", {"path": path})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["id"], self.back_pain.pk)

    def test_the_root_path_is_the_site_root(self):
        response = self.client.get(f"{API}/pages/by-path/", {"path": "/"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["id"], self.home.pk)

    def test_unknown_paths_are_404(self):
        for path in ("/conditions/nope/", "/conditions/back-pain/extra/", "/home/"):
            with self.subTest(path=path):
                self.assert_problem(
                    self.client.get(f"{API}/pages/by-path/", {"path": path}),
                    404,
                    loc=["query", "path"],
                )

    def test_bad_paths_are_422(self):
        for query in (
            "",
            "?path=%2Fconditions%00%2F",
            "?path=%0A",
            f"?path={'a/' * 2000}",
            "?path=/a/&path=/b/",
        ):
            with self.subTest(query=query[:40]):
                self.assert_problem(
                    self.client.get(f"{API}/pages/by-path/{query}"),
                    422,
                    loc=["query", "path"],
                )

    def test_a_site_can_be_named(self):
        site = self.home.get_site()
        response = self.client.get(
            f"{API}/pages/by-path/",
            {"path": "/conditions/neck-pain/", "site": f"{site.hostname}:{site.port}"},
        )
        self.assertEqual(response.json()["id"], self.neck_pain.pk)
        for site_param in ("nowhere.example", "localhost:1", "localhost:x", "a:1:2"):
            with self.subTest(site=site_param):
                self.assert_problem(
                    self.client.get(
                        f"{API}/pages/by-path/",
                        {"path": "/conditions/", "site": site_param},
                    ),
                    422,
                    loc=["query", "site"],
                )


class TestConditionList(ProblemAssertions, ClinicContentMixin, TestCase):
    url = f"{API}/conditions/"

    def get_list(self, **params):
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return ClinicConditionList.model_validate(response.json())

    def test_cards_by_title(self):
        listing = self.get_list()
        self.assertEqual(listing.count, 2)
        self.assertEqual(
            [card.id for card in listing.items], [self.neck_pain.pk, self.back_pain.pk]
        )
        card = listing.items[1]
        self.assertEqual(card.title, "Relief From Pain In The Back")
        self.assertEqual(card.summary, self.back_pain.intro)
        self.assertEqual(card.condition_name, "Back pain")
        self.assertEqual(card.path, "/conditions/back-pain/")
        self.assertEqual(card.url, "http://localhost/conditions/back-pain/")
        self.assertEqual(card.last_reviewed, datetime.date(2026, 1, 15))
        self.assertEqual(card.image.alt, "A therapist working on a lower back")
        self.assertEqual(
            set(card.image.renditions), {"hero", "content", "card", "portrait"}
        )
        self.assertIsNone(listing.items[0].image)
        self.assertIsNone(listing.items[0].last_reviewed)

    def test_filter_by_massage_type(self):
        listing = self.get_list(massage_type=self.shiatsu.pk)
        self.assertEqual([card.id for card in listing.items], [self.neck_pain.pk])
        self.assertEqual(self.get_list(massage_type=self.sports.pk).count, 2)

    def test_unknown_massage_type_is_422(self):
        for value in (self.back_pain.pk, 999_999, 2**63, -1):
            with self.subTest(massage_type=value):
                self.assert_problem(
                    self.client.get(self.url, {"massage_type": value}),
                    422,
                    loc=["query", "massage_type"],
                )
        self.assert_problem(
            self.client.get(self.url, {"massage_type": "shiatsu"}),
            422,
            loc=["query", "massage_type"],
        )

    def test_search(self):
        listing = self.get_list(search="stiff")
        self.assertEqual([card.id for card in listing.items], [self.neck_pain.pk])
        self.assertEqual(
            self.get_list(search="stiff", massage_type=self.sports.pk).count, 1
        )
        self.assertEqual(self.get_list(search="").count, 2)
        self.assertEqual(self.get_list(search="zzyzx").count, 0)

    @override_settings(WAGTAILAPI_SEARCH_ENABLED=False)
    def test_search_can_be_disabled(self):
        self.assert_problem(
            self.client.get(self.url, {"search": "neck"}), 400, loc=["query", "search"]
        )

    def test_pagination(self):
        first = self.get_list(limit=1)
        second = self.get_list(limit=1, offset=1)
        self.assertEqual((first.count, second.count), (2, 2))
        self.assertEqual(
            [first.items[0].id, second.items[0].id],
            [self.neck_pain.pk, self.back_pain.pk],
        )

    def test_offsets_past_the_end_give_an_empty_page(self):
        for offset in (2, 3, 2**31, 2**63 - 1, 2**63, 2**64, 10**30):
            with self.subTest(offset=offset):
                listing = self.get_list(offset=offset)
                self.assertEqual((listing.count, listing.items), (2, []))

    def test_bad_offsets_and_limits_are_422(self):
        for params in (
            {"offset": -1},
            {"offset": "x"},
            {"offset": "1.5"},
            {"offset": "9" * 5000},
            {"limit": 0},
            {"limit": -5},
            {"limit": "ten"},
        ):
            with self.subTest(params=params):
                name = next(iter(params))
                self.assert_problem(
                    self.client.get(self.url, params), 422, loc=["query", name]
                )

    def test_limit_above_the_maximum_is_400(self):
        # tests/settings.py sets WAGTAILAPI_LIMIT_MAX = 50.
        self.assertEqual(self.get_list(limit=50).count, 2)
        for limit in (51, 2**63, 10**30):
            with self.subTest(limit=limit):
                problem = self.assert_problem(
                    self.client.get(self.url, {"limit": limit}),
                    400,
                    loc=["query", "limit"],
                )
                self.assertEqual(problem.detail, "limit cannot be higher than 50")

    def test_the_clinic_setting_overrides_the_limit_maximum(self):
        with override_settings(WAGTAIL_CLINIC={"API_LIMIT_MAX": 1}):
            self.assert_problem(self.client.get(self.url, {"limit": 2}), 400)
            self.assertEqual(len(self.get_list(limit=1).items), 1)
        with override_settings(WAGTAIL_CLINIC={"API_LIMIT_MAX": 1}):
            # Without a limit, the default (20) is lowered to the maximum.
            self.assertEqual(len(self.get_list().items), 1)
        with override_settings(WAGTAILAPI_LIMIT_MAX=None):
            self.assertEqual(self.get_list(limit=10**6).count, 2)

    def test_repeated_parameters_are_422(self):
        for query in ("limit=1&limit=2", "offset=0&offset=0", "search=a&search=b"):
            with self.subTest(query=query):
                name = query.split("=")[0]
                self.assert_problem(
                    self.client.get(f"{self.url}?{query}"), 422, loc=["query", name]
                )

    def test_text_with_control_characters_is_422(self):
        for name in ("search", "site"):
            with self.subTest(name=name):
                self.assert_problem(
                    self.client.get(f"{self.url}?{name}=a%00b"),
                    422,
                    loc=["query", name],
                )

    def test_unknown_parameters_are_ignored(self):
        # As in Wagtail's v3 listings: e.g. cache busters must not break a call.
        self.assertEqual(self.get_list(utm_source="newsletter").count, 2)

    def test_an_ambiguous_site_needs_its_port(self):
        Site.objects.create(hostname="clinic.example", port=80, root_page=self.home)
        Site.objects.create(hostname="clinic.example", port=8080, root_page=self.home)
        self.assert_problem(
            self.client.get(self.url, {"site": "clinic.example"}),
            422,
            loc=["query", "site"],
        )
        self.assertEqual(self.get_list(site="clinic.example:8080").count, 2)

    def test_without_any_site_there_is_nothing_to_list(self):
        Site.objects.all().delete()
        self.assert_problem(self.client.get(self.url), 404)

    @override_settings(WAGTAIL_I18N_ENABLED=True)
    def test_translations_of_the_site_root_are_part_of_the_site(self):
        """The French tree under the translated site root is listed, in
        French only: an English listing never shows a French card."""
        french = Locale.objects.create(language_code="fr")
        for page in (self.home, self.condition_index, self.neck_pain):
            translation = page.copy_for_translation(french)
            translation.save_revision().publish()
        english = self.get_list()
        self.assertEqual(english.count, 2)
        self.assertNotIn(translation.pk, [card.id for card in english.items])
        listing = self.get_list(locale="fr")
        self.assertEqual([card.id for card in listing.items], [translation.pk])
        self.assertEqual(listing.items[0].path, "/conditions/neck-pain/")


class TestMassageTypeList(ProblemAssertions, ClinicContentMixin, TestCase):
    url = f"{API}/massage-types/"

    def get_list(self, **params):
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return ClinicMassageTypeList.model_validate(response.json())

    def test_cards_by_title(self):
        listing = self.get_list()
        self.assertEqual(
            [card.id for card in listing.items], [self.shiatsu.pk, self.sports.pk]
        )
        card = listing.items[1]
        self.assertEqual(card.summary, "Targets the muscles you use in your sport.")
        self.assertEqual(card.session_lengths, [30, 60, 90])
        self.assertEqual(card.path, "/massage-types/sports-massage/")
        self.assertEqual(card.image.alt, "A runner's calf")
        self.assertEqual(
            [c.model_dump() for c in card.conditions],
            [
                {
                    "id": self.neck_pain.pk,
                    "title": "Neck pain",
                    "path": "/conditions/neck-pain/",
                },
                {
                    "id": self.back_pain.pk,
                    "title": "Relief From Pain In The Back",
                    "path": "/conditions/back-pain/",
                },
            ],
        )
        self.assertEqual(card.conditions_count, 2)
        self.assertEqual(
            card.conditions_url,
            f"http://testserver{API}/conditions/?massage_type={self.sports.pk}",
        )
        self.assertEqual(listing.items[0].session_lengths, [60])
        self.assertIsNone(listing.items[0].image)

    def test_cards_embed_the_first_conditions_and_count_them_all(self):
        """A card names the first 5 conditions by title, counts every live,
        public one and links to the condition listing of all of them."""
        extra = [
            make_condition_page(
                self.condition_index, title=f"Ache {n}", slug=f"ache-{n}"
            )
            for n in range(6)
        ]
        draft = make_condition_page(
            self.condition_index, title="A draft ache", slug="draft-ache", live=False
        )
        self.sports.conditions.add(*extra, draft)
        card = self.get_list(search="sports").items[0]
        self.assertEqual(
            [c.title for c in card.conditions], [f"Ache {n}" for n in range(5)]
        )
        self.assertEqual(card.conditions_count, 8)
        listing = self.client.get(card.conditions_url).json()
        self.assertEqual(listing["count"], 8)
        self.assertEqual(
            self.get_list(site="localhost").items[1].conditions_url,
            f"http://testserver{API}/conditions/?site=localhost"
            f"&massage_type={self.sports.pk}",
        )

    def test_filter_by_condition_id_or_slug(self):
        for value in (self.back_pain.pk, "back-pain"):
            with self.subTest(condition=value):
                listing = self.get_list(condition=value)
                self.assertEqual([card.id for card in listing.items], [self.sports.pk])
        self.assertEqual(self.get_list(condition="neck-pain").count, 2)

    def test_unknown_condition_is_422(self):
        for value in ("nope", self.sports.pk, 999_999, "9" * 30, "-1"):
            with self.subTest(condition=value):
                self.assert_problem(
                    self.client.get(self.url, {"condition": value}),
                    422,
                    loc=["query", "condition"],
                )

    def test_search_and_pagination(self):
        self.assertEqual(
            [card.id for card in self.get_list(search="meridians").items],
            [self.shiatsu.pk],
        )
        listing = self.get_list(limit=1, offset=1)
        self.assertEqual(
            (listing.count, [c.id for c in listing.items]), (2, [self.sports.pk])
        )
        self.assertEqual(self.get_list(offset=2**63).items, [])


class TestOpenAPI(TestCase):
    @classmethod
    def setUpTestData(cls):
        from django.test import Client

        cls.schema = Client().get("/api/v3/openapi.json").json()

    def operation(self, path):
        return self.schema["paths"][f"/api/v3/clinic{path}"]["get"]

    def test_operations_are_typed_and_prefixed(self):
        expected = {
            "/pages/{page_id}/": "clinic_page_detail",
            "/pages/by-path/": "clinic_page_by_path",
            "/conditions/": "clinic_condition_list",
            "/massage-types/": "clinic_massage_type_list",
        }
        for path, operation_id in expected.items():
            with self.subTest(path=path):
                operation = self.operation(path)
                self.assertEqual(operation["operationId"], operation_id)
                self.assertEqual(operation["tags"], ["clinic"])
                self.assertTrue(operation["summary"])
                responses = operation["responses"]
                self.assertIn("200", responses)
                for status in ("400", "404", "422"):
                    self.assertEqual(
                        responses[status]["content"][PROBLEM_JSON]["schema"],
                        {"$ref": "#/components/schemas/ClinicProblem"},
                    )
                for parameter in operation["parameters"]:
                    if parameter["in"] == "query":
                        self.assertTrue(parameter.get("description"), parameter)

    def test_page_details_use_wagtails_page_union(self):
        detail = self.operation("/pages/{page_id}/")["responses"]["200"]
        v3_detail = self.schema["paths"]["/api/v3/pages/{page_id}/"]["get"]
        self.assertEqual(detail["content"], v3_detail["responses"]["200"]["content"])

    def test_listing_components(self):
        components = self.schema["components"]["schemas"]
        listing = self.operation("/conditions/")["responses"]["200"]
        self.assertEqual(
            listing["content"]["application/json"]["schema"],
            {"$ref": "#/components/schemas/ClinicConditionList"},
        )
        self.assertEqual(
            set(components["ClinicConditionCard"]["properties"]),
            {
                "id",
                "title",
                "summary",
                "url",
                "path",
                "image",
                "condition_name",
                "last_reviewed",
            },
        )
        self.assertEqual(
            set(components["ClinicMassageTypeCard"]["properties"]),
            {
                "id",
                "title",
                "summary",
                "url",
                "path",
                "image",
                "session_lengths",
                "conditions",
                "conditions_count",
                "conditions_url",
            },
        )
        self.assertEqual(
            set(components["ClinicConditionRef"]["properties"]), {"id", "title", "path"}
        )
        params = {p["name"]: p for p in self.operation("/massage-types/")["parameters"]}
        self.assertEqual(
            set(params), {"offset", "limit", "search", "site", "locale", "condition"}
        )
        self.assertEqual(params["offset"]["schema"]["minimum"], 0)
        self.assertEqual(params["limit"]["schema"]["minimum"], 1)


class TestListingQueryCounts(TestCase):
    """Listings cost the same number of queries for 1, 5 or 20 cards."""

    @classmethod
    def setUpTestData(cls):
        _, home = make_site_tree()
        cls.condition_index = make_condition_index(home, slug="conditions")
        cls.massage_index = make_massage_type_index(home, slug="massage-types")
        cls.conditions = []
        cls.massage_types = []

    def add_content(self, total):
        while len(self.conditions) < total:
            n = len(self.conditions)
            self.conditions.append(
                make_condition_page(
                    self.condition_index,
                    title=f"Condition {n:02}",
                    slug=f"condition-{n}",
                    hero_image=make_image(title=f"Condition image {n}"),
                )
            )
            self.massage_types.append(
                make_massage_type(
                    self.massage_index,
                    title=f"Massage {n:02}",
                    slug=f"massage-{n}",
                    image=make_image(title=f"Massage image {n}"),
                    conditions=self.conditions[-3:],
                )
            )

    def count_queries(self, url):
        # The first request creates the renditions, as on a running site.
        self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), len(response.json()["items"])

    def assert_flat(self, url):
        counts = {}
        for total in (1, 5, 20):
            self.add_content(total)
            counts[total], items = self.count_queries(url)
            self.assertEqual(items, total)
        self.assertEqual(len(set(counts.values())), 1, counts)
        self.assertLessEqual(counts[20], LISTING_BUDGET, counts)
        # A page of 2 cards out of 20 costs what a page of 20 does.
        self.assertEqual(self.count_queries(f"{url}?limit=2")[0], counts[20])
        return counts

    def test_condition_list_does_not_grow_with_cards(self):
        self.assert_flat(f"{API}/conditions/")

    def test_massage_type_list_does_not_grow_with_cards(self):
        self.assert_flat(f"{API}/massage-types/")

    def test_massage_type_list_does_not_grow_with_conditions(self):
        """3 or 30 conditions per massage type: the same queries."""
        self.add_content(30)
        url = f"{API}/massage-types/?limit=5"
        few = self.count_queries(url)[0]
        for massage_type in self.massage_types:
            massage_type.conditions.set(self.conditions)
        many = self.count_queries(url)[0]
        self.assertEqual(few, many)
        self.assertLessEqual(many, LISTING_BUDGET)
        card = self.client.get(url).json()["items"][0]
        self.assertEqual(len(card["conditions"]), 5)
        self.assertEqual(card["conditions_count"], 30)

    def test_filtered_lists_do_not_grow_with_cards(self):
        self.add_content(20)
        for url in (
            f"{API}/conditions/?massage_type={self.massage_types[-1].pk}",
            f"{API}/massage-types/?condition={self.conditions[-1].slug}",
        ):
            with self.subTest(url=url):
                self.assertLessEqual(self.count_queries(url)[0], LISTING_BUDGET + 1)


# Fuzzing: any query string gives a documented answer, never a 500.

PARAMETER_VALUES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("\x00\r\n\t\u2028 %/.-:0123456789é"), max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["", "0", "-0", "1e3", "NaN", "null", "[]", "ünïcode", "a" * 3000, "fr", "FR"]
    ),
)
PARAMETERS = {
    "/pages/by-path/": ["path", "site", "rich_text_format", "locale"],
    "/pages/{id}/": ["site", "rich_text_format", "version"],
    "/conditions/": ["offset", "limit", "search", "site", "locale", "massage_type"],
    "/massage-types/": ["offset", "limit", "search", "site", "locale", "condition"],
}


class TestFuzzedParameters(ProblemAssertions, ClinicContentMixin, HypothesisTestCase):
    @settings(max_examples=100, deadline=None, database=None)
    @given(
        endpoint=st.sampled_from(sorted(PARAMETERS)),
        # Without "/": a path that no longer matches the route is Django's 404.
        page_id=st.one_of(
            st.integers(-(2**70), 2**70),
            st.text(min_size=1).filter(lambda text: "/" not in text),
        ),
        data=st.data(),
    )
    def test_never_a_server_error(self, endpoint, page_id, data):
        names = PARAMETERS[endpoint]
        query = data.draw(
            st.lists(st.tuples(st.sampled_from(names), PARAMETER_VALUES), max_size=4)
        )
        path = endpoint.replace("{id}", quote(str(page_id), safe=""))
        response = self.client.get(f"{API}{path}?{urlencode(query)}")
        self.assertIn(response.status_code, (200, 400, 404, 422), response.content)
        if response.status_code != 200:
            self.assert_problem(response, response.status_code)
