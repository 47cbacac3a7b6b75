"""Keep the API representation cache fresh: signal receivers (layer 6).

Whenever something a cached API value can show changes, a version token of
``wagtail_clinic.serialisation.cache`` is replaced. A page published,
unpublished, moved, deleted or saved outside the revision workflow replaces
only the tokens of the pages that show it (:func:`invalidate_page`:
``invalidate_pages()``); images, documents, renditions, clinics, opening
hours, therapists, clinic settings, sites and view restrictions replace the
global content version (``invalidate()``): the default clinic is shown on
every page, and an image or a therapist reaches pages through the cards of
other pages, further than one reference index lookup sees.
``connect_signals()`` is called by ``AppConfig.ready()``.
"""

import functools
import logging

import swapper

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import AbstractPage, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from wagtail_clinic.models import Clinic, ClinicSettings, OpeningHours, Therapist
from wagtail_clinic.serialisation import cache
from wagtail_clinic.serialisation.locations import showing_page_ids
from wagtail_clinic.serialisation.translations import i18n_enabled


logger = logging.getLogger("wagtail_clinic.api")

#: Page fields Wagtail saves for drafts, locks and comments: saving only
#: these leaves the live page as it was.
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",
        "comments",
    }
)


@functools.cache
def _watched_models():
    """Models whose changes can show in a page's API values."""
    watched = [
        AbstractImage,
        AbstractRendition,
        Clinic,
        ClinicSettings,
        OpeningHours,
        PageViewRestriction,
        Site,
        Therapist,
    ]
    try:
        from wagtail.documents.models import AbstractDocument
    except ImportError:  # pragma: no cover - wagtail.documents is optional.
        pass
    else:
        watched.append(AbstractDocument)
    return tuple(watched)


def _is_default_site_setting(instance):
    if not isinstance(instance, BaseSiteSetting):
        return False
    return all(
        field.value_from_object(instance) == field.get_default()
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name != "site"
    )


def _is_page(instance):
    return isinstance(instance, AbstractPage)


def invalidate_page(page, *others):
    """Replace the tokens of ``page``, its descendants and the pages showing it.

    ``others``: pages whose own values changed with it (a moved page's old
    parent, which listed it).
    Costs one query per kind of page showing it (``showing_page_ids``), one
    for its translations (their details list it: ``translation_ids``) and
    one cache write of at most ``cache.MAX_INVALIDATED_PAGES`` keys, however
    large the site; past that, the content version is replaced instead.
    With the cache off, only the content version is replaced (no query).
    Never raises.
    """
    if not cache.enabled():
        cache.invalidate()
        return
    limit = cache.MAX_INVALIDATED_PAGES
    page_ids = {page.pk, *(other.pk for other in others if other is not None)}
    try:
        page_ids |= showing_page_ids(page, limit)
        page_ids |= translation_ids(page)
    except Exception:
        logger.exception("wagtail_clinic: could not find the pages showing a page.")
        cache.invalidate()
        return
    cache.invalidate_pages(page_ids, [page.path])


def translation_ids(page):
    """The ids of ``page``'s translations (their details list it), one query;
    none with ``WAGTAIL_I18N_ENABLED`` off."""
    if not i18n_enabled() or not getattr(page, "translation_key", None):
        return set()
    page_model = swapper.load_model("wagtailcore", "Page")
    return set(
        page_model.objects.filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .values_list("pk", flat=True)
    )


def on_page_change(sender, instance, **kwargs):
    """Published or unpublished."""
    invalidate_page(instance)


def on_page_moved(sender, instance, parent_page_before=None, **kwargs):
    """Moved: the page and its descendants, both parents, the pages showing it."""
    # The tree path after the move (the instance may hold the old one).
    instance.path = (
        type(instance).objects.values_list("path", flat=True).get(pk=instance.pk)
    )
    invalidate_page(instance, parent_page_before)


def on_model_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """Saved: a page (unless only its draft fields), or a watched model."""
    if _is_page(instance):
        if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
            return  # A draft saved: the live page did not change.
        invalidate_page(instance)
    elif created and _is_default_site_setting(instance):
        # Wagtail creates a site's settings row, with the defaults, the first
        # time they are read: the same values as no row at all.
        return
    elif isinstance(instance, AbstractRendition):
        # A new rendition changes no cached value: a value naming an image
        # was computed with all its renditions, creating missing ones. (And
        # Wagtail creates several at once with bulk_create, which sends no
        # signal anyway.) A changed one may have a new file.
        if not created:
            cache.invalidate()
    elif isinstance(instance, _watched_models()):
        cache.invalidate()


def on_page_deleting(sender, instance, **kwargs):
    """A page about to be deleted: while the reference index still lists its referrers."""
    if _is_page(instance):
        invalidate_page(instance)


def on_model_deleted(sender, instance, **kwargs):
    """Deleted: a watched model."""
    if isinstance(instance, _watched_models()):
        cache.invalidate()


def connect_signals():
    """Invalidate the cache on every change a cached value can show.

    Called by ``AppConfig.ready()``, after the webhooks' receivers;
    connecting twice is harmless. ``post_save``/``post_delete`` are
    connected for all senders (with an ``isinstance`` test), because custom
    image and rendition models are only known once every app is loaded.
    Also forgets what the cache worked out from settings when tests
    override them.
    """
    uid = "wagtail_clinic.api.representation_cache"
    setting_changed.connect(cache.settings_changed, dispatch_uid=uid)
    page_published.connect(on_page_change, dispatch_uid=uid)
    page_unpublished.connect(on_page_change, dispatch_uid=uid)
    post_page_move.connect(on_page_moved, dispatch_uid=uid)
    post_save.connect(on_model_saved, dispatch_uid=uid)
    pre_delete.connect(on_page_deleting, dispatch_uid=uid)
    post_delete.connect(on_model_deleted, dispatch_uid=uid)
