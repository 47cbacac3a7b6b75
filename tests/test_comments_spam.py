"""Comment spam and abuse rules: each configurable, each with a clear answer.

Every rule is checked through both channels, the page's HTML form and
``POST /api/v3/clinic/pages/{id}/comments/``, since they share one form.
"""

import time

from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase, override_settings

from tests.comment_utils import (
    NO_LIMITS,
    api_body,
    form_data,
    make_article,
    make_moderator,
    post_json,
    token_for,
)
from wagtail_clinic.comments import spam
from wagtail_clinic.comments.rendering import count_links
from wagtail_clinic.models import ReaderComment


class SpamTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()
        cls.moderator = make_moderator()

    def setUp(self):
        cache.clear()

    def post_form(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.page.url, form_data(self.page, **overrides))

    def post_api(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return post_json(self.client, self.page, api_body(self.page, **overrides))

    def assert_form_error(self, response, message, status=200):
        self.assertEqual(response.status_code, status)
        self.assertContains(response, message, status_code=status)
        self.assertEqual(ReaderComment.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def assert_api_error(self, response, field, code, message=None, status=422):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        errors = response.json()["errors"]
        matching = [e for e in errors if e["field"] == field and e["type"] == code]
        self.assertTrue(matching, errors)
        self.assertEqual(matching[0]["loc"], ["body", field])
        if message is not None:
            self.assertEqual(matching[0]["msg"], str(message))
        self.assertEqual(ReaderComment.objects.count(), 0)
        self.assertEqual(mail.outbox, [])


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestHoneypot(SpamTestCase):
    def test_silent_by_default_form(self):
        response = self.post_form(website="http://spam.example")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response["Location"], f"{self.page.url}?comment=pending#respond"
        )
        self.assertEqual(ReaderComment.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_silent_by_default_api(self):
        response = self.post_api(website="http://spam.example")
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.json(), {"status": "pending", "id": None})
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_whitespace_is_not_filled_in(self):
        self.assertEqual(self.post_form(website="  ").status_code, 302)
        self.assertEqual(ReaderComment.objects.count(), 1)

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_HONEYPOT": "reject"})
    def test_reject_mode_explains(self):
        self.assert_form_error(
            self.post_form(website="x"), "a hidden field that must stay empty"
        )
        response = self.post_api(website="x")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "__all__")
        self.assertIn("hidden field", response.json()["errors"][0]["msg"])

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_HONEYPOT": None})
    def test_off(self):
        self.assertEqual(self.post_form(website="x").status_code, 302)
        self.assertEqual(ReaderComment.objects.count(), 1)


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestMinimumFillTime(SpamTestCase):
    def test_too_fast(self):
        token = spam.make_form_token(self.page.pk)
        self.assert_form_error(self.post_form(token=token), "That was quick!")
        self.assert_api_error(
            self.post_api(token=token), "token", "too_fast", spam.MESSAGES["too_fast"]
        )

    def test_expired_keeps_the_text_and_gives_a_fresh_token(self):
        token = token_for(self.page, age=2 * 24 * 3600)
        response = self.post_form(token=token, body="Keep me")
        self.assert_form_error(response, "This form has expired.")
        self.assertContains(response, "Keep me</textarea>")
        self.assertNotContains(response, f'value="{token}"')
        self.assert_api_error(self.post_api(token=token), "token", "token_expired")

    def test_missing_forged_or_other_page_token(self):
        other = spam.make_form_token(self.page.pk + 1, issued_at=time.time() - 60)
        for token in ("", "nonsense", token_for(self.page)[:-2] + "xx", other):
            self.assert_form_error(
                self.post_form(token=token), "This form could not be verified."
            )
            self.assert_api_error(self.post_api(token=token), "token", "token_invalid")
        self.assert_api_error(self.post_api(token=None), "token", "token_invalid")

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_MIN_FILL_SECONDS": None})
    def test_off(self):
        self.assertEqual(self.post_form(token="").status_code, 302)
        self.assertEqual(self.post_api(token=None).status_code, 202)

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_MIN_FILL_SECONDS": 30})
    def test_configurable(self):
        self.assert_form_error(
            self.post_form(token=token_for(self.page, age=20)), "That was quick!"
        )
        self.assertEqual(
            self.post_form(token=token_for(self.page, age=31)).status_code, 302
        )


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestLinks(SpamTestCase):
    BODY = "See https://a.example, www.b.example and c.example.com/x for more."

    def test_links_are_counted_like_they_are_shown(self):
        self.assertEqual(count_links(self.BODY), 3)
        self.assertEqual(count_links("javascript:alert(1) or hxxp://x"), 0)

    def test_over_the_limit(self):
        message = (
            "A comment may contain at most 2 links (yours has 3). Remove some "
            "links and try again."
        )
        self.assert_form_error(self.post_form(body=self.BODY), message)
        self.assert_api_error(
            self.post_api(body=self.BODY), "body", "too_many_links", message
        )

    def test_at_the_limit(self):
        self.assertEqual(
            self.post_form(body="https://a.example and https://b.example").status_code,
            302,
        )

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_MAX_LINKS": 0})
    def test_no_links_at_all(self):
        self.assert_form_error(
            self.post_form(body="https://a.example"),
            "Links are not allowed in comments.",
        )

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_MAX_LINKS": None})
    def test_off(self):
        self.assertEqual(self.post_form(body=self.BODY).status_code, 302)


@override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_MAX_LENGTH": 50})
class TestMaximumLength(SpamTestCase):
    def test_over_the_limit(self):
        body = "x" * 51
        message = "Keep your comment to at most 50 characters (it has 51)."
        self.assert_form_error(self.post_form(body=body), message)
        self.assert_api_error(self.post_api(body=body), "body", "max_length", message)

    def test_at_the_limit_and_the_textarea_says_so(self):
        self.assertContains(self.client.get(self.page.url), 'maxlength="50"')
        self.assertEqual(self.post_form(body="x" * 50).status_code, 302)

    def test_name_and_email_have_limits_too(self):
        self.assert_form_error(
            self.post_form(author_name="n" * 101),
            "Enter a name of at most 100 characters.",
        )
        self.assert_api_error(
            self.post_api(email="a" * 250 + "@b.example"), "email", "max_length"
        )

    def test_huge_api_body_is_refused_before_parsing(self):
        response = post_json(
            self.client, self.page, b'{"body": "' + b"x" * 100_000 + b'"}'
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response["Content-Type"], "application/problem+json")


@override_settings(
    WAGTAIL_CLINIC={
        **NO_LIMITS,
        "COMMENTS_BLOCKLIST": ["casino", "cheap pills", "spam.example"],
    }
)
class TestBlocklist(SpamTestCase):
    def test_words_and_phrases_in_the_comment(self):
        for body in ("Best CASINO in town", "Buy cheap  pills? No: cheap pills!"):
            message = "Your comment contains words or links that are not allowed"
            self.assert_form_error(self.post_form(body=body), message)
            self.assert_api_error(self.post_api(body=body), "body", "blocked")

    def test_domains_in_links_and_email(self):
        self.assert_form_error(
            self.post_form(body="Visit https://www.spam.example/offer"),
            "Your comment contains",
        )
        self.assert_form_error(
            self.post_form(email="me@spam.example"), "Your email address contains"
        )
        self.assert_api_error(
            self.post_api(email="me@spam.example"), "email", "blocked"
        )

    def test_in_the_name(self):
        self.assert_form_error(
            self.post_form(author_name="Casino King"), "Your name contains"
        )

    def test_whole_words_only(self):
        self.assertEqual(
            self.post_form(body="Occasionally I visit nospam.example.org").status_code,
            302,
        )

    def test_empty_by_default(self):
        with self.settings(WAGTAIL_CLINIC=NO_LIMITS):
            self.assertFalse(spam.blocklisted("casino"))


@override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_RATE_LIMIT": "2/hour"})
class TestRateLimit(SpamTestCase):
    def test_form_over_the_limit(self):
        self.assertEqual(self.post_form().status_code, 302)
        self.assertEqual(self.post_form().status_code, 302)
        response = self.post_form()
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response,
            "You have sent several comments from your connection recently.",
            status_code=429,
        )
        self.assertContains(
            response, "Weekly massage fixed my lower back.", status_code=429
        )
        self.assertEqual(ReaderComment.objects.count(), 2)

    def test_api_over_the_limit(self):
        self.assertEqual(self.post_api().status_code, 202)
        self.assertEqual(self.post_api().status_code, 202)
        response = self.post_api()
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertEqual(ReaderComment.objects.count(), 2)

    def test_clients_are_limited_separately_and_by_hash(self):
        self.post_form()
        self.post_form()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.page.url, form_data(self.page), REMOTE_ADDR="192.0.2.7"
            )
        self.assertEqual(response.status_code, 302)
        keys = [key for key in cache._cache if "ratelimit:comment" in key]  # noqa: SLF001
        self.assertTrue(keys)
        self.assertFalse(any("127.0.0.1" in key or "192.0.2.7" in key for key in keys))

    def test_invalid_comments_do_not_count(self):
        for _ in range(3):
            self.post_form(body="")
        self.assertEqual(self.post_form().status_code, 302)

    def test_silent_honeypot_hits_count(self):
        self.post_form(website="x")
        self.post_form(website="x")
        self.assertEqual(self.post_form().status_code, 429)

    @override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_RATE_LIMIT": "lots"})
    def test_bad_setting_names_itself(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "COMMENTS_RATE_LIMIT"):
            self.post_form()
