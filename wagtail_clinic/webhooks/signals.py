"""Page signal receivers that send the webhooks (layer 5).

``connect_signals()`` is called from ``WagtailClinicAppConfig.ready()``,
before the representation cache's receivers are connected. Every receiver
only schedules work for ``transaction.on_commit`` and never raises: a
webhook problem must never fail a publish.
"""

import logging

from functools import wraps

import swapper

from django.db import transaction
from django.db.models.signals import pre_delete
from wagtail.models import AbstractPage
from wagtail.signals import page_published, page_unpublished, post_page_move

from wagtail_clinic.webhooks.delivery import after_commit, safely, send
from wagtail_clinic.webhooks.models import WebhookDelivery
from wagtail_clinic.webhooks.payloads import move_payload, page_payload, wanted


logger = logging.getLogger(__name__)

#: The ``dispatch_uid`` of every receiver connected here.
DISPATCH_UID = "wagtail_clinic.webhooks"


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
    """``page_published``: notify the page's paths once the publish commits."""
    if wanted(instance):
        after_commit(_send_page_event, WebhookDelivery.Event.PUBLISHED, instance)


@_never_raises
def on_page_unpublished(sender, instance, **kwargs):
    """``page_unpublished``: notify the page's paths once the change commits."""
    if wanted(instance):
        after_commit(_send_page_event, WebhookDelivery.Event.UNPUBLISHED, instance)


@_never_raises
def on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    """``post_page_move``: notify the old and new paths once the move commits."""
    if url_path_before == url_path_after or not wanted(instance):
        return  # Reordering among siblings changes no URL.

    def send_move():
        model = instance.specific_class or type(instance)
        page = model.objects.filter(pk=instance.pk).first()
        if page is None:
            return  # Deleted in the same transaction.
        payload = move_payload(page, url_path_before, kwargs["parent_page_before"])
        send(WebhookDelivery.Event.MOVED, payload)

    after_commit(send_move)


@_never_raises
def on_pre_delete(sender, instance, **kwargs):
    """``pre_delete``: describe a live page now, notify once the delete commits."""
    if not isinstance(instance, AbstractPage) or not instance.live:
        return  # Not a page, or a draft that was never on the frontend.
    # Deleting a page sends pre_delete once per model in its inheritance
    # chain (Page, ConditionPage, …): describe it only once, as its own type.
    specific_class = instance.specific_class
    if specific_class is not None and type(instance) is not specific_class:
        return
    if not wanted(instance):
        return
    event = WebhookDelivery.Event.DELETED
    # Described now, while the page and the references to it still exist; a
    # savepoint keeps the deleting transaction usable should a query fail.
    payload = safely(_in_savepoint, page_payload, event, instance)
    if payload is not None:
        payload["page"]["live"] = False
        payload["paths_url"] = None  # The page is gone: nothing to list.
        after_commit(send, event, payload)


def _in_savepoint(func, *args):
    with transaction.atomic():
        return func(*args)


def connect_signals():
    """Connect the page signal receivers (called from ``AppConfig.ready``)."""
    page_published.connect(on_page_published, dispatch_uid=DISPATCH_UID)
    page_unpublished.connect(on_page_unpublished, dispatch_uid=DISPATCH_UID)
    post_page_move.connect(on_page_moved, dispatch_uid=DISPATCH_UID)
    pre_delete.connect(on_pre_delete, dispatch_uid=DISPATCH_UID)
