"""Commenters' privacy: erasure, hashed addresses, nothing personal in logs."""

import hashlib
import logging

from io import StringIO
from unittest import mock

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client, TestCase, override_settings
from django.views.debug import ExceptionReporter

from tests.comment_utils import (
    COMMENTER_EMAIL,
    COMMENTER_NAME,
    NO_LIMITS,
    PRIVATE,
    api_body,
    form_data,
    make_article,
    make_comment,
    make_moderator,
    post_json,
)
from wagtail_clinic.comments.privacy import email_hash, email_hashes, normalise_email
from wagtail_clinic.models import ReaderComment


class TestHashes(TestCase):
    def test_normalised_and_keyed(self):
        self.assertEqual(
            normalise_email("  Zuzanna@Reader.Example "), "zuzanna@reader.example"
        )
        self.assertEqual(email_hash("A@B.example"), email_hash(" a@b.EXAMPLE"))
        current = email_hash("a@b.example")
        with self.settings(SECRET_KEY="another-key"):
            self.assertNotEqual(email_hash("a@b.example"), current)
        self.assertNotEqual(current, hashlib.sha256(b"a@b.example").hexdigest())

    def test_fallback_keys_still_match(self):
        old = email_hash("a@b.example")
        with self.settings(
            SECRET_KEY="new-key",
            SECRET_KEY_FALLBACKS=["wagtail-clinic-tests-not-a-secret"],
        ):
            self.assertIn(old, email_hashes("a@b.example"))
            self.assertNotEqual(email_hash("a@b.example"), old)


class TestEraseCommenter(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()
        cls.theirs = [
            make_comment(cls.page, email=COMMENTER_EMAIL),
            make_comment(cls.page, email=COMMENTER_EMAIL.upper(), status="pending"),
            make_comment(cls.page, email=COMMENTER_EMAIL, status="spam"),
        ]
        cls.reply = make_comment(
            cls.page, parent=cls.theirs[0], email="other@reader.example"
        )

    def erase(self, *args):
        out = StringIO()
        call_command("erase_commenter", *args, stdout=out)
        return out.getvalue()

    def test_dry_run_counts_only(self):
        output = self.erase("--email", COMMENTER_EMAIL, "--dry-run")
        self.assertEqual(
            output.strip(), "Dry run: 3 comment(s) on 1 page(s) would be deleted."
        )
        self.assertEqual(ReaderComment.objects.count(), 4)

    def test_deletes_every_comment_by_the_address_and_prints_counts_only(self):
        output = self.erase("--email", f"  {COMMENTER_EMAIL.title()} ")
        self.assertEqual(output.strip(), "Deleted 3 comment(s) on 1 page(s).")
        for secret in PRIVATE:
            self.assertNotIn(secret, output.lower())
        self.assertEqual(list(ReaderComment.objects.all()), [self.reply])
        self.reply.refresh_from_db()
        self.assertIsNone(self.reply.parent_id)

    def test_rows_hashed_under_an_old_key_are_found(self):
        with self.settings(SECRET_KEY="rotated-key"):
            self.assertIn(
                "Deleted 3 comment(s)", self.erase("--email", COMMENTER_EMAIL)
            )

    def test_stored_address_matches_when_the_hash_does_not(self):
        ReaderComment.objects.update(email_hash="0" * 64)
        self.assertIn("Deleted 3 comment(s)", self.erase("--email", COMMENTER_EMAIL))

    def test_nothing_to_erase(self):
        self.assertIn(
            "Deleted 0 comment(s)", self.erase("--email", "nobody@reader.example")
        )

    def test_invalid_address_is_not_echoed(self):
        with self.assertRaises(CommandError) as caught:
            self.erase("--email", "not-an-address-xyzzy")
        self.assertNotIn("xyzzy", str(caught.exception))


@override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_RATE_LIMIT": "1/hour"})
class TestNothingPersonalInLogs(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()
        cls.moderator = make_moderator()

    def setUp(self):
        cache.clear()

    def test_submissions_log_nothing_personal(self):
        stream = StringIO()
        handler = logging.StreamHandler(stream)
        handler.setLevel(logging.DEBUG)
        root = logging.getLogger()
        root.addHandler(handler)
        old_level = root.level
        root.setLevel(logging.DEBUG)
        try:
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.page.url, form_data(self.page))
                self.client.post(self.page.url, form_data(self.page))  # 429
                self.client.post(self.page.url, form_data(self.page, body=""))
                post_json(self.client, self.page, api_body(self.page))  # 429
                post_json(self.client, self.page, api_body(self.page, body="<b>"))
                post_json(self.client, self.page, "{broken " + COMMENTER_EMAIL)
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)
        logged = stream.getvalue()
        self.assertTrue(logged)  # Django logged the 4xx answers...
        for secret in [*PRIVATE, COMMENTER_NAME]:
            self.assertNotIn(secret, logged)  # ...without what was sent.

    def test_error_reports_leave_out_the_post(self):
        client = Client(raise_request_exception=False)
        with (
            mock.patch(
                "wagtail_clinic.comments.service.submit_comment",
                side_effect=RuntimeError("boom"),
            ),
            self.assertLogs("django.request", level="ERROR") as logs,
        ):
            response = client.post(self.page.url, form_data(self.page))
        self.assertEqual(response.status_code, 500)
        record = logs.records[0]
        report = ExceptionReporter(
            record.request, *record.exc_info
        ).get_traceback_text()
        self.assertIn("boom", report)
        for secret in [*PRIVATE, COMMENTER_NAME]:
            self.assertNotIn(secret, report)
