"""Publish notifications: signed webhooks sent on commit, retried, logged.

Every delivery goes over real HTTP to a server on 127.0.0.1 started by the
test (no mocked urllib).
"""

import datetime
import hashlib
import hmac
import json
import logging
import socket
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from unittest import mock

import time_machine

from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping
from django_tasks import task_backends
from wagtail.models import Page
from wagtail.test.utils import WagtailTestUtils

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    massage_types_section,
    page_link,
)
from wagtail_clinic.models import WebhookDelivery
from wagtail_clinic.webhooks import payloads, signals
from wagtail_clinic.webhooks.checks import check_webhooks_setting
from wagtail_clinic.webhooks.delivery import deliver, encode_payload, send, signature
from wagtail_clinic.webhooks.endpoints import get_endpoints


SECRET = "s3cret-for-tests"


class Receiver:
    """A frontend's webhook route: a real HTTP server recording each POST."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                # Header names are case-insensitive (urllib sends "Webhook-id").
                headers = CaseInsensitiveMapping(dict(self.headers.items()))
                receiver.requests.append(
                    {"path": self.path, "headers": headers, "body": body}
                )
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/api/revalidate"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def payloads(self):
        return [json.loads(request["body"]) for request in self.requests]


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/revalidate"


def expected_signature(request, secret=SECRET):
    timestamp = request["headers"]["X-Clinic-Timestamp"]
    message = timestamp.encode() + b"." + request["body"]
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_settings(*endpoints, **extra):
    return override_settings(WAGTAIL_CLINIC={"WEBHOOKS": list(endpoints), **extra})


class WebhookTestCase(TestCase):
    """A condition article that lists a massage type, and a receiver."""

    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.conditions = make_condition_index(cls.home, slug="conditions")
        cls.massage_index = make_massage_type_index(cls.home, slug="massage")
        cls.sports = make_massage_type(cls.massage_index, slug="sports")
        cls.other_massage = make_massage_type(
            cls.massage_index, title="Shiatsu", slug="shiatsu"
        )
        # The article refers to the massage type twice: in a massage_types
        # block and in a rich-text link.
        cls.article = make_condition_page(
            cls.conditions,
            slug="back-pain",
            body=[
                massage_types_section([cls.sports]),
                {"type": "paragraph", "value": f"<p>See {page_link(cls.sports)}.</p>"},
            ],
        )
        # A draft that refers to it too: drafts are not revalidated.
        cls.draft = make_condition_page(
            cls.conditions,
            title="Neck pain",
            slug="neck-pain",
            live=False,
            body=[{"type": "paragraph", "value": f"<p>{page_link(cls.sports)}</p>"}],
        )

    def setUp(self):
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)
        self.endpoint = {"url": self.receiver.url, "secret": SECRET}
        settings = webhook_settings(self.endpoint)
        settings.enable()
        self.addCleanup(settings.disable)

    def publish(self, page):
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()
            self.assertEqual(self.receiver.requests, [], "sent before the commit")


class TestPublishWebhook(WebhookTestCase):
    def test_publish_posts_once_after_commit_with_a_valid_signature(self):
        self.sports.title = "Sports massage therapy"
        self.publish(self.sports)

        self.assertEqual(len(self.receiver.requests), 1)
        request = self.receiver.requests[0]
        headers = request["headers"]
        self.assertEqual(request["path"], "/api/revalidate")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(headers["X-Clinic-Event"], "page.published")
        self.assertEqual(headers["X-Clinic-Signature"], expected_signature(request))
        self.assertNotEqual(
            headers["X-Clinic-Signature"],
            expected_signature(request, secret="another secret"),
        )
        self.assertAlmostEqual(
            int(headers["X-Clinic-Timestamp"]), timezone.now().timestamp(), delta=10
        )
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(headers["X-Clinic-Delivery"], str(delivery.delivery_id))
        self.assertEqual(delivery.status, WebhookDelivery.Status.SUCCEEDED)
        self.assertEqual(delivery.attempts, 1)
        self.assertEqual(delivery.last_response_code, 200)
        self.assertIsNone(delivery.next_attempt_at)

    def test_payload_names_the_page_and_the_paths_to_revalidate(self):
        self.publish(self.sports)

        payload = self.receiver.payloads()[0]
        self.assertEqual(payload["event"], "page.published")
        self.assertEqual(
            payload["page"],
            {
                "id": self.sports.pk,
                "type": "wagtail_clinic.MassageTypePage",
                "title": "Sports massage",
                "slug": "sports",
                "live": True,
                "url": "http://localhost/massage/sports/",
                "path": "/massage/sports/",
                "site": {
                    "id": self.home.get_site().pk,
                    "hostname": "localhost",
                    "root_url": "http://localhost",
                },
            },
        )
        # The page, its index, and the live article that lists it; not the
        # draft that links to it.
        self.assertEqual(
            payload["paths"],
            ["/massage/sports/", "/massage/", "/conditions/back-pain/"],
        )
        self.assertEqual(payload["paths_total"], 3)
        self.assertIs(payload["purge_all"], False)
        self.assertEqual(
            payload["paths_url"],
            f"http://localhost/api/v3/clinic/pages/{self.sports.pk}/shown-on/",
        )
        self.assertTrue(datetime.datetime.fromisoformat(payload["timestamp"]))
        self.assertEqual(WebhookDelivery.objects.get().payload, payload)

    def test_every_configured_endpoint_gets_its_own_signed_delivery(self):
        second = Receiver()
        self.addCleanup(second.close)
        other = {"url": second.url, "secret": "other secret"}
        with webhook_settings(self.endpoint, other):
            self.publish(self.sports)

        self.assertEqual(len(self.receiver.requests), 1)
        self.assertEqual(len(second.requests), 1)
        request = second.requests[0]
        self.assertEqual(
            request["headers"]["X-Clinic-Signature"],
            expected_signature(request, secret="other secret"),
        )
        self.assertEqual(WebhookDelivery.objects.count(), 2)

    def test_an_endpoint_can_ask_for_some_events_only(self):
        endpoint = {**self.endpoint, "events": ["page.unpublished"]}
        with webhook_settings(endpoint):
            self.publish(self.sports)
            self.assertEqual(self.receiver.requests, [])
            with self.captureOnCommitCallbacks(execute=True):
                self.sports.unpublish()

        self.assertEqual(
            [p["event"] for p in self.receiver.payloads()], ["page.unpublished"]
        )

    def test_webhook_page_models_limits_the_page_types(self):
        with webhook_settings(
            self.endpoint, WEBHOOK_PAGE_MODELS=["wagtail_clinic.ConditionPage"]
        ):
            self.publish(self.sports)
            self.assertEqual(self.receiver.requests, [])
            self.publish(self.article)

        self.assertEqual(len(self.receiver.requests), 1)

    def test_any_page_type_by_default(self):
        self.publish(self.home)

        payload = self.receiver.payloads()[0]
        self.assertEqual(payload["page"]["type"], "wagtailcore.Page")
        self.assertEqual(payload["paths"], ["/"])

    @override_settings(ROOT_URLCONF="tests.urls_headless")
    def test_paths_without_wagtails_page_serving_in_the_urlconf(self):
        self.publish(self.sports)

        payload = self.receiver.payloads()[0]
        self.assertEqual(payload["page"]["url"], "http://localhost/massage/sports/")
        self.assertEqual(
            payload["paths"],
            ["/massage/sports/", "/massage/", "/conditions/back-pain/"],
        )

    def test_no_webhook_when_the_setting_is_empty(self):
        with override_settings(WAGTAIL_CLINIC={}):
            self.publish(self.sports)

        self.assertEqual(self.receiver.requests, [])
        self.assertFalse(WebhookDelivery.objects.exists())

    def test_nothing_is_sent_when_the_transaction_rolls_back(self):
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            self.sports.save_revision().publish()
            raise RuntimeError("rolled back")

        self.assertEqual(callbacks, [])
        self.assertEqual(self.receiver.requests, [])


class TestOtherEvents(WebhookTestCase):
    def test_unpublish(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.sports.unpublish()

        (payload,) = self.receiver.payloads()
        self.assertEqual(payload["event"], "page.unpublished")
        self.assertFalse(payload["page"]["live"])
        self.assertEqual(
            payload["paths"],
            ["/massage/sports/", "/massage/", "/conditions/back-pain/"],
        )
        self.assertEqual(
            self.receiver.requests[0]["headers"]["X-Clinic-Event"], "page.unpublished"
        )
        # Not live any more: nothing to list; the paths are all here.
        self.assertIsNone(payload["paths_url"])

    def test_delete(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.sports.delete()
            self.assertEqual(self.receiver.requests, [], "sent before the commit")

        (payload,) = self.receiver.payloads()
        self.assertEqual(payload["event"], "page.deleted")
        self.assertEqual(payload["page"]["id"], self.sports.pk)
        self.assertEqual(payload["page"]["type"], "wagtail_clinic.MassageTypePage")
        self.assertEqual(payload["page"]["path"], "/massage/sports/")
        self.assertFalse(payload["page"]["live"])
        self.assertEqual(
            payload["paths"],
            ["/massage/sports/", "/massage/", "/conditions/back-pain/"],
        )

        self.assertIsNone(payload["paths_url"])

    def test_deleting_a_section_sends_one_event_per_live_page(self):
        with self.captureOnCommitCallbacks(execute=True):
            Page.objects.get(pk=self.conditions.pk).delete()

        deleted = sorted(p["page"]["path"] for p in self.receiver.payloads())
        # The index and its live article; the draft was never on the site.
        self.assertEqual(deleted, ["/conditions/", "/conditions/back-pain/"])

    def test_deleting_a_draft_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.draft.delete()

        self.assertEqual(self.receiver.requests, [])

    def test_move(self):
        new_index = make_massage_type_index(
            self.home, title="Therapies", slug="therapies"
        )
        WebhookDelivery.objects.all().delete()  # Publishing the index notified.
        self.receiver.requests.clear()

        with self.captureOnCommitCallbacks(execute=True):
            self.sports.move(new_index, pos="last-child")

        (payload,) = self.receiver.payloads()
        self.assertEqual(payload["event"], "page.moved")
        self.assertEqual(payload["page"]["path"], "/therapies/sports/")
        self.assertEqual(
            payload["previous"],
            {
                "parent_id": self.massage_index.pk,
                "url": "http://localhost/massage/sports/",
                "path": "/massage/sports/",
            },
        )
        self.assertEqual(
            payload["paths"],
            [
                "/massage/sports/",
                "/therapies/sports/",
                "/massage/",
                "/therapies/",
                "/conditions/back-pain/",
            ],
        )

    def test_moving_a_section_lists_its_live_pages_old_and_new_paths(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.massage_index.move(self.conditions, pos="last-child")

        (payload,) = self.receiver.payloads()
        for path in (
            "/massage/",
            "/conditions/massage/",
            "/massage/sports/",
            "/conditions/massage/sports/",
            "/massage/shiatsu/",
            "/conditions/massage/shiatsu/",
        ):
            self.assertIn(path, payload["paths"])

    def test_reordering_siblings_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.sports.move(self.other_massage, pos="right")

        self.assertEqual(self.receiver.requests, [])


def choosing_body(massage_type):
    """An article body choosing ``massage_type`` (a massage_types block)."""
    return [
        {
            "type": "massage_types",
            "value": {
                "heading": "Types",
                "intro": "",
                "items": [{"page": massage_type.pk, "name": "", "description": ""}],
            },
        }
    ]


class TestBoundedPayload(WebhookTestCase):
    """WEBHOOK_MAX_PATHS: a few paths, the total and a link to the others."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Five live articles choose the massage type (back-pain and four more).
        for n in range(4):
            make_condition_page(
                cls.conditions,
                title=f"Article {n}",
                slug=f"article-{n}",
                body=choosing_body(cls.sports),
            )

    def test_past_the_maximum_the_payload_links_to_the_paths(self):
        with webhook_settings(self.endpoint, WEBHOOK_MAX_PATHS=2):
            self.publish(self.sports)

        (payload,) = self.receiver.payloads()
        self.assertEqual(payload["paths"], ["/massage/sports/", "/massage/"])
        # The page, its index and the five live articles (not the draft).
        self.assertEqual(payload["paths_total"], 7)
        self.assertIs(payload["purge_all"], True)
        url = payload["paths_url"]
        prefix = "http://localhost"
        self.assertTrue(url.startswith(prefix + "/api/v3/clinic/pages/"), url)

        listed, offset = [], 0
        while True:
            response = self.client.get(
                url[len(prefix) :], {"offset": offset, "limit": 3}
            )
            self.assertEqual(response.status_code, 200, response.content)
            body = response.json()
            self.assertEqual(body["count"], payload["paths_total"])
            if not body["items"]:
                break
            listed += [item["path"] for item in body["items"]]
            offset += 3
        self.assertEqual(len(listed), 7)
        self.assertEqual(listed[:2], payload["paths"])
        self.assertEqual(
            sorted(listed[2:]),
            [
                "/conditions/article-0/",
                "/conditions/article-1/",
                "/conditions/article-2/",
                "/conditions/article-3/",
                "/conditions/back-pain/",
            ],
        )

    def test_at_the_maximum_nothing_is_cut(self):
        with webhook_settings(self.endpoint, WEBHOOK_MAX_PATHS=7):
            self.publish(self.sports)

        (payload,) = self.receiver.payloads()
        self.assertEqual(len(payload["paths"]), 7)
        self.assertEqual(payload["paths_total"], 7)
        self.assertIs(payload["purge_all"], False)

    def test_a_move_past_the_maximum(self):
        new_index = make_massage_type_index(
            self.home, title="Therapies", slug="therapies"
        )
        self.receiver.requests.clear()
        with (
            webhook_settings(self.endpoint, WEBHOOK_MAX_PATHS=3),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.sports.move(new_index, pos="last-child")

        (payload,) = self.receiver.payloads()
        self.assertEqual(len(payload["paths"]), 3)
        # Old and new paths, both indexes and the five articles.
        self.assertEqual(payload["paths_total"], 9)
        self.assertIs(payload["purge_all"], True)


class TestPayloadQueries(TestCase):
    """Building a payload costs the same queries for 3 and 30 referring pages."""

    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        conditions = make_condition_index(home, slug="conditions")
        massage_index = make_massage_type_index(home, slug="massage")
        cls.few = make_massage_type(massage_index, slug="few")
        cls.many = make_massage_type(massage_index, title="Many", slug="many")
        for massage_type, number in ((cls.few, 3), (cls.many, 30)):
            for n in range(number):
                make_condition_page(
                    conditions,
                    title=f"{massage_type.slug} {n}",
                    slug=f"{massage_type.slug}-{n}",
                    body=choosing_body(massage_type),
                )

    def count_queries(self, page):
        payloads.page_payload("page.published", page)  # Warm the site cache.
        with CaptureQueriesContext(connection) as queries:
            payload = payloads.page_payload("page.published", page)
        return len(queries), payload

    def test_flat(self):
        """The parent, the pages choosing it (one relation: the reference
        index) and the listed pages: three queries, however many choose it."""
        for max_paths in (2, 100):
            with (
                self.subTest(max_paths=max_paths),
                override_settings(WAGTAIL_CLINIC={"WEBHOOK_MAX_PATHS": max_paths}),
            ):
                few, few_payload = self.count_queries(self.few)
                many, many_payload = self.count_queries(self.many)
                self.assertEqual(few_payload["paths_total"], 5)
                self.assertLessEqual(len(many_payload["paths"]), max_paths)
                self.assertEqual(many, few)
                self.assertLessEqual(few, 3)

    def test_the_count_is_exact_up_to_ten_times_the_listed_paths(self):
        with override_settings(WAGTAIL_CLINIC={"WEBHOOK_MAX_PATHS": 100}):
            payload = payloads.page_payload("page.published", self.many)
        # The page, its index and the 30 articles.
        self.assertEqual(payload["paths_total"], 32)
        self.assertIs(payload["purge_all"], False)

    def test_past_ten_times_the_listed_paths_the_count_stops(self):
        with override_settings(WAGTAIL_CLINIC={"WEBHOOK_MAX_PATHS": 2}):
            payload = payloads.page_payload("page.published", self.many)
        # Counting stopped after 20 articles: a lower bound of the 32.
        self.assertEqual(payload["paths_total"], 22)
        self.assertIs(payload["purge_all"], True)
        self.assertEqual(payload["paths"], ["/massage/many/", "/massage/"])


class TestFailures(WebhookTestCase):
    def test_server_error_is_recorded_and_retried_later(self):
        self.receiver.status = 500
        self.publish(self.sports)

        self.assertEqual(len(self.receiver.requests), 1)
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertEqual(delivery.attempts, 1)
        self.assertEqual(delivery.last_response_code, 500)
        self.assertIn("HTTP 500", delivery.last_error)
        # First retry after WEBHOOK_RETRY_BACKOFF (60 s).
        delay = (delivery.next_attempt_at - delivery.updated_at).total_seconds()
        self.assertAlmostEqual(delay, 60, delta=2)
        # The publish itself went through.
        self.sports.refresh_from_db()
        self.assertTrue(self.sports.live)
        self.assertFalse(self.sports.has_unpublished_changes)

    def test_backoff_doubles_until_attempts_run_out(self):
        self.receiver.status = 503
        delivery = send("page.published", {"event": "page.published"})[0]
        delivery.refresh_from_db()
        delays = []
        while delivery.next_attempt_at is not None:
            delays.append((delivery.next_attempt_at - delivery.updated_at).seconds)
            with time_machine.travel(delivery.next_attempt_at, tick=False):
                deliver(delivery.pk)
            delivery.refresh_from_db()

        self.assertEqual([round(delay / 60) for delay in delays], [1, 2, 4, 8])
        self.assertEqual(delivery.attempts, 5)
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertEqual(len(self.receiver.requests), 5)
        # The delivery id stays the same on every retry.
        self.assertEqual(
            {r["headers"]["X-Clinic-Delivery"] for r in self.receiver.requests},
            {str(delivery.delivery_id)},
        )

    def test_a_delivery_that_is_not_due_is_not_attempted(self):
        self.receiver.status = 500
        delivery = send("page.published", {"event": "page.published"})[0]

        self.assertIsNone(deliver(delivery.pk))
        self.assertEqual(len(self.receiver.requests), 1)

    def test_unreachable_url_does_not_break_publishing(self):
        with webhook_settings({"url": closed_port_url(), "secret": SECRET}):
            self.publish(self.sports)

        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertIsNone(delivery.last_response_code)
        self.assertIn("ConnectionRefusedError", delivery.last_error)
        self.assertIsNotNone(delivery.next_attempt_at)
        self.sports.refresh_from_db()
        self.assertTrue(self.sports.live)

    def test_a_frontend_that_does_not_answer_times_out(self):
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen()  # Accepts connections, never answers.
            url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
            with webhook_settings({"url": url, "secret": SECRET}, WEBHOOK_TIMEOUT=0.2):
                self.publish(self.sports)

        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertIn("timed out", delivery.last_error)
        self.assertIsNotNone(delivery.next_attempt_at)

    @override_settings(
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["another-queue"],
            }
        }
    )
    def test_a_delivery_that_cannot_be_enqueued_waits_for_the_command(self):
        with self.assertLogs("wagtail_clinic.webhooks", logging.ERROR):
            (delivery,) = send("page.published", {"event": "page.published"})

        delivery.refresh_from_db()
        self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)
        self.assertEqual(self.receiver.requests, [])
        call_command("retry_webhooks", stdout=StringIO())
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, WebhookDelivery.Status.SUCCEEDED)

    def test_a_redirect_is_a_failure(self):
        self.receiver.status = 302
        self.publish(self.sports)

        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertEqual(delivery.last_response_code, 302)

    def test_errors_and_logs_never_contain_the_secret(self):
        url = closed_port_url().replace("http://", f"http://user:{SECRET}@")
        with (
            webhook_settings({"url": url, "secret": SECRET}),
            self.assertLogs("wagtail_clinic.webhooks", logging.WARNING) as logs,
        ):
            self.publish(self.sports)

        delivery = WebhookDelivery.objects.get()
        self.assertNotIn(SECRET, delivery.last_error)
        self.assertNotIn(SECRET, "\n".join(logs.output))
        self.assertNotIn(SECRET, delivery.display_url)

    def test_an_exception_while_preparing_never_fails_the_publish(self):
        with (
            mock.patch.object(signals, "page_payload", side_effect=RuntimeError),
            self.assertLogs("wagtail_clinic.webhooks", logging.ERROR),
        ):
            self.publish(self.sports)
            with self.captureOnCommitCallbacks(execute=True):
                self.other_massage.delete()

        self.assertEqual(self.receiver.requests, [])
        self.sports.refresh_from_db()
        self.assertTrue(self.sports.live)
        self.assertFalse(Page.objects.filter(pk=self.other_massage.pk).exists())

    def test_a_broken_setting_never_fails_the_publish(self):
        with (
            webhook_settings(self.endpoint, WEBHOOK_PAGE_MODELS=[None]),
            self.assertLogs("wagtail_clinic.webhooks", logging.ERROR),
        ):
            self.publish(self.sports)

        self.sports.refresh_from_db()
        self.assertTrue(self.sports.live)
        self.assertEqual(self.receiver.requests, [])

    def test_a_url_removed_from_the_settings_is_given_up(self):
        delivery = send("page.published", {"event": "page.published"})[0]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, next_attempt_at=timezone.now()
        )
        with override_settings(WAGTAIL_CLINIC={}):
            deliver(delivery.pk)

        delivery.refresh_from_db()
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertIsNone(delivery.next_attempt_at)
        self.assertIn("no longer", delivery.last_error)

    @override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    )
    def test_a_backend_that_can_defer_gets_the_retry_enqueued(self):
        with webhook_settings(self.endpoint):
            self.publish(self.sports)
            backend = task_backends["default"]
            self.assertEqual(self.receiver.requests, [], "the task has not run yet")
            (first,) = [
                r for r in backend.results if r.task.name == "deliver_webhook_task"
            ]
            self.assertIsNone(first.task.run_after)

            self.receiver.status = 500
            delivery = deliver(*first.args)

        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        retry = [r for r in backend.results if r.task.name == "deliver_webhook_task"][
            -1
        ]
        self.assertEqual(retry.args, [delivery.pk])
        self.assertEqual(retry.task.run_after, delivery.next_attempt_at)


class TestRetryCommand(WebhookTestCase):
    def make_delivery(self, **kwargs):
        return WebhookDelivery.objects.create(
            event="page.published",
            url=self.receiver.url,
            payload={"event": "page.published", "paths": ["/"]},
            **kwargs,
        )

    def test_delivers_due_deliveries_and_skips_the_others(self):
        now = timezone.now()
        due = self.make_delivery(
            status="failed", attempts=1, next_attempt_at=now - datetime.timedelta(1)
        )
        pending = self.make_delivery(next_attempt_at=now)
        later = self.make_delivery(
            status="failed", attempts=1, next_attempt_at=now + datetime.timedelta(1)
        )
        given_up = self.make_delivery(status="failed", attempts=5)
        done = self.make_delivery(status="succeeded", attempts=1)
        out = StringIO()

        call_command("retry_webhooks", stdout=out)

        self.assertEqual(
            sorted(r["headers"]["X-Clinic-Delivery"] for r in self.receiver.requests),
            sorted(str(d.delivery_id) for d in (due, pending)),
        )
        for delivery in (due, pending):
            delivery.refresh_from_db()
            self.assertEqual(delivery.status, "succeeded")
        for delivery, status in (
            (later, "failed"),
            (given_up, "failed"),
            (done, "succeeded"),
        ):
            attempts = delivery.attempts
            delivery.refresh_from_db()
            self.assertEqual((delivery.status, delivery.attempts), (status, attempts))
        self.assertIn(
            "Attempted 2 webhook deliveries: 2 succeeded, 0 failed.", out.getvalue()
        )

    def test_limit(self):
        for _ in range(3):
            self.make_delivery(next_attempt_at=timezone.now())

        call_command("retry_webhooks", limit=2, stdout=StringIO())

        self.assertEqual(len(self.receiver.requests), 2)
        with self.assertRaises(CommandError):
            call_command("retry_webhooks", limit=0)

    def test_a_failed_retry_is_rescheduled(self):
        self.receiver.status = 500
        delivery = self.make_delivery(
            status="failed", attempts=2, next_attempt_at=timezone.now()
        )

        call_command("retry_webhooks", stdout=StringIO())

        delivery.refresh_from_db()
        self.assertEqual(delivery.attempts, 3)
        delay = (delivery.next_attempt_at - timezone.now()).total_seconds()
        self.assertAlmostEqual(delay, 240, delta=5)


class TestSignature(TestCase):
    def test_known_vector(self):
        body = b'{"event":"page.published"}'
        self.assertEqual(
            signature("secret", "1700000000", body),
            "sha256="
            + hmac.new(
                b"secret", b'1700000000.{"event":"page.published"}', hashlib.sha256
            ).hexdigest(),
        )

    def test_body_is_compact_sorted_utf8_json(self):
        self.assertEqual(
            encode_payload({"b": 1, "a": "Café"}),
            '{"a":"Café","b":1}'.encode(),
        )


class TestSettingsCheck(TestCase):
    def check(self, webhooks_setting):
        """The errors (the warnings about secrets and legacy headers are
        tested in test_webhooks_standard.py)."""
        with override_settings(WAGTAIL_CLINIC={"WEBHOOKS": webhooks_setting}):
            return [
                (error.id, error.msg)
                for error in check_webhooks_setting()
                if error.is_serious()
            ]

    def test_valid_setting(self):
        self.assertEqual(self.check([{"url": "https://f.example/", "secret": "x"}]), [])
        self.assertEqual(self.check([]), [])

    def test_invalid_entries(self):
        errors = self.check(
            [
                {"url": "ftp://f.example/", "secret": "x"},
                {"url": "https://f.example/"},
                {"url": "https://f.example/", "secret": "x", "events": ["page.saved"]},
                "https://f.example/",
            ]
        )
        self.assertEqual(
            {error_id for error_id, _msg in errors}, {"wagtail_clinic.E101"}
        )
        messages = [msg for _id, msg in errors]
        self.assertIn("[0]: 'url' must be an http:// or https:// URL.", messages[0])
        self.assertIn("[1]: 'secret' must be a non-empty string.", messages[1])
        self.assertIn("[2]: 'events' must be a list of", messages[2])
        self.assertIn("[3]: must be a dict", messages[3])

    def test_the_setting_must_be_a_list(self):
        self.assertEqual(
            self.check({"url": "https://f.example/", "secret": "x"}),
            [
                (
                    "wagtail_clinic.E101",
                    'WAGTAIL_CLINIC["WEBHOOKS"] must be a list of dicts.',
                )
            ],
        )
        self.assertIn(
            "'url' has no host name",
            self.check([{"url": "https:///x", "secret": "x"}])[0][1],
        )

    def test_invalid_entries_are_not_used(self):
        with override_settings(
            WAGTAIL_CLINIC={"WEBHOOKS": [{"url": "file:///etc/passwd", "secret": "x"}]}
        ):
            self.assertEqual(get_endpoints(), [])


class TestDeliveryLogAdmin(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.delivery = WebhookDelivery.objects.create(
            event="page.published",
            url="https://user:pw@frontend.example/api/revalidate?key=abc",
            payload={"event": "page.published", "page": {"title": "Back pain"}},
            status="failed",
            attempts=2,
            last_response_code=500,
            last_error="HTTP 500 Internal Server Error",
        )
        cls.superuser = cls.create_superuser("admin")
        cls.editor = cls.create_user("editor")
        cls.editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        cls.viewer = cls.create_user("viewer")
        cls.viewer.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_webhookdelivery"),
        )

    def test_superuser_lists_and_inspects_deliveries(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("clinic_webhooks:index"))

        self.assertContains(response, "Back pain")
        self.assertContains(response, "https://frontend.example/api/revalidate")
        self.assertNotContains(response, "user:pw")
        self.assertNotContains(response, "key=abc")
        inspect_url = reverse("clinic_webhooks:inspect", args=[self.delivery.pk])
        self.assertContains(response, inspect_url)

        response = self.client.get(inspect_url)
        self.assertContains(response, "HTTP 500 Internal Server Error")
        self.assertContains(response, "&quot;title&quot;: &quot;Back pain&quot;")

    def test_filters_by_status_and_event(self):
        self.client.force_login(self.superuser)
        url = reverse("clinic_webhooks:index")

        self.assertContains(self.client.get(url, {"status": "failed"}), "Back pain")
        self.assertNotContains(
            self.client.get(url, {"status": "succeeded"}), "Back pain"
        )
        self.assertNotContains(
            self.client.get(url, {"event": "page.deleted"}), "Back pain"
        )

    def test_the_log_is_read_only(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("clinic_webhooks:index"))

        self.assertNotContains(response, "/admin/clinic/webhooks/new/")
        self.assertNotContains(response, "/edit/")
        self.assertNotContains(response, "/delete/")
        for path in (
            "new/",
            f"edit/{self.delivery.pk}/",
            f"delete/{self.delivery.pk}/",
        ):
            self.assertEqual(
                self.client.get(f"/admin/clinic/webhooks/{path}").status_code, 404
            )

    def test_users_need_the_view_permission(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("clinic_webhooks:index"))
        self.assertRedirects(response, reverse("wagtailadmin_home"))

        self.client.force_login(self.viewer)
        response = self.client.get(reverse("clinic_webhooks:index"))
        self.assertContains(response, "Back pain")
