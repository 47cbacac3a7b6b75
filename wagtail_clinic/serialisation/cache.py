"""A cache of the API values of live pages (``WAGTAIL_CLINIC["API_REPRESENTATION_CACHE"]``).

Layer 2 (serialisation): the storage and its system checks. What replaces
the content version on changes (the signal receivers) is
``wagtail_clinic.api.cache_invalidation``, connected in ``AppConfig.ready()``.

On by default when the cache it uses is shared by all processes (Redis,
Memcached, the database or file cache), off with a per-process
``LocMemCache``: see :func:`enabled`.

Building a clinic page's API values is most of the cost of an API detail:
the body's chosen pages become cards with images and renditions, the clinic
is inlined, the structured data walks the breadcrumb trail. Those values
depend only on published content, so they are kept in Django's cache
(``API_REPRESENTATION_CACHE_ALIAS``) and a warm request costs no more
queries than Wagtail's own page lookup.

What is cached: the ``ClinicStreamField`` bodies (``StreamAPIMixin``) and the
page fields of ``wagtail_clinic.models.api_fields`` and ``StructuredDataField``,
per page and field. Wagtail's own part of a response (``meta``, ``title``,
plain model fields) and the page lookup with its visibility checks are never
cached, so an unpublished or private page still answers 404 at once.

Key: the page id and its live revision, the rich text format, the request's
site and origin (API v2 and v3 bodies; v3 page fields have no request and
depend only on the page's own site), the active language and the page's
locale (the clinic's API details activate the page's own language, see
``api.router``), a fingerprint of
the settings the values depend on, and three kinds of version token:

- the **content version**, global, replaced (:func:`invalidate`) by changes
  that can show on any page: an image or document saved or deleted, a
  rendition changed or deleted, a clinic, its opening hours or a therapist
  saved or deleted, clinic settings, sites or view restrictions changed;
- the page's own **page version**, replaced (:func:`invalidate_pages`) when
  the page or a page it shows changes: ``api.cache_invalidation`` bumps the
  page published, unpublished, moved, deleted or saved outside the revision
  workflow, its parent (an index lists its children) and the live pages
  that show it (``locations.showing_page_ids``: the reference index, and
  many-to-many choosers such as a massage type's conditions);
- the **tree version** of each ancestor (keyed by its tree path), replaced
  with the page version of a changed page, because its descendants show its
  title and URL (breadcrumbs, paths).

So one publish replaces a bounded number of tokens; past
:data:`MAX_INVALIDATED_PAGES` it replaces the content version instead.
Tokens are replaced at once and again after the transaction commits, so a
value another process computed in between from data not committed yet is
never reached either. Changes that send no signals (``QuerySet.update()``,
raw SQL) show only once entries expire (``API_REPRESENTATION_CACHE_TIMEOUT``);
call :func:`invalidate` (or :func:`invalidate_pages`) after them.

The rendered HTML of article pages (``serialisation.fragments``) is kept
in the same entries, under the same keys and tokens, so it goes stale
with the API values.

Drafts are never cached or served from the cache: only a page that is live
and was loaded from the database as is (not rebuilt from a revision or a
preview, see :func:`is_cacheable`) uses it, and preview responses mark their
page with :func:`exclude_from_cache` on top.
"""

import contextvars
import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.core import checks
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from wagtail.fields import StreamField
from wagtail.models import Site

from wagtail_clinic import __version__
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.representations import api_request, rich_text_format


logger = logging.getLogger("wagtail_clinic.api")

#: Changes whenever the shape of a cached value changes, so a shared cache
#: never serves values written by another release.
FORMAT_VERSION = 1
VERSION_KEY = "wagtail_clinic:api-values:version"
#: The page version of page ``pk`` and the tree version of a tree path.
PAGE_VERSION_KEY = "wagtail_clinic:api-values:page:{}:version"
TREE_VERSION_KEY = "wagtail_clinic:api-values:tree:{}:version"
#: Above this many pages (and tree paths) in one change, replace the content
#: version instead: one key, whatever the size of the site.
MAX_INVALIDATED_PAGES = 200
_KEY_PREFIX = "wagtail_clinic:api-values"
_STATE_ATTR = "_wagtail_clinic_api_values"
_EXCLUDED_ATTR = "_wagtail_clinic_no_api_cache"
#: The variant of values computed without a request (API v3 page fields).
NO_REQUEST = ("-",)


def enabled():
    """Whether the representation cache is on.

    ``API_REPRESENTATION_CACHE = None`` (the default) turns it on only with
    a cache that all processes share: with a per-process cache
    (``LocMemCache``) a change made in one process (a publish in the admin)
    would not reach the API served by the others until their entries
    expired, and with ``DummyCache`` nothing is kept anyway. ``True`` turns
    it on regardless (right for a single process), ``False`` off.
    """
    setting = clinic_settings.API_REPRESENTATION_CACHE
    if setting is None:
        return _alias_is_shared(clinic_settings.API_REPRESENTATION_CACHE_ALIAS)
    return bool(setting)


@functools.cache
def _alias_is_shared(alias):
    try:
        cache = caches[alias]
    except InvalidCacheBackendError:
        return False  # check_cache_alias() reports it.
    return not isinstance(cache, (LocMemCache, DummyCache))


def _cache():
    return caches[clinic_settings.API_REPRESENTATION_CACHE_ALIAS]


def exclude_from_cache(page):
    """Never read or write cached values for ``page`` (e.g. a preview); returns it."""
    if page is not None:
        setattr(page, _EXCLUDED_ATTR, True)
    return page


def is_cacheable(page):
    """Whether ``page``'s API values may come from (and go to) the cache.

    Only a live page that was loaded from the database unchanged: a page
    rebuilt from a revision (``?version=draft``, revision endpoints) or a
    preview has no database state (Wagtail builds it with
    ``from_serializable_data``), and previews are excluded explicitly too.
    """
    if page is None or not enabled() or getattr(page, _EXCLUDED_ATTR, False):
        return False
    state = getattr(page, "_state", None)
    return bool(
        page.pk
        and getattr(page, "live", False)
        and state is not None
        and state.db is not None
        and not state.adding
    )


def request_variant(request, rich_text_format):
    """The part of the key that depends on the request.

    Values built with a request use its site (default clinic, which page
    URLs are relative) and are kept apart per origin as well, and per kind
    of request: Wagtail picks the request's site for a page under several
    sites only for Django's ``HttpRequest`` (v3), not DRF's ``Request`` (v2).
    """
    if request is None:
        return NO_REQUEST
    site = Site.find_for_request(request)  # Cached on the request.
    try:
        origin = f"{request.scheme}://{request.get_host()}".lower()
    except Exception:  # DisallowedHost: keep such requests apart.
        origin = "?"
    kind = "http" if isinstance(request, HttpRequest) else type(request).__qualname__
    return (rich_text_format, site.pk if site is not None else None, origin, kind)


@functools.cache
def _settings_fingerprint():
    """What else the values depend on: this release and a few settings."""
    return repr(
        (
            FORMAT_VERSION,
            __version__,
            sorted(clinic_settings.RENDITIONS.items()),
            getattr(settings, "WAGTAILADMIN_BASE_URL", None),
            getattr(settings, "WAGTAILAPI_BASE_URL", None),
        )
    )


def settings_changed(*, setting, **kwargs):
    """Forget what was worked out from ``setting`` (a ``setting_changed`` receiver).

    ``api.cache_invalidation.connect_signals()`` connects it.
    """
    if setting in ("WAGTAIL_CLINIC", "WAGTAILADMIN_BASE_URL", "WAGTAILAPI_BASE_URL"):
        _settings_fingerprint.cache_clear()
    if setting == "CACHES":
        _alias_is_shared.cache_clear()


def _tokens(keys):
    """The version tokens stored under ``keys`` (created if missing), in order.

    A token is never reused, so entries written under an evicted token are
    never reached again. If none can be stored (e.g. ``DummyCache``), a
    fresh token makes this request's entries unreachable for any other.
    """
    cache = _cache()
    found = cache.get_many(keys)
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, None)
        found.update(cache.get_many(missing))
    return tuple(found.get(key) or uuid.uuid4().hex for key in keys)


def content_version():
    """The current content version (a random token), created if missing."""
    return _tokens([VERSION_KEY])[0]


def _tree_paths(path, steplen):
    """The tree paths of the ancestors of the page at ``path``."""
    return [path[:end] for end in range(steplen, len(path or ""), steplen)]


def page_versions(page):
    """The tokens an entry of ``page`` is keyed with: content, page, ancestors."""
    steplen = getattr(type(page), "steplen", 4)
    keys = [VERSION_KEY, PAGE_VERSION_KEY.format(page.pk)]
    keys += [
        TREE_VERSION_KEY.format(path)
        for path in _tree_paths(getattr(page, "path", ""), steplen)
    ]
    return _tokens(keys)


def _bump(keys=(VERSION_KEY,)):
    try:
        _cache().set_many({key: uuid.uuid4().hex for key in keys}, None)
    except Exception:
        logger.exception(
            "wagtail_clinic: could not invalidate the API representation cache."
        )


def _bump_now_and_on_commit(keys):
    _bump(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(functools.partial(_bump, keys), robust=True)


def invalidate():
    """Make every cached value stale: now and again after the commit.

    The second bump covers values other processes computed in between from
    data that was not committed yet. Never raises.
    """
    _bump_now_and_on_commit((VERSION_KEY,))


def invalidate_pages(page_ids=(), tree_paths=()):
    """Make the values of some pages stale: now and again after the commit.

    Args:
        page_ids: the pages whose own values changed.
        tree_paths: the tree paths (``Page.path``) of pages whose descendants'
            values changed (they show their ancestors' titles and URLs).

    Replaces at most :data:`MAX_INVALIDATED_PAGES` tokens; beyond that, the
    content version (every value). Never raises.
    """
    keys = list(
        dict.fromkeys(
            [PAGE_VERSION_KEY.format(pk) for pk in page_ids]
            + [TREE_VERSION_KEY.format(path) for path in tree_paths if path]
        )
    )
    if len(keys) > MAX_INVALIDATED_PAGES:
        invalidate()
    elif keys:
        _bump_now_and_on_commit(tuple(keys))


def _entry_key(page, variant, version):
    parts = repr(
        (
            version,
            _settings_fingerprint(),
            page.pk,
            getattr(page, "live_revision_id", None),
            # Labels and formats follow the active language; the page's own
            # locale is part of the key too, so a value is never shared
            # between languages however the request chose its language.
            translation.get_language(),
            getattr(page, "locale_id", None),
            variant,
        )
    )
    return f"{_KEY_PREFIX}:page:{page.pk}:{hashlib.sha256(parts.encode()).hexdigest()}"


_MISSING = object()


def _entry(page, variant):
    """``(key, entry)`` of ``page`` and ``variant``: read once per page instance."""
    state = page.__dict__.setdefault(_STATE_ATTR, {})
    if "version" not in state:
        state["version"] = page_versions(page)
    slot = state.get(variant)
    if slot is None:
        key = _entry_key(page, variant, state["version"])
        slot = state[variant] = (key, _cache().get(key) or {})
    return slot


def _lookup(page, name, variant):
    """The cached value, or ``_MISSING`` (also when the cache fails)."""
    try:
        return _entry(page, variant)[1].get(name, _MISSING)
    except Exception:
        logger.exception("wagtail_clinic: the API representation cache failed.")
        return _MISSING


def _store(page, name, variant, value):
    try:
        key, entry = _entry(page, variant)
        entry[name] = value
        _cache().set(key, entry, clinic_settings.API_REPRESENTATION_CACHE_TIMEOUT)
    except Exception:
        logger.exception("wagtail_clinic: the API representation cache failed.")


def cached_value(page, name, variant, compute):
    """``compute()``, or the value cached for ``name`` of ``page``.

    Args:
        page: the page the value belongs to; nothing is cached unless
            :func:`is_cacheable`.
        name: what the value is, e.g. ``"field:outline"``.
        variant: what else the value depends on (:func:`request_variant`).
        compute: builds the value; called on a miss.

    The values of one page and variant share one cache entry, read once per
    page instance (that is, once per request); a miss adds its value to it.
    A cache that fails is logged and bypassed.
    """
    if not is_cacheable(page):
        return compute()
    value = _lookup(page, name, variant)
    if value is _MISSING:
        value = compute()
        _store(page, name, variant, value)
    return value


def peek(page, name, variant, default=None):
    """The value cached for ``name`` of ``page`` and ``variant``, or ``default``.

    Like :func:`cached_value` without computing anything on a miss (e.g. to
    decide whether a rendered fragment can be reused before preparing it).
    """
    if not is_cacheable(page):
        return default
    value = _lookup(page, name, variant)
    return default if value is _MISSING else value


_VARIANT_KEY = "_wagtail_clinic_cache_variant"


def context_variant(context):
    """:func:`request_variant` for a block or field serialisation context.

    Worked out once per context (one per response in v2 and v3).
    """
    # In v2 DRF's Request, which proxies Django's and caches its own site.
    request = api_request(context)
    if request is None:
        return NO_REQUEST
    variant = context.get(_VARIANT_KEY)
    if variant is None:
        variant = context[_VARIANT_KEY] = request_variant(
            request, rich_text_format(context)
        )
    return variant


def stream_field_name(page, value):
    """The name of the StreamField of ``page`` whose value is ``value``, or None."""
    for field in type(page)._meta.concrete_fields:
        if isinstance(field, StreamField) and page.__dict__.get(field.attname) is value:
            return field.name
    return None


# -- DRF fields --------------------------------------------------------------


class _Cached:
    """A field's cached representation, handed from ``get_attribute`` on."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


#: ``(field, page, attribute)`` between a field's ``get_attribute`` and its
#: ``to_representation``, which DRF (v2) and Wagtail's v3 shim call one right
#: after the other, in the same thread.
_pending = contextvars.ContextVar("wagtail_clinic_pending_attribute", default=None)


class CachedFieldMixin:
    """For a DRF field of a page's ``api_fields``: cache its representation.

    Decorate the field's ``to_representation`` with :func:`cached_representation`.
    For a live page, ``get_attribute`` looks the value up first, so a hit
    does not even read the attribute (a foreign key, say); on a miss it
    notes the page the attribute was read from, and the value is stored
    once computed. Called on its own, ``to_representation`` computes as usual.
    """

    #: Set to False for fields too cheap to be worth a cache entry.
    cache_representation = True

    def get_attribute(self, instance):
        if not self.cache_representation or not is_cacheable(instance):
            return super().get_attribute(instance)
        cached = _lookup(instance, self._cache_name(), context_variant(self.context))
        if cached is not _MISSING:
            return _Cached(cached)
        value = super().get_attribute(instance)
        if value is not None:
            _pending.set((self, instance, value))
        return value

    def _cache_name(self):
        return f"field:{self.field_name}"


def cached_representation(method):
    """Decorate ``to_representation`` of a :class:`CachedFieldMixin` field.

    Keeps the method's signature and return annotation (which API v3 turns
    into the field's type).
    """

    @functools.wraps(method)
    def to_representation(self, value):
        if isinstance(value, _Cached):
            return value.value
        pending = _pending.get()
        if pending is None or pending[0] is not self or pending[2] is not value:
            return method(self, value)
        _pending.set(None)
        representation = method(self, value)
        _store(
            pending[1],
            self._cache_name(),
            context_variant(self.context),
            representation,
        )
        return representation

    return to_representation


# -- System checks ----------------------------------------------------------------


# Registered by ``wagtail_clinic.checks`` (E201 with ``Tags.caches``; I201 and
# W201 with ``Tags.caches, deploy=True``).


def check_cache_alias(app_configs=None, **kwargs):
    """``API_REPRESENTATION_CACHE_ALIAS`` names a configured cache."""
    if clinic_settings.API_REPRESENTATION_CACHE is not None and not enabled():
        return []
    alias = clinic_settings.API_REPRESENTATION_CACHE_ALIAS
    try:
        caches[alias]
    except InvalidCacheBackendError:
        return [
            checks.Error(
                f'WAGTAIL_CLINIC["API_REPRESENTATION_CACHE_ALIAS"] is {alias!r}, '
                "which is not in CACHES.",
                hint='Name a cache of CACHES, or set "API_REPRESENTATION_CACHE": False.',
                id="wagtail_clinic.E201",
            )
        ]
    return []


def check_shared_cache(app_configs=None, **kwargs):
    """Deploy check: the representation cache is not local to one process."""
    if check_cache_alias():
        return []
    alias = clinic_settings.API_REPRESENTATION_CACHE_ALIAS
    if clinic_settings.API_REPRESENTATION_CACHE is None and not enabled():
        return [
            checks.Info(
                f'The API representation cache is off: the "{alias}" cache is '
                "not shared by all processes.",
                hint=(
                    "Use a shared cache (Redis, Memcached, the database or file "
                    'cache) for WAGTAIL_CLINIC["API_REPRESENTATION_CACHE_ALIAS"] '
                    "to make repeated API details about as cheap as a plain "
                    'page\'s, or set "API_REPRESENTATION_CACHE": True if the '
                    "site runs in a single process."
                ),
                id="wagtail_clinic.I201",
            )
        ]
    if not enabled() or not isinstance(caches[alias], LocMemCache):
        return []
    return [
        checks.Warning(
            f'The API representation cache uses the "{alias}" cache, a '
            "LocMemCache: each process has its own, and a change made in one "
            "process (e.g. publishing in the admin) reaches the API served by "
            "others only when their entries expire "
            '(WAGTAIL_CLINIC["API_REPRESENTATION_CACHE_TIMEOUT"]).',
            hint=(
                "Use a cache shared by all processes (Redis, Memcached, the "
                'database cache) for WAGTAIL_CLINIC["API_REPRESENTATION_CACHE_ALIAS"], '
                "or run a single process."
            ),
            id="wagtail_clinic.W201",
        )
    ]
