"""Recording, enqueueing, signing and POSTing webhooks, with retries.

Layer 5 (feature wiring). ``send`` writes one ``WebhookDelivery`` row per
endpoint and enqueues ``deliver_webhook_task`` for each; ``deliver`` makes
one claimed attempt; ``deliver_due`` (the ``retry_webhooks`` command) makes
every due one. Nothing here raises into an editor's publish.
"""

import datetime
import json
import logging
import time
import urllib.error
import urllib.request

from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from wagtail_clinic import __version__
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.webhooks.endpoints import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    ID_HEADER,
    SIGNATURE_HEADER,
    STANDARD_SIGNATURE_HEADER,
    STANDARD_TIMESTAMP_HEADER,
    TIMESTAMP_HEADER,
    endpoint_keys,
    get_endpoints,
)
from wagtail_clinic.webhooks.models import WebhookDelivery
from wagtail_clinic.webhooks.signing import (
    legacy_signature,
    message_id,
    standard_signature,
)


logger = logging.getLogger(__name__)

#: Longest ``last_error`` kept on a delivery.
MAX_ERROR_LENGTH = 500


# -- Scheduling --------------------------------------------------------------


def safely(func, *args):
    """Run ``func(*args)``, logging and swallowing any error.

    Returns:
        What ``func`` returned, or None when it raised.
    """
    try:
        return func(*args)
    except Exception:
        logger.exception("wagtail_clinic: could not send a webhook")
        return None


def after_commit(func, *args):
    """Run ``func(*args)`` safely once the current transaction commits."""
    transaction.on_commit(partial(safely, func, *args), robust=True)


def send(event, payload):
    """Record one delivery per endpoint wanting ``event`` and enqueue them.

    Call it after the change is committed (the signal handlers do so through
    ``transaction.on_commit``). Returns the ``WebhookDelivery`` rows.
    """
    if payload is None:
        return []
    now = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            event=event, url=endpoint["url"], payload=payload, next_attempt_at=now
        )
        for endpoint in get_endpoints(event)
    ]
    for delivery in deliveries:
        enqueue(delivery.pk)
    return deliveries


def enqueue(delivery_pk, run_after=None):
    """Enqueue the delivery task; on failure the row waits for retry_webhooks."""
    try:
        task_ = deliver_webhook_task
        if run_after is not None:
            task_ = task_.using(run_after=run_after)
        task_.enqueue(delivery_pk)
    except Exception:
        logger.exception(
            "wagtail_clinic: could not enqueue webhook delivery %s", delivery_pk
        )


# -- Delivery ----------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it would drop or re-aim the POST."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


#: Deprecated name of ``signing.legacy_signature`` (the X-Clinic-Signature).
signature = legacy_signature


def encode_payload(payload):
    """The exact bytes POSTed: compact, key-sorted UTF-8 JSON."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _clean_error(message, *secrets):
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message[:MAX_ERROR_LENGTH]


def signed_headers(delivery, endpoint, body, timestamp):
    """The headers of one attempt at ``delivery`` to ``endpoint``.

    Standard Webhooks' ``webhook-id`` (the same on every retry),
    ``webhook-timestamp`` (this attempt's) and ``webhook-signature`` (one
    ``v1,`` entry per key: the secret's, then the previous secrets'), the
    event, and while ``WEBHOOK_LEGACY_SIGNATURE`` is on the deprecated
    ``X-Clinic-*`` headers.
    """
    msg_id = message_id(delivery.delivery_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"wagtail-clinic/{__version__}",
        ID_HEADER: msg_id,
        STANDARD_TIMESTAMP_HEADER: timestamp,
        STANDARD_SIGNATURE_HEADER: standard_signature(
            endpoint_keys(endpoint), msg_id, timestamp, body
        ),
        EVENT_HEADER: delivery.event,
    }
    if clinic_settings.WEBHOOK_LEGACY_SIGNATURE:
        headers[DELIVERY_HEADER] = str(delivery.delivery_id)
        headers[TIMESTAMP_HEADER] = timestamp
        headers[SIGNATURE_HEADER] = legacy_signature(
            endpoint["secret"], timestamp, body
        )
    return headers


def _post(delivery, endpoint, timeout):
    """POST the delivery once; return ``(response code or None, error or "")``."""
    body = encode_payload(delivery.payload)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (scheme checked: http/https)
        delivery.url,
        data=body,
        method="POST",
        headers=signed_headers(delivery, endpoint, body, timestamp),
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        return None, f"{type(exc.reason).__name__}: {exc.reason}"
    except (OSError, ValueError) as exc:  # Timeouts, resets, malformed URLs.
        return None, f"{type(exc).__name__}: {exc}"
    if 200 <= code < 300:
        return code, ""
    return code, f"HTTP {code}"


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed attempt (1, 2, …)."""
    return clinic_settings.WEBHOOK_RETRY_BACKOFF * 2 ** (attempts - 1)


def deliver(delivery_pk):
    """Make one attempt at a due delivery; never raises.

    The delivery is first claimed with a conditional update (its
    ``next_attempt_at`` pushed past the attempt's timeout), so a worker and
    ``retry_webhooks`` never send the same attempt twice, and an attempt
    that dies half-way is retried once the claim lapses.

    Returns:
        The updated ``WebhookDelivery``, or None when it was not due, was
        claimed elsewhere, or the attempt crashed.
    """
    try:
        return _deliver(delivery_pk)
    except Exception:
        logger.exception("wagtail_clinic: webhook delivery %s crashed", delivery_pk)
        return None


def _deliver(delivery_pk):
    timeout = clinic_settings.WEBHOOK_TIMEOUT
    max_attempts = clinic_settings.WEBHOOK_MAX_ATTEMPTS
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.due(now)
        .filter(pk=delivery_pk, attempts__lt=max_attempts)
        .update(next_attempt_at=now + datetime.timedelta(seconds=2 * timeout + 60))
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.get(pk=delivery_pk)
    endpoint = next((e for e in get_endpoints() if e["url"] == delivery.url), None)
    if endpoint is None:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        delivery.last_error = 'The URL is no longer in WAGTAIL_CLINIC["WEBHOOKS"].'
        delivery.save(
            update_fields=["status", "next_attempt_at", "last_error", "updated_at"]
        )
        return delivery

    code, error = _post(delivery, endpoint, timeout)
    delivery.attempts += 1
    delivery.last_response_code = code
    delivery.last_error = _clean_error(
        error,
        endpoint["secret"],
        *endpoint.get("previous_secrets", []),
        delivery.url,
    )
    if not error:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.next_attempt_at = None
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        if delivery.attempts < max_attempts:
            delivery.next_attempt_at = timezone.now() + datetime.timedelta(
                seconds=retry_delay(delivery.attempts)
            )
        logger.warning(
            "wagtail_clinic: webhook %s (%s) to %s failed, attempt %d of %d: %s",
            delivery.delivery_id,
            delivery.event,
            delivery.display_url,
            delivery.attempts,
            max_attempts,
            delivery.last_error,
        )
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "last_response_code",
            "last_error",
            "next_attempt_at",
            "updated_at",
        ]
    )
    if (
        delivery.next_attempt_at is not None
        and deliver_webhook_task.get_backend().supports_defer
    ):
        enqueue(delivery.pk, run_after=delivery.next_attempt_at)
    return delivery


def deliver_due(limit=None):
    """Attempt every due delivery (oldest first); return the attempted rows."""
    pks = (
        WebhookDelivery.objects.due()
        .filter(attempts__lt=clinic_settings.WEBHOOK_MAX_ATTEMPTS)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    if limit is not None:
        pks = pks[:limit]
    return [d for d in map(deliver, list(pks)) if d is not None]


@task()
def deliver_webhook_task(delivery_pk):
    """django-tasks entry point: one attempt at a delivery.

    Also importable as ``wagtail_clinic.webhooks.deliver_webhook_task``, the
    path documented (and named by tasks queued) before the package split.
    """
    deliver(delivery_pk)
