"""Purge an edge cache when pages change (layer 5).

``connect_signals()`` is called from ``WagtailClinicAppConfig.ready()``.
Only when ``WAGTAILFRONTENDCACHE`` is set, and only once the change commits,
the URLs of ``paths`` are handed to Wagtail's
``wagtail.contrib.frontend_cache`` (``PurgeBatch``), which purges them in a
django-tasks task (in the worker when TASKS has one). On publish and
unpublish Wagtail's own receivers purge the page's HTML; these add the API
URLs and every page that shows the page's content. Moves and deletes, which
Wagtail does not purge, are purged here in full. Drafts purge nothing: no
signal fires for them. No receiver ever raises: a purge problem must never
fail a publish.
"""

import logging

from functools import wraps

from django.db import transaction
from django.db.models.signals import pre_delete
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import AbstractPage
from wagtail.signals import page_published, page_unpublished, post_page_move

from wagtail_clinic.frontend_cache.paths import (
    configured,
    move_urls,
    page_change_urls,
    truncated_change_urls,
)


logger = logging.getLogger(__name__)

#: The ``dispatch_uid`` of every receiver connected here.
DISPATCH_UID = "wagtail_clinic.frontend_cache"


def purge(urls):
    """Hand ``urls`` to Wagtail's frontend cache (a django-tasks task)."""
    if urls:
        PurgeBatch(urls).purge()


def _never_raises(handler):
    @wraps(handler)
    def wrapper(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except Exception:
            logger.exception("wagtail_clinic: edge-cache purge failed")
            return None

    return wrapper


def _after_commit(func):
    transaction.on_commit(_never_raises(func), robust=True)


def _current(instance):
    """The page as stored now, specific; None if deleted meanwhile."""
    model = instance.specific_class or type(instance)
    return model.objects.filter(pk=instance.pk).first()


def _purge_page_change(instance):
    page = _current(instance)
    if page is None:
        return  # Deleted in the same transaction: the delete purges it.
    # Its own HTML URLs: Wagtail's receivers (check W403 says when missing).
    urls, affected = truncated_change_urls(page, include_own_html=False)
    if affected.truncated:
        # Wagtail's backends have no "purge everything": the first pages
        # and the listings are purged, the rest expire by their max-age.
        logger.info(
            "wagtail_clinic: page %s is shown on %s pages; purged the first %s "
            "and the listings, the others expire with their cache lifetime",
            page.pk,
            affected.total,
            len(affected.pages),
        )
    purge(urls)


@_never_raises
def on_page_changed(sender, instance, **kwargs):
    """``page_published``/``page_unpublished``: purge once the change commits."""
    if configured():
        _after_commit(lambda: _purge_page_change(instance))


@_never_raises
def on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    """``post_page_move``: purge the old and new URLs once the move commits."""
    if url_path_before == url_path_after or not configured():
        return  # Reordering among siblings changes no URL.
    parent_before = kwargs.get("parent_page_before")

    def purge_move():
        page = _current(instance)
        if page is not None:
            purge(move_urls(page, url_path_before, parent_before))

    _after_commit(purge_move)


@_never_raises
def on_pre_delete(sender, instance, **kwargs):
    """``pre_delete`` of a live page: find its URLs now, purge after the commit."""
    if not isinstance(instance, AbstractPage) or not instance.live:
        return
    specific_class = instance.specific_class
    if specific_class is not None and type(instance) is not specific_class:
        return  # Sent once per model of the inheritance chain: take one.
    if not configured():
        return
    # While the page and the references to it still exist; a savepoint
    # keeps the deleting transaction usable should a query fail.
    with transaction.atomic():
        urls = page_change_urls(instance)
    _after_commit(lambda: purge(urls))


def connect_signals():
    """Connect the receivers (called from ``AppConfig.ready``); idempotent."""
    page_published.connect(on_page_changed, dispatch_uid=DISPATCH_UID)
    page_unpublished.connect(on_page_changed, dispatch_uid=DISPATCH_UID)
    post_page_move.connect(on_page_moved, dispatch_uid=DISPATCH_UID)
    pre_delete.connect(on_pre_delete, dispatch_uid=DISPATCH_UID)
