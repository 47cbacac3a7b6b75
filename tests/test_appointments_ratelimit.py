"""The per-client rate limit: N allowed, N+1 blocked, a new window with time."""

import datetime

import time_machine

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings

from tests.appointment_utils import api_body, make_booking_site, post_json
from wagtail_clinic.booking.service import count_request
from wagtail_clinic.models import AppointmentRequest
from wagtail_clinic.public_input.client import client_key
from wagtail_clinic.public_input.ratelimit import RateLimited, parse_rate


# The start of a clock hour: windows are aligned to the epoch.
HOUR = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.timezone.utc)


class TestParseRate(SimpleTestCase):
    def test_forms(self):
        self.assertEqual(parse_rate("5/hour"), (5, 3600))
        self.assertEqual(parse_rate("5/h"), (5, 3600))
        self.assertEqual(parse_rate("10/15m"), (10, 900))
        self.assertEqual(parse_rate("3/day"), (3, 86400))
        self.assertEqual(parse_rate("1/seconds"), (1, 1))
        self.assertIsNone(parse_rate(None))
        self.assertIsNone(parse_rate(""))

    def test_invalid(self):
        for rate in ("5", "five/hour", "5/fortnight", "0/hour", "/h"):
            with self.subTest(rate=rate), self.assertRaises(ImproperlyConfigured):
                parse_rate(rate)


class TestLimiter(SimpleTestCase):
    def setUp(self):
        cache.clear()
        self.request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")

    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": "3/hour"})
    def test_n_allowed_then_blocked_until_the_window_ends(self):
        with time_machine.travel(HOUR + datetime.timedelta(minutes=20), tick=False):
            for _ in range(3):
                count_request(self.request)
            with self.assertRaises(RateLimited) as blocked:
                count_request(self.request)
            self.assertEqual(blocked.exception.retry_after, 40 * 60)
        almost_an_hour = HOUR + datetime.timedelta(minutes=59, seconds=59)
        with (
            time_machine.travel(almost_an_hour, tick=False),
            self.assertRaises(RateLimited),
        ):
            count_request(self.request)
        with time_machine.travel(
            HOUR + datetime.timedelta(hours=1, seconds=1), tick=False
        ):
            count_request(self.request)  # A new window.

    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": None})
    def test_off(self):
        for _ in range(100):
            count_request(self.request)

    def test_raw_ip_is_never_the_key(self):
        key = client_key(self.request)
        self.assertNotIn("203.0.113.7", key)
        self.assertEqual(len(key), 32)
        with override_settings(SECRET_KEY="another-secret"):
            self.assertNotEqual(client_key(self.request), key)
        with time_machine.travel(HOUR, tick=False):
            count_request(self.request)
        for cache_key in cache._cache:  # LocMemCache keeps its keys in a dict.
            self.assertNotIn("203.0.113.7", cache_key)


class TestEndpointWindow(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = make_booking_site()[3]

    def setUp(self):
        cache.clear()

    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": "2/hour"})
    def test_window_expiry_over_the_api(self):
        with time_machine.travel(HOUR + datetime.timedelta(minutes=5), tick=False):
            self.assertEqual(
                post_json(self.client, api_body(self.page)).status_code, 201
            )
            self.assertEqual(
                post_json(self.client, api_body(self.page)).status_code, 201
            )
            response = post_json(self.client, api_body(self.page))
            self.assertEqual(response.status_code, 429)
            self.assertEqual(response["Retry-After"], str(55 * 60))
            # Invalid requests are answered as usual and do not count.
            self.assertEqual(
                post_json(self.client, api_body(self.page, name="")).status_code, 422
            )
        with time_machine.travel(
            HOUR + datetime.timedelta(hours=1, minutes=1), tick=False
        ):
            self.assertEqual(
                post_json(self.client, api_body(self.page)).status_code, 201
            )
        self.assertEqual(AppointmentRequest.objects.count(), 3)
