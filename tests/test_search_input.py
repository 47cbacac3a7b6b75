"""``?search=`` on the clinic listings: results or a 422, never a 500.

Runs against the real search backend of the database in use (SQLite FTS5 or
PostgreSQL full-text search): nothing is mocked, since the failures were in
the database's query syntax ("unterminated string" on SQLite).
"""

import unicodedata
import unittest

from django.db import connection
from django.db.models import Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.fuzzing import fuzz_examples
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.api.listings import (
    LISTING_ORDER,
    ClinicConditionList,
    ClinicMassageTypeList,
    page_rows,
)
from wagtail_clinic.api.search import _index_plan, search_matches, search_page
from wagtail_clinic.models import ConditionPage
from wagtail_clinic.public_input.search import MAX_WORD_LENGTH, MAX_WORDS, search_words


API = "/api/v3/clinic"
LISTINGS = {
    f"{API}/conditions/": ClinicConditionList,
    f"{API}/massage-types/": ClinicMassageTypeList,
}

#: Full-text query syntax of SQLite FTS5, PostgreSQL tsquery and Wagtail's
#: own query parser, alone and around real words; and other odd input.
HOSTILE = [
    '"',
    '""',
    '"stiff',
    'stiff"',
    '"stiff neck"',
    "'",
    "''",
    "'stiff'",
    "stiff''",
    "*",
    "stiff*",
    "*stiff",
    "NEAR(",
    "NEAR(stiff neck)",
    "NEAR(stiff neck, 2)",
    "AND",
    "OR",
    "NOT",
    "stiff AND",
    "AND stiff",
    "stiff OR neck",
    "NOT stiff",
    "stiff NOT",
    "-",
    "-stiff",
    "stiff -neck",
    ":",
    "title:stiff",
    "stiff:*",
    "stiff:A",
    "(",
    ")",
    "(stiff",
    "stiff)",
    "((stiff))",
    "^",
    "^stiff",
    "+stiff",
    "{stiff}",
    "[stiff]",
    "\\",
    "stiff\\",
    "%",
    "_",
    "stiff_neck",
    "!",
    "!stiff",
    "&",
    "stiff & neck",
    "|",
    "stiff | neck",
    "<->",
    "stiff <-> neck",
    "stiff<2>neck",
    ";",
    "stiff; DROP TABLE wagtailcore_page; --",
    "@@",
    "~stiff",
    "stiff~2",
    "?",
    "#",
    "$$",
    ",",
    ".",
    "   ",
    "é",
    "\u0301",  # A combining accent alone.
    "Zoë",
    "ZOË",
    "日本語",
    "ｓｔｉｆｆ",  # Full-width letters.
    "\U0001f642",
    "\u200b",  # Invisible: refused (422).
    "\u202estiff",  # Direction override: refused (422).
    "a" * 255,
    "stiff " * 42,
    "x" * 1000,  # Over the 255-character maximum: 422.
    " ".join(["stiff"] * 200),
]


class SearchTestCase(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        index = make_condition_index(cls.home, slug="conditions")
        cls.back_pain = make_condition_page(index, slug="back-pain")
        cls.neck_pain = make_condition_page(
            index,
            title="Neck pain",
            slug="neck-pain",
            condition_name="Neck pain",
            intro="Stiff neck? Read on, Zoë.",
        )
        massage_index = make_massage_type_index(cls.home, slug="massage-types")
        cls.shiatsu = make_massage_type(
            massage_index,
            title="Shiatsu",
            summary="Finger pressure along the meridians.",
            session_lengths="60",
            conditions=[cls.neck_pain],
        )
        # Never a 500 hidden behind a rendered error page: raise it here.
        cls.strict_client = Client(raise_request_exception=True)

    def search(self, url, query):
        """The response to ``url?search=query``, checked: 200 or 422."""
        response = self.strict_client.get(url, {"search": query})
        self.assertIn(response.status_code, (200, 422), (query, response.content))
        if response.status_code == 200:
            LISTINGS[url].model_validate(response.json())
        else:
            problem = response.json()
            self.assertEqual(response["Content-Type"], "application/problem+json")
            self.assertIn(["query", "search"], [e["loc"] for e in problem["errors"]])
        return response

    def ids(self, url, query):
        response = self.search(url, query)
        self.assertEqual(response.status_code, 200, query)
        return {item["id"] for item in response.json()["items"]}


class TestHostileSearch(SearchTestCase):
    def test_never_a_server_error(self):
        for url in LISTINGS:
            for query in HOSTILE:
                with self.subTest(url=url, query=query):
                    self.search(url, query)

    def test_refused_input_is_422(self):
        for query in ("x" * 1000, "\u200b", "\u202estiff", "stiff\x00"):
            with self.subTest(query=query[:10]):
                url = f"{API}/conditions/"
                self.assertEqual(self.search(url, query).status_code, 422)

    def test_real_words_still_find_their_page(self):
        conditions = f"{API}/conditions/"
        for query in (
            "stiff",
            "STIFF",
            '"stiff',
            "stiff*",
            "(stiff)",
            "NEAR(stiff",
            "NEAR(stiff neck)",
            "stiff AND neck",
            "NOT stiff",
            "-stiff",
            "stiff:*",
            "ｓｔｉｆｆ",
            "'stiff'",
        ):
            with self.subTest(query=query):
                self.assertIn(self.neck_pain.pk, self.ids(conditions, query))
                self.assertNotIn(self.back_pain.pk, self.ids(conditions, query))
        massage_types = f"{API}/massage-types/"
        self.assertEqual(self.ids(massage_types, '"meridians'), {self.shiatsu.pk})
        self.assertEqual(self.ids(massage_types, "meridians:"), {self.shiatsu.pk})

    def test_text_without_words_finds_nothing(self):
        for query in ('"', "*", "NEAR(", "-", ":", "()", "'", "\\", "%"):
            with self.subTest(query=query):
                self.assertEqual(self.ids(f"{API}/conditions/", query), set())

    def test_blank_search_lists_everything(self):
        everything = self.ids(f"{API}/conditions/", "")
        self.assertEqual(everything, {self.back_pain.pk, self.neck_pain.pk})
        self.assertEqual(self.ids(f"{API}/conditions/", "   "), everything)

    @settings(
        max_examples=fuzz_examples(200),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        query=st.one_of(
            st.text(max_size=60),
            st.text(
                alphabet=st.sampled_from("\"'*()^-:+~!&|<>@%_\\ NEARstif"), max_size=30
            ),
            st.lists(st.sampled_from(HOSTILE), max_size=4).map(" ".join),
        ),
        url=st.sampled_from(sorted(LISTINGS)),
    )
    def test_any_text(self, query, url):
        self.search(url, query)


class TestSearchWords(SearchTestCase):
    def test_plain_words(self):
        self.assertEqual(search_words('"Stiff NEAR(neck)*'), ["stiff", "neck"])
        self.assertEqual(search_words("back-pain"), ["back", "pain"])
        self.assertEqual(search_words("AND OR NOT near"), ["near"])
        self.assertEqual(search_words("ｓｔｉｆｆ"), ["stiff"])
        self.assertEqual(search_words("हिन्दी"), ["हिन्दी"])
        self.assertEqual(search_words('" * : ( ) -'), [])
        words = search_words(" ".join(["w" * 100] * 50))
        self.assertEqual(len(words), MAX_WORDS)
        self.assertEqual({len(word) for word in words}, {MAX_WORD_LENGTH})

    @settings(max_examples=300, deadline=None, database=None)
    @given(query=st.text())
    def test_words_hold_only_letters_digits_and_marks(self, query):
        for word in search_words(query):
            self.assertTrue(word)
            self.assertLessEqual(len(word), MAX_WORD_LENGTH)
            for char in word:
                category = unicodedata.category(char)
                self.assertTrue(char.isalnum() or category.startswith("M"), char)
                self.assertNotIn(char, "\"'*()^-:+~!&|<>@%_\\ ")


class TestSearchIsDoneByTheDatabase(SearchTestCase):
    """The database counts, orders and limits the matches: the same queries
    for 3 or 30 matching articles, and only the requested page is loaded."""

    def add_articles(self, total):
        index = self.back_pain.get_parent()
        start = getattr(self, "added", 0)
        self.added = start + total
        for n in range(start, self.added):
            make_condition_page(
                index,
                title=f"Kneading {n:02}",
                slug=f"kneading-{n}",
                condition_name=f"Kneading {n:02}",
                intro="A kneading massage helps.",
            )

    def page_of_matches(self):
        url = f"{API}/conditions/?search=kneading&limit=2&offset=1"
        self.strict_client.get(url)  # Warm the site root paths.
        with CaptureQueriesContext(connection) as queries:
            response = self.strict_client.get(url)
        self.assertEqual(response.status_code, 200)
        # Selects only: on PostgreSQL the search also sets its plan in a
        # savepoint (SAVEPOINT, SET LOCAL, RELEASE).
        selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        return len(selects), response.json()

    def test_query_count_and_page_do_not_grow_with_matches(self):
        self.add_articles(3)
        few, listing = self.page_of_matches()
        self.assertEqual(listing["count"], 3)
        self.assertEqual(
            [item["title"] for item in listing["items"]],
            ["Kneading 01", "Kneading 02"],
        )
        self.add_articles(30)
        many, listing = self.page_of_matches()
        self.assertEqual(few, many)
        # PostgreSQL orders the matches' ids, then loads the page's rows.
        self.assertLessEqual(many, 7 if connection.vendor == "postgresql" else 6)
        self.assertEqual(listing["count"], 33)
        self.assertEqual(len(listing["items"]), 2)

    def test_offsets_past_the_end_give_an_empty_page(self):
        self.add_articles(3)
        url = f"{API}/conditions/"
        for offset in (3, 2**31, 2**63 - 1, 2**63, 2**64, 10**30):
            with self.subTest(offset=offset):
                response = self.strict_client.get(
                    url, {"search": "kneading", "offset": offset}
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json(), {"count": 3, "items": []})

    @override_settings(
        WAGTAILSEARCH_BACKENDS={
            "default": {"BACKEND": "wagtail.search.backends.database.fallback"}
        }
    )
    def test_a_backend_without_an_index_counts_and_slices_its_results(self):
        # Wagtail's fallback backend (no full-text index): its own results.
        self.add_articles(3)
        response = self.strict_client.get(
            f"{API}/conditions/", {"search": "kneading", "offset": 1, "limit": 1}
        )
        self.assertEqual(response.status_code, 200)
        listing = response.json()
        self.assertEqual(listing["count"], 3)
        self.assertEqual(len(listing["items"]), 1)

    def test_matches_what_wagtails_own_search_finds(self):
        # The same words, the same stemming and the last word as a prefix,
        # on whichever database the suite runs (PostgreSQL: our tsquery on
        # the title and body vectors; SQLite: the FTS5 subquery).
        self.add_articles(3)
        articles = ConditionPage.objects.live()
        for query in ("kneading", "knead", "kneading massage", "neck", "stiff ne"):
            with self.subTest(query=query):
                expected = {
                    page.pk for page in articles.search(query, order_by_relevance=False)
                }
                if query in ("kneading", "neck"):
                    self.assertTrue(expected, query)
                self.assertEqual(
                    set(search_matches(articles, query).values_list("pk", flat=True)),
                    expected,
                )

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's plan")
    def test_on_postgresql_the_matches_come_from_the_gin_indexes(self):
        # Even when most entries match (the planner would read every entry's
        # body vector instead): both vectors through their GIN indexes.
        self.add_articles(30)
        matches = search_matches(ConditionPage.objects.live(), "kneading")
        with _index_plan():
            plan = matches.explain()
        self.assertIn("Bitmap Index Scan on wagtailsear_body_", plan)
        self.assertIn("Bitmap Index Scan on wagtailsear_title_", plan)
        self.assertNotIn("Seq Scan on wagtailsearch_indexentry", plan)
        # Only inside: the test's transaction plans as usual afterwards.
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            self.assertEqual(cursor.fetchone()[0], "on")

    def test_pages_of_other_types_matching_the_words_are_not_listed(self):
        # "meridians" is in the massage type's summary, not in an article.
        self.assertEqual(self.ids(f"{API}/conditions/", "meridians"), set())

    def test_the_listings_filters_still_apply_to_the_matches(self):
        # The matches are counted on Page's table with the listing's filters:
        # a massage type's conditions, a condition's massage types.
        def found(url, **params):
            response = self.strict_client.get(url, params)
            self.assertEqual(response.status_code, 200)
            return {item["id"] for item in response.json()["items"]}

        conditions, massage_types = f"{API}/conditions/", f"{API}/massage-types/"
        self.assertEqual(
            found(conditions, search="pain"), {self.back_pain.pk, self.neck_pain.pk}
        )
        self.assertEqual(
            found(conditions, search="pain", massage_type=self.shiatsu.pk),
            {self.neck_pain.pk},
        )
        self.assertEqual(
            found(massage_types, search="shiatsu", condition=self.back_pain.pk),
            set(),
        )
        self.assertEqual(
            found(massage_types, search="shiatsu", condition=self.neck_pain.pk),
            {self.shiatsu.pk},
        )

    def test_the_matches_are_counted_without_reading_the_articles_rows(self):
        # The articles' own rows (their bodies inline) are read for the page
        # of results only: the count and the order come from Page's table.
        articles = ConditionPage.objects.live().order_by(*LISTING_ORDER)
        rows = page_rows([ConditionPage], Q(live=True))
        with CaptureQueriesContext(connection) as queries:
            count, pages = search_page(articles, "pain", 1, 1, rows=rows)
        self.assertEqual((count, pages), (2, [self.back_pain]))
        self.assertIsInstance(pages[0], ConditionPage)
        counting = [q["sql"] for q in queries if "OVER ()" in q["sql"]]
        self.assertEqual(len(counting), 1)
        self.assertNotIn(ConditionPage._meta.db_table, counting[0])
        # Without rows: the same result, counted on the articles' table.
        self.assertEqual(search_page(articles, "pain", 1, 1), (2, [self.back_pain]))
