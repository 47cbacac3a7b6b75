"""Signed publish notifications ("webhooks") for headless frontends.

When a page is published, unpublished, deleted or moved, every URL in
``WAGTAIL_CLINIC["WEBHOOKS"]`` receives a JSON POST listing the paths a
static or ISR frontend should rebuild. The flow:

1. A Wagtail signal handler registers a ``transaction.on_commit`` callback,
   so nothing is sent for a change that is rolled back, and nothing is sent
   from inside the publishing transaction. (Deletions are described in
   ``pre_delete``, while the page and its references still exist, and sent
   on commit like the rest.)
2. On commit, one ``WebhookDelivery`` row per endpoint is written and a
   ``django_tasks`` task is enqueued for each.
3. The task signs and POSTs the payload (``urllib``, short timeout). A
   failure is recorded and retried with exponential backoff: re-enqueued
   with ``run_after`` when the task backend supports it, otherwise by the
   ``retry_webhooks`` management command (run it from cron).

Nothing here may break an editor's publish: every handler, callback and task
catches and logs its errors, and logs never contain secrets.

Signature: ``X-Clinic-Signature: sha256=<hex>``, the HMAC-SHA256 of
``f"{X-Clinic-Timestamp}.{body}"`` keyed with the endpoint's secret.
"""

import copy
import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from functools import partial, wraps
from urllib.parse import urlsplit

import swapper

from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from django_tasks import task
from wagtail.models import ReferenceIndex
from wagtail.signals import page_published, page_unpublished, post_page_move

import wagtail_clinic

from wagtail_clinic.conf import clinic_settings


logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Clinic-Signature"
TIMESTAMP_HEADER = "X-Clinic-Timestamp"
DELIVERY_HEADER = "X-Clinic-Delivery"
EVENT_HEADER = "X-Clinic-Event"

#: Longest ``last_error`` kept on a delivery.
MAX_ERROR_LENGTH = 500


# -- Configuration -----------------------------------------------------------


def _events():
    from wagtail_clinic.models import WebhookDelivery

    return set(WebhookDelivery.Event.values)


def _endpoint_problems(endpoint):
    """Why a ``WEBHOOKS`` entry is unusable, as a list of messages."""
    if not isinstance(endpoint, dict):
        return ["must be a dict with 'url' and 'secret'"]
    problems = []
    url = endpoint.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"}:
        problems.append("'url' must be an http:// or https:// URL")
    elif not urlsplit(url).hostname:
        problems.append("'url' has no host name")
    secret = endpoint.get("secret")
    if not isinstance(secret, str) or not secret:
        problems.append("'secret' must be a non-empty string")
    events = endpoint.get("events")
    if events is not None and (isinstance(events, str) or not set(events) <= _events()):
        problems.append(f"'events' must be a list of: {', '.join(sorted(_events()))}")
    return problems


def get_endpoints(event=None):
    """The usable ``WEBHOOKS`` entries, optionally only those wanting ``event``.

    Invalid entries are skipped (the system check ``wagtail_clinic.E101``
    reports them).
    """
    endpoints = []
    for endpoint in clinic_settings.WEBHOOKS or []:
        if _endpoint_problems(endpoint):
            continue
        events = endpoint.get("events")
        if event is None or events is None or event in events:
            endpoints.append(endpoint)
    return endpoints


@checks.register()
def check_webhooks_setting(app_configs=None, **kwargs):
    """System check: every ``WAGTAIL_CLINIC["WEBHOOKS"]`` entry is usable."""
    webhooks = clinic_settings.WEBHOOKS
    if not webhooks:
        return []
    if not isinstance(webhooks, list | tuple):
        return [
            checks.Error(
                'WAGTAIL_CLINIC["WEBHOOKS"] must be a list of dicts.',
                id="wagtail_clinic.E101",
            )
        ]
    errors = []
    for index, endpoint in enumerate(webhooks):
        for problem in _endpoint_problems(endpoint):
            errors.append(
                checks.Error(
                    f'WAGTAIL_CLINIC["WEBHOOKS"][{index}]: {problem}.',
                    id="wagtail_clinic.E101",
                )
            )
    return errors


def _page_model_wanted(page):
    labels = clinic_settings.WEBHOOK_PAGE_MODELS
    if labels is None:
        return True
    model = page.specific_class or type(page)
    return model._meta.label_lower in {label.lower() for label in labels}


def _wanted(page):
    return bool(get_endpoints()) and _page_model_wanted(page)


# -- Payloads ----------------------------------------------------------------


def _location(page):
    """``{"site_id", "root_url", "path", "url"}`` of a page, or None if unrouted."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    site_id, root_url, path = parts
    if path is None:
        # Wagtail's page serving is not in the URLconf (a headless-only
        # site): the path is still the page's place below its site root.
        from wagtail.models import Site

        root = next(
            (
                root
                for root in Site.get_site_root_paths()
                if root.site_id == site_id and page.url_path.startswith(root.root_path)
            ),
            None,
        )
        if root is None:
            return None
        root_url = root.root_url
        path = "/" + page.url_path[len(root.root_path) :]
    return {
        "site_id": site_id,
        "root_url": root_url or "",
        "path": path,
        "url": (root_url or "") + path,
    }


def _page_info(page, location):
    model = page.specific_class or type(page)
    site = None
    if location is not None:
        site = {
            "id": location["site_id"],
            "hostname": urlsplit(location["root_url"]).hostname or "",
            "root_url": location["root_url"],
        }
    return {
        "id": page.pk,
        "type": model._meta.label,
        "title": page.title,
        "slug": page.slug,
        "live": page.live,
        "url": location["url"] if location else None,
        "path": location["path"] if location else None,
        "site": site,
    }


def _referencing_live_pages(page):
    """Live pages whose content (e.g. a page chooser) refers to ``page``."""
    Page = swapper.load_model("wagtailcore", "Page")
    ids = set(
        ReferenceIndex.get_references_to(page)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    ids.discard(str(page.pk))
    if not ids:
        return []
    return list(Page.objects.live().filter(pk__in=ids).specific(defer=True))


def _paths_for(page, parent):
    """The page's path, its parent's and those of live pages referring to it."""
    pages = [page]
    if parent is not None and parent.live and not parent.is_root():
        pages.append(parent)
    pages += _referencing_live_pages(page)
    return [location["path"] for location in map(_location, pages) if location]


def _dedupe(paths):
    return list(dict.fromkeys(path for path in paths if path))


def build_payload(event, page, *, paths, previous=None):
    """The JSON body of a webhook (see docs/headless.md for its schema)."""
    payload = {
        "event": event,
        "timestamp": timezone.now().isoformat(),
        "page": _page_info(page, _location(page)),
        "paths": _dedupe(paths),
    }
    if previous is not None:
        payload["previous"] = previous
    return payload


def page_payload(event, page):
    """The payload of a publish, unpublish or delete event for ``page``."""
    return build_payload(event, page, paths=_paths_for(page, page.get_parent()))


def move_payload(page, url_path_before, parent_before):
    """The payload of a move, or None when no live page changed its URL.

    Lists the old and new paths of the page and of its live descendants,
    both parents' paths, and those of the live pages referring to the page.
    """
    from wagtail_clinic.models import WebhookDelivery

    descendants = page.get_descendants().live().specific(defer=True)
    moved = [p for p in [page, *descendants] if p.live]
    if not moved:
        return None
    paths = []
    for moved_page in moved:
        old_url_path = url_path_before + moved_page.url_path[len(page.url_path) :]
        old, new = (
            _location(_with_url_path(moved_page, old_url_path)),
            _location(moved_page),
        )
        paths += [location["path"] for location in (old, new) if location]
    for parent in (parent_before, page.get_parent()):
        if parent is not None and parent.live and not parent.is_root():
            location = _location(parent)
            paths += [location["path"]] if location else []
    paths += [
        location["path"]
        for location in map(_location, _referencing_live_pages(page))
        if location
    ]
    old_location = _location(_with_url_path(page, url_path_before))
    previous = {
        "parent_id": parent_before.pk if parent_before is not None else None,
        "url": old_location["url"] if old_location else None,
        "path": old_location["path"] if old_location else None,
    }
    return build_payload(
        WebhookDelivery.Event.MOVED, page, paths=paths, previous=previous
    )


def _with_url_path(page, url_path):
    """A copy of ``page`` at another ``url_path`` (to find a URL it had before)."""
    before = copy.copy(page)
    before.url_path = url_path
    return before


# -- Scheduling --------------------------------------------------------------


def _safely(func, *args):
    """Run ``func``, logging and swallowing any error."""
    try:
        return func(*args)
    except Exception:
        logger.exception("wagtail_clinic: could not send a webhook")
        return None


def _on_commit(func, *args):
    """Run ``func(*args)`` safely once the current transaction commits."""
    transaction.on_commit(partial(_safely, func, *args), robust=True)


def send(event, payload):
    """Record one delivery per endpoint wanting ``event`` and enqueue them.

    Call it after the change is committed (the signal handlers do so through
    ``transaction.on_commit``). Returns the ``WebhookDelivery`` rows.
    """
    from wagtail_clinic.models import WebhookDelivery

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


def _send_page_event(event, page):
    Page = swapper.load_model("wagtailcore", "Page")
    if not Page.objects.filter(pk=page.pk).exists():
        # Deleted in the same transaction (Wagtail unpublishes a page it is
        # about to delete): the page.deleted event covers it.
        return
    send(event, page_payload(event, page))


def _never_raises(handler):
    """Log instead of raising: a webhook problem must never fail a publish."""

    @wraps(handler)
    def wrapper(*args, **kwargs):
        try:
            handler(*args, **kwargs)
        except Exception:
            logger.exception("wagtail_clinic: webhook signal handler failed")

    return wrapper


@_never_raises
def on_page_published(sender, instance, **kwargs):
    from wagtail_clinic.models import WebhookDelivery

    if _wanted(instance):
        _on_commit(_send_page_event, WebhookDelivery.Event.PUBLISHED, instance)


@_never_raises
def on_page_unpublished(sender, instance, **kwargs):
    from wagtail_clinic.models import WebhookDelivery

    if _wanted(instance):
        _on_commit(_send_page_event, WebhookDelivery.Event.UNPUBLISHED, instance)


@_never_raises
def on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    from wagtail_clinic.models import WebhookDelivery

    if url_path_before == url_path_after or not _wanted(instance):
        return  # Reordering among siblings changes no URL.

    def send_move():
        model = instance.specific_class or type(instance)
        page = model.objects.filter(pk=instance.pk).first()
        if page is None:
            return  # Deleted in the same transaction.
        payload = move_payload(page, url_path_before, kwargs["parent_page_before"])
        send(WebhookDelivery.Event.MOVED, payload)

    _on_commit(send_move)


@_never_raises
def on_pre_delete(sender, instance, **kwargs):
    from wagtail.models import AbstractPage

    from wagtail_clinic.models import WebhookDelivery

    if not isinstance(instance, AbstractPage) or not instance.live:
        return  # Not a page, or a draft that was never on the frontend.
    # Deleting a page sends pre_delete once per model in its inheritance
    # chain (Page, ConditionPage, …): describe it only once, as its own type.
    specific_class = instance.specific_class
    if specific_class is not None and type(instance) is not specific_class:
        return
    if not _wanted(instance):
        return
    event = WebhookDelivery.Event.DELETED
    # Described now, while the page and the references to it still exist; a
    # savepoint keeps the deleting transaction usable should a query fail.
    payload = _safely(_in_savepoint, page_payload, event, instance)
    if payload is not None:
        payload["page"]["live"] = False
        _on_commit(send, event, payload)


def _in_savepoint(func, *args):
    with transaction.atomic():
        return func(*args)


def connect_signals():
    """Connect the page signal handlers (called from ``AppConfig.ready``)."""
    uid = "wagtail_clinic.webhooks"
    page_published.connect(on_page_published, dispatch_uid=uid)
    page_unpublished.connect(on_page_unpublished, dispatch_uid=uid)
    post_page_move.connect(on_page_moved, dispatch_uid=uid)
    pre_delete.connect(on_pre_delete, dispatch_uid=uid)


# -- Delivery ----------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it would drop or re-aim the POST."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def signature(secret, timestamp, body):
    """``sha256=<hex>``: HMAC-SHA256 of ``f"{timestamp}.{body}"`` with ``secret``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


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


def _post(delivery, secret, timeout):
    """POST the delivery once; return ``(response code or None, error or "")``."""
    body = encode_payload(delivery.payload)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (scheme checked: http/https)
        delivery.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"wagtail-clinic/{wagtail_clinic.__version__}",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.delivery_id),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
        },
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
    from wagtail_clinic.models import WebhookDelivery

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

    code, error = _post(delivery, endpoint["secret"], timeout)
    delivery.attempts += 1
    delivery.last_response_code = code
    delivery.last_error = _clean_error(error, endpoint["secret"], delivery.url)
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
    from wagtail_clinic.models import WebhookDelivery

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
    """django-tasks entry point: one attempt at a delivery."""
    deliver(delivery_pk)
