"""A cache outage never turns into a 500: a real Redis, stopped and restarted.

``wagtail_clinic.cache_backends.RedisCache`` (Django's built-in
``RedisCache``, whose reads and writes miss while Redis is down) talks to a throwaway ``redis-server`` on
127.0.0.1 started by ``scripts/_redis.sh`` (Debian's redis-server, installed
by that script when missing). Skipped when redis-server is not on the
machine, unless ``WAGTAIL_CLINIC_REQUIRE_REDIS=1`` (then it is installed,
and a failure to start it fails the tests).

While Redis is up, appointment requests and comments are stored, counted
against their rate limits, and the article HTML and the API answer (the API
representation cache fills Redis). With Redis stopped: no 5xx, the requests
are still stored (the rate limits fail open, docs/booking.md), pages and API
still answer, and the warnings logged name no patient data. After a restart
the caches work again: the representation cache fills, the limits count.
"""

import logging
import os
import shutil
import subprocess

from pathlib import Path

import pytest

from django.core.cache import caches
from django.test import TestCase, override_settings

from tests import appointment_utils, comment_utils
from tests.utils import make_condition_index
from wagtail_clinic.models import AppointmentRequest, ReaderComment


REDIS_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "_redis.sh"
PORT = int(os.environ.get("WAGTAIL_CLINIC_TEST_REDIS_PORT", "6393"))
REQUIRED = os.environ.get("WAGTAIL_CLINIC_REQUIRE_REDIS") == "1"

pytestmark = pytest.mark.skipif(
    not REQUIRED and shutil.which("redis-server") is None,
    reason="redis-server not installed (WAGTAIL_CLINIC_REQUIRE_REDIS=1 installs it)",
)

REDIS_CACHES = {
    "default": {
        # Django's RedisCache, with reads and writes that miss while Redis
        # is down: Wagtail reads this cache on every page.
        "BACKEND": "wagtail_clinic.cache_backends.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{PORT}/0",
        # Fail fast while Redis is down (a refused loopback connection
        # fails at once anyway; these bound a hung one).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
LIMITS = {
    "APPOINTMENT_RATE_LIMIT": "3/hour",
    "COMMENTS_RATE_LIMIT": "3/hour",
    "COMMENTS_MIN_FILL_SECONDS": 3,
    "API_REPRESENTATION_CACHE": None,  # On: the cache is shared.
}


def redis(command):
    """Run ``scripts/_redis.sh <command> PORT``; True when it succeeded."""
    args = ["bash", str(REDIS_SCRIPT), command]
    if command != "install":
        args.append(str(PORT))
    return subprocess.run(args, capture_output=True, timeout=600, check=False)


def redis_keys():
    """How many keys Redis holds (its own client, not Django's)."""
    result = subprocess.run(
        [
            shutil.which("redis-cli") or "redis-cli",
            "-h",
            "127.0.0.1",
            "-p",
            str(PORT),
            "dbsize",
        ],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return int(result.stdout.strip())


@override_settings(CACHES=REDIS_CACHES, WAGTAIL_CLINIC=LIMITS)
class TestRedisOutage(TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("redis-server") is None:
            result = redis("install")
            assert result.returncode == 0, result.stderr
        result = redis("start")
        if result.returncode != 0:
            raise AssertionError(f"redis-server did not start: {result.stderr!r}")
        cls.addClassCleanup(redis, "stop")
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.home, _clinic, cls.massage_type, cls.request_page = (
            appointment_utils.make_booking_site()
        )
        index = make_condition_index(cls.home, slug="conditions")
        # Comments are off by default: this site and the article take them.
        comment_utils.allow_site_comments()
        cls.article = comment_utils.make_commented_page(index, slug="back-pain")

    def setUp(self):
        caches["default"].clear()
        self.addCleanup(self.ensure_redis_up)

    def ensure_redis_up(self):
        if redis("ping").returncode != 0:
            redis("start")

    # What visitors and patients do.

    def book(self, number):
        body = appointment_utils.api_body(
            self.massage_type, name=f"Patient Number {number}"
        )
        body["page_id"] = self.request_page.pk
        with self.captureOnCommitCallbacks(execute=True):
            return appointment_utils.post_json(
                self.client, body, REMOTE_ADDR="198.51.100.7"
            )

    def comment(self, number):
        body = comment_utils.api_body(self.article, body=f"Helped my back, {number}.")
        with self.captureOnCommitCallbacks(execute=True):
            return comment_utils.post_json(
                self.client, self.article, body, REMOTE_ADDR="198.51.100.7"
            )

    def read(self):
        """The article's HTML and its API detail and by-path answers."""
        return [
            self.client.get("/conditions/back-pain/"),
            self.client.get(f"/api/v3/clinic/pages/{self.article.pk}/"),
            self.client.get(
                "/api/v3/clinic/pages/by-path/", {"path": "/conditions/back-pain/"}
            ),
            self.client.get(f"/api/v3/pages/{self.massage_type.pk}/"),
        ]

    def assert_answers(self, responses, status=200):
        self.assertEqual([r.status_code for r in responses], [status] * len(responses))

    def test_redis_stopped_and_restarted(self):
        # Up: stored, counted, cached.
        self.assert_answers(self.read())
        self.assertEqual(self.book(1).status_code, 201)
        self.assertEqual(self.comment(1).status_code, 202)
        self.assertGreater(redis_keys(), 0, "nothing was cached in Redis")

        # Down: no 5xx; requests still stored (fail open); pages still answer.
        self.assertEqual(redis("stop").returncode, 0)
        with self.assertLogs(level=logging.WARNING) as logged:
            self.assert_answers(self.read())
            booked = [self.book(n).status_code for n in range(2, 7)]
            commented = [self.comment(n).status_code for n in range(2, 7)]
        self.assertEqual(booked, [201] * 5, "the limit (3/hour) failed open")
        self.assertEqual(commented, [202] * 5)
        self.assertEqual(AppointmentRequest.objects.count(), 6)
        self.assertEqual(ReaderComment.objects.count(), 6)
        output = "\n".join(logged.output)
        self.assertIn("fail open", output)
        for secret in [*appointment_utils.SECRETS, *comment_utils.PRIVATE]:
            self.assertNotIn(secret, output)
        self.assertNotIn("198.51.100.7", output)

        # Back: caches and limits work again.
        self.assertEqual(redis("start").returncode, 0)
        self.assertEqual(redis_keys(), 0)
        self.assert_answers(self.read())
        self.assertGreater(redis_keys(), 0, "the cache did not recover")
        statuses = [self.book(n).status_code for n in range(7, 11)]
        self.assertEqual(statuses, [201, 201, 201, 429])
