"""Comments cost the same number of queries however many there are."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from tests.comment_utils import (
    NO_LIMITS,
    api_url,
    make_article,
    make_comment,
    make_commented_page,
)


def add_comments(page, count):
    """``count`` approved comments, every third a reply, plus hidden ones."""
    parent = None
    for n in range(count):
        comment = make_comment(
            page,
            body=f"Comment {n} with a link https://example.com/{n}",
            parent=parent if n % 3 == 2 else None,
        )
        parent = comment if n % 3 == 0 else parent
        make_comment(page, status="pending", body=f"Pending {n}")


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestCommentQueries(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.few = make_article(title="Few comments", slug="few")
        cls.many = make_commented_page(
            cls.few.get_parent(), title="Many comments", slug="many"
        )
        add_comments(cls.few, 2)
        add_comments(cls.many, 20)

    def count_queries(self, url):
        self.assertEqual(self.client.get(url).status_code, 200)  # Warm caches.
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), response

    def test_page_with_2_or_20_comments(self):
        few, few_response = self.count_queries(self.few.url)
        many, many_response = self.count_queries(self.many.url)
        self.assertContains(many_response, "Comment 19 with a link")
        self.assertContains(few_response, "Comment 1 with a link")
        self.assertNotContains(many_response, "Pending")
        self.assertEqual(few, many)

    def test_one_query_for_all_comments_and_replies(self):
        with CaptureQueriesContext(connection) as queries:
            self.many.get_comment_threads()
        self.assertEqual(len(queries), 1)

    def test_comments_add_one_query_to_a_page_view(self):
        with_comments, _response = self.count_queries(self.many.url)
        self.many.comments_enabled = False
        self.many.save_revision().publish()
        without, _response = self.count_queries(self.many.url)
        self.assertEqual(with_comments, without + 1)

    def test_api_list_with_2_or_20_comments(self):
        few, _response = self.count_queries(api_url(self.few))
        many, response = self.count_queries(api_url(self.many))
        self.assertEqual(response.json()["total_comments"], 20)
        self.assertEqual(few, many)
        self.assertLessEqual(many, 8)
