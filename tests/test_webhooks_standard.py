"""Webhooks signed per Standard Webhooks, verified with the official library.

Real deliveries, captured by a real HTTP receiver on 127.0.0.1
(``tests.test_webhooks.Receiver``), are verified with the ``standardwebhooks``
PyPI package (``Webhook(secret).verify(body, headers)``), as a receiver
would; their bodies are validated against the schemas the served OpenAPI
document publishes under ``webhooks``.
"""

import base64
import datetime
import io
import json

import time_machine

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from jsonschema import Draft202012Validator
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.test_webhooks import (
    SECRET,
    WebhookTestCase,
    expected_signature,
    webhook_settings,
)
from tests.utils import make_massage_type_index
from wagtail_clinic.models import WebhookDelivery
from wagtail_clinic.webhooks.checks import check_webhooks_setting
from wagtail_clinic.webhooks.delivery import deliver, send
from wagtail_clinic.webhooks.signing import (
    generate_secret,
    legacy_secret_as_whsec,
    secret_key,
)


#: Standard Webhooks secrets, as ``manage.py webhook_secret`` prints them.
WHSEC = "whsec_" + base64.b64encode(b"clinic-test-key-0123456789abcdef").decode()
OLD_WHSEC = "whsec_" + base64.b64encode(b"an-older-key-for-rotation-tests!").decode()
LEGACY_HEADERS = ("X-Clinic-Signature", "X-Clinic-Timestamp", "X-Clinic-Delivery")


def standard_headers(request):
    """The headers a receiver hands to ``Webhook.verify`` (any case)."""
    return request["headers"]


class StandardWebhookTestCase(WebhookTestCase):
    """The receiver's endpoint has a ``whsec_`` secret."""

    def setUp(self):
        super().setUp()
        self.endpoint = {"url": self.receiver.url, "secret": WHSEC}
        settings = webhook_settings(self.endpoint)
        settings.enable()
        self.addCleanup(settings.disable)


class TestStandardSignature(StandardWebhookTestCase):
    def test_a_real_delivery_verifies_with_the_standardwebhooks_library(self):
        self.publish(self.sports)

        (request,) = self.receiver.requests
        payload = Webhook(WHSEC).verify(request["body"], standard_headers(request))
        self.assertEqual(payload, json.loads(request["body"]))
        self.assertEqual(payload["event"], "page.published")
        headers = request["headers"]
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(headers["webhook-id"], f"msg_{delivery.delivery_id.hex}")
        self.assertAlmostEqual(
            int(headers["webhook-timestamp"]), timezone.now().timestamp(), delta=10
        )
        self.assertRegex(headers["webhook-signature"], r"^v1,[A-Za-z0-9+/]+=*$")
        self.assertEqual(headers["X-Clinic-Event"], "page.published")

    def test_a_tampered_body_is_rejected(self):
        self.publish(self.sports)

        (request,) = self.receiver.requests
        tampered = request["body"].replace(b'"purge_all":false', b'"purge_all":true')
        self.assertNotEqual(tampered, request["body"])
        with self.assertRaisesMessage(WebhookVerificationError, "No matching"):
            Webhook(WHSEC).verify(tampered, standard_headers(request))

    def test_another_secret_is_rejected(self):
        self.publish(self.sports)

        (request,) = self.receiver.requests
        for secret in (generate_secret(), OLD_WHSEC):
            with self.assertRaisesMessage(WebhookVerificationError, "No matching"):
                Webhook(secret).verify(request["body"], standard_headers(request))

    def test_a_stale_or_replayed_message_is_rejected(self):
        self.publish(self.sports)

        (request,) = self.receiver.requests
        later = timezone.now() + datetime.timedelta(minutes=6)
        with (
            time_machine.travel(later, tick=False),
            self.assertRaisesMessage(WebhookVerificationError, "too old"),
        ):
            Webhook(WHSEC).verify(request["body"], standard_headers(request))
        # A timestamp moved forward does not match the signature.
        headers = {
            **request["headers"],
            "webhook-timestamp": str(int(request["headers"]["webhook-timestamp"]) + 1),
        }
        with self.assertRaisesMessage(WebhookVerificationError, "No matching"):
            Webhook(WHSEC).verify(request["body"], headers)

    def test_retries_keep_the_id_and_sign_each_attempt_at_its_time(self):
        self.receiver.status = 503
        delivery = send("page.published", {"event": "page.published"})[0]
        delivery.refresh_from_db()
        with time_machine.travel(delivery.next_attempt_at, tick=False):
            deliver(delivery.pk)
        delivery.refresh_from_db()
        with time_machine.travel(delivery.next_attempt_at, tick=False):
            deliver(delivery.pk)
            # Each attempt verifies at the time it was sent.
            Webhook(WHSEC).verify(
                self.receiver.requests[-1]["body"],
                self.receiver.requests[-1]["headers"],
            )

        self.assertEqual(len(self.receiver.requests), 3)
        ids = {r["headers"]["webhook-id"] for r in self.receiver.requests}
        self.assertEqual(ids, {f"msg_{delivery.delivery_id.hex}"})
        timestamps = [
            int(r["headers"]["webhook-timestamp"]) for r in self.receiver.requests
        ]
        self.assertEqual(timestamps, sorted(set(timestamps)))
        # The first retry came WEBHOOK_RETRY_BACKOFF (60 s) after the first attempt.
        self.assertAlmostEqual(timestamps[1] - timestamps[0], 60, delta=3)
        signatures = {r["headers"]["webhook-signature"] for r in self.receiver.requests}
        self.assertEqual(len(signatures), 3)

    def test_every_event_verifies_and_matches_the_published_schema(self):
        new_index = make_massage_type_index(
            self.home, title="Therapies", slug="therapies"
        )
        self.publish(self.sports)
        with self.captureOnCommitCallbacks(execute=True):
            self.sports.move(new_index, pos="last-child")
        with self.captureOnCommitCallbacks(execute=True):
            self.sports.unpublish()
        with self.captureOnCommitCallbacks(execute=True):
            self.other_massage.delete()

        document = Client().get("/api/v3/openapi.json").json()
        payloads = [
            Webhook(WHSEC).verify(request["body"], request["headers"])
            for request in self.receiver.requests
        ]
        self.assertEqual(
            {payload["event"] for payload in payloads},
            set(WebhookDelivery.Event.values),
        )
        for payload in payloads:
            with self.subTest(event=payload["event"]):
                operation = document["webhooks"][payload["event"]]["post"]
                reference = operation["requestBody"]["content"]["application/json"]
                for schema in (
                    reference["schema"],
                    {"$ref": "#/components/schemas/ClinicWebhook"},
                ):
                    validator = Draft202012Validator(
                        {**schema, "components": document["components"]}
                    )
                    self.assertEqual(
                        [error.message for error in validator.iter_errors(payload)], []
                    )
                # Every field sent is documented, and every documented one sent.
                name = reference["schema"]["$ref"].rsplit("/", 1)[1]
                documented = document["components"]["schemas"][name]
                self.assertEqual(set(payload), set(documented["properties"]))
                self.assertEqual(set(payload), set(documented["required"]))


class TestSecretRotation(StandardWebhookTestCase):
    def test_previous_secrets_sign_too_during_a_rotation(self):
        endpoint = {**self.endpoint, "previous_secrets": [OLD_WHSEC]}
        with webhook_settings(endpoint):
            self.publish(self.sports)

        (request,) = self.receiver.requests
        self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 2)
        for secret in (WHSEC, OLD_WHSEC):
            Webhook(secret).verify(request["body"], request["headers"])
        with self.assertRaises(WebhookVerificationError):
            Webhook(generate_secret()).verify(request["body"], request["headers"])
        # The legacy header is keyed with the current secret only.
        self.assertEqual(
            request["headers"]["X-Clinic-Signature"],
            expected_signature(request, secret=WHSEC),
        )


class TestLegacyHeaders(StandardWebhookTestCase):
    def test_sent_by_default_this_release(self):
        self.publish(self.sports)

        (request,) = self.receiver.requests
        headers = request["headers"]
        self.assertEqual(
            headers["X-Clinic-Signature"], expected_signature(request, WHSEC)
        )
        self.assertEqual(headers["X-Clinic-Timestamp"], headers["webhook-timestamp"])
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(headers["X-Clinic-Delivery"], str(delivery.delivery_id))
        Webhook(WHSEC).verify(request["body"], headers)

    def test_not_sent_when_the_setting_is_off(self):
        with webhook_settings(self.endpoint, WEBHOOK_LEGACY_SIGNATURE=False):
            self.publish(self.sports)

        (request,) = self.receiver.requests
        for header in LEGACY_HEADERS:
            self.assertNotIn(header, request["headers"])
        self.assertEqual(request["headers"]["X-Clinic-Event"], "page.published")
        Webhook(WHSEC).verify(request["body"], request["headers"])

    def test_a_secret_from_before_signs_with_its_utf8_bytes(self):
        with webhook_settings({"url": self.receiver.url, "secret": SECRET}):
            self.publish(self.sports)

        (request,) = self.receiver.requests
        # Both forms the standard libraries take: the raw bytes, and the
        # whsec_ form `webhook_secret --convert` prints.
        Webhook(SECRET.encode()).verify(request["body"], request["headers"])
        Webhook(legacy_secret_as_whsec(SECRET)).verify(
            request["body"], request["headers"]
        )
        self.assertEqual(
            request["headers"]["X-Clinic-Signature"], expected_signature(request)
        )


class TestSecretChecks(TestCase):
    def check(self, *endpoints, **extra):
        with override_settings(WAGTAIL_CLINIC={"WEBHOOKS": list(endpoints), **extra}):
            return [
                (message.id, message.msg, message.hint)
                for message in check_webhooks_setting()
            ]

    def endpoint(self, **kwargs):
        return {"url": "https://f.example/hook", "secret": WHSEC, **kwargs}

    def test_a_whsec_secret_without_legacy_headers_is_clean(self):
        self.assertEqual(
            self.check(
                self.endpoint(previous_secrets=[OLD_WHSEC]),
                WEBHOOK_LEGACY_SIGNATURE=False,
            ),
            [],
        )

    def test_legacy_headers_are_a_deprecation_warning(self):
        ((check_id, msg, hint),) = self.check(self.endpoint())
        self.assertEqual(check_id, "wagtail_clinic.W102")
        self.assertIn("deprecated X-Clinic-Signature", msg)
        self.assertIn('WAGTAIL_CLINIC["WEBHOOK_LEGACY_SIGNATURE"] = False', hint)
        # Nothing to deprecate without webhooks.
        self.assertEqual(self.check(), [])

    def test_a_secret_without_the_prefix_is_a_warning_naming_the_field(self):
        messages = self.check(
            self.endpoint(),
            self.endpoint(secret=SECRET, previous_secrets=[WHSEC, "older one"]),
            WEBHOOK_LEGACY_SIGNATURE=False,
        )
        self.assertEqual([m[0] for m in messages], ["wagtail_clinic.W101"] * 2)
        self.assertIn(
            "[\"WEBHOOKS\"][1]: 'secret' is not in the Standard", messages[0][1]
        )
        self.assertIn("'previous_secrets'[1] is not", messages[1][1])
        self.assertIn("webhook_secret --convert", messages[0][2])
        # The secret itself is never shown.
        for message in messages:
            self.assertNotIn(SECRET, message[1] + message[2])
            self.assertNotIn("older one", message[1] + message[2])

    def test_a_short_key_is_a_warning(self):
        short = "whsec_" + base64.b64encode(b"too short").decode()
        ((check_id, msg, _hint),) = self.check(
            self.endpoint(secret=short), WEBHOOK_LEGACY_SIGNATURE=False
        )
        self.assertEqual(check_id, "wagtail_clinic.W101")
        self.assertIn("fewer than 24 bytes", msg)

    def test_malformed_secrets_are_errors_naming_the_field(self):
        messages = self.check(
            self.endpoint(secret="whsec_not base64!"),
            self.endpoint(secret="whsec_"),
            self.endpoint(previous_secrets="whsec_AAAA"),
            self.endpoint(previous_secrets=[WHSEC, ""]),
            WEBHOOK_LEGACY_SIGNATURE=False,
        )
        self.assertEqual({m[0] for m in messages}, {"wagtail_clinic.E101"})
        texts = [m[1] for m in messages]
        self.assertIn(
            "[0]: 'secret' starts with 'whsec_' but the rest is not", texts[0]
        )
        self.assertIn("[1]: 'secret' is 'whsec_' with no key after it", texts[1])
        self.assertIn("[2]: 'previous_secrets' must be a list of secrets", texts[2])
        self.assertIn("[3]: 'previous_secrets'[1] must be a non-empty string", texts[3])

    def test_the_legacy_setting_must_be_a_boolean(self):
        self.assertEqual(
            self.check(WEBHOOK_LEGACY_SIGNATURE="no"),
            [
                (
                    "wagtail_clinic.E101",
                    'WAGTAIL_CLINIC["WEBHOOK_LEGACY_SIGNATURE"] must be True or False.',
                    None,
                )
            ],
        )


class TestWebhookSecretCommand(TestCase):
    def run_command(self, *args, stdin=None):
        out = io.StringIO()
        call_command("webhook_secret", *args, stdout=out, stdin=stdin)
        return out.getvalue().strip()

    def test_prints_a_fresh_32_byte_whsec_secret(self):
        first, second = self.run_command(), self.run_command()
        self.assertNotEqual(first, second)
        self.assertRegex(first, r"^whsec_[A-Za-z0-9+/]{43}=$")
        self.assertEqual(len(secret_key(first)), 32)
        # The standard library reads it as the same key.
        signature = Webhook(first).sign("msg_1", timezone.now(), b"{}")
        self.assertEqual(
            Webhook(secret_key(first)).sign("msg_1", timezone.now(), b"{}"), signature
        )

    def test_convert_keeps_the_key_of_a_secret_from_before(self):
        converted = self.run_command("--convert", stdin=io.StringIO(SECRET + "\n"))
        self.assertEqual(converted, legacy_secret_as_whsec(SECRET))
        self.assertEqual(secret_key(converted), SECRET.encode())

    def test_convert_refuses_a_whsec_or_empty_secret(self):
        with self.assertRaisesMessage(CommandError, "already in the whsec_ form"):
            self.run_command("--convert", stdin=io.StringIO(WHSEC))
        with self.assertRaisesMessage(CommandError, "non-empty string"):
            self.run_command("--convert", stdin=io.StringIO("\n"))
