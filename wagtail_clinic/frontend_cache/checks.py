"""Deploy-time system checks: what only bites with several processes (layer 5).

Registered by ``wagtail_clinic.checks.register_all()`` with ``deploy=True``
(``manage.py check --deploy``); see docs/deploy.md "Deploy checks".

=========  ==============================================================
``W401``   a rate limit is on and the default cache is per process
           (``LocMemCache``) or keeps nothing (``DummyCache``)
``I401``   a rate limit is on and the default cache is a file cache
           (shared by the processes of one machine only)
``I402``   the default cache is Django's plain ``RedisCache``: a Redis
           outage fails every page (use ``cache_backends.RedisCache``)
``W402``   the default task backend runs tasks inside the request
           (``ImmediateBackend``) while ``DEBUG`` is off
``W403``   ``WAGTAILFRONTENDCACHE`` is set, ``wagtail.contrib.frontend_cache``
           is not installed
``W404``   ``wagtail.contrib.frontend_cache`` is installed with no backend
=========  ==============================================================
"""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.cache import DEFAULT_CACHE_ALIAS, InvalidCacheBackendError, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.exceptions import ImproperlyConfigured

from wagtail_clinic.cache_backends import RedisCache
from wagtail_clinic.frontend_cache.paths import configured
from wagtail_clinic.public_input.ratelimit import parse_rate_setting


__all__ = [
    "RATE_SETTINGS",
    "check_cache_outage",
    "check_frontend_cache",
    "check_rate_limit_cache",
    "check_task_backend",
]

#: The ``WAGTAIL_CLINIC`` rate limits counted in the default cache.
RATE_SETTINGS = ("APPOINTMENT_RATE_LIMIT", "COMMENTS_RATE_LIMIT")

#: Wagtail's app that purges a page when it is published or unpublished.
FRONTEND_CACHE_APP = "wagtail.contrib.frontend_cache"

#: The immediate backends of django-tasks and of Django's own tasks.
IMMEDIATE_BACKENDS = frozenset(
    {
        "django_tasks.backends.immediate.ImmediateBackend",
        "django.tasks.backends.immediate.ImmediateBackend",
    }
)


def _rate_limits_on():
    names = []
    for name in RATE_SETTINGS:
        try:
            if parse_rate_setting(name) is not None:
                names.append(name)
        except ImproperlyConfigured:
            continue  # Reported when a form is used; not a cache question.
    return names


def check_rate_limit_cache(app_configs=None, **kwargs):
    """W401/I401: the rate limits count in a cache all processes share."""
    names = _rate_limits_on()
    if not names:
        return []
    try:
        cache = caches[DEFAULT_CACHE_ALIAS]
    except InvalidCacheBackendError:
        return []  # Django reports a missing default cache itself.
    limits = " and ".join(f'WAGTAIL_CLINIC["{name}"]' for name in names)
    hint = (
        "Point CACHES['default'] at a cache all web processes share (Redis: "
        "django.core.cache.backends.redis.RedisCache, or Memcached), or run "
        "a single process."
    )
    per_process = {
        DummyCache: "a DummyCache, which keeps nothing: the limits are never reached.",
        LocMemCache: (
            "a LocMemCache: each process counts on its own, so N web processes "
            "allow N times the limit."
        ),
    }
    for backend, problem in per_process.items():
        if isinstance(cache, backend):
            return [
                checks.Warning(
                    f"{limits} count requests in the default cache, {problem}",
                    hint=hint,
                    id="wagtail_clinic.W401",
                )
            ]
    if isinstance(cache, FileBasedCache):
        return [
            checks.Info(
                f"{limits} count requests in the default cache, a file cache: "
                "shared by the processes of this machine only.",
                hint="With web processes on several machines, use Redis or Memcached.",
                id="wagtail_clinic.I401",
            )
        ]
    return []


def check_cache_outage(app_configs=None, **kwargs):
    """I402: a Redis outage is a cache miss, not a failed page."""
    try:
        cache = caches[DEFAULT_CACHE_ALIAS]
    except InvalidCacheBackendError:
        return []
    if not isinstance(cache, DjangoRedisCache) or isinstance(cache, RedisCache):
        return []
    return [
        checks.Info(
            "The default cache is django.core.cache.backends.redis.RedisCache, "
            "which raises while Redis is down: Wagtail reads the default cache "
            "on every page, so every page and API request fails until Redis "
            "is back.",
            hint=(
                'Use "wagtail_clinic.cache_backends.RedisCache" (the same '
                "backend, whose reads and writes miss while Redis is down)."
            ),
            id="wagtail_clinic.I402",
        )
    ]


def _default_task_backend():
    tasks = getattr(settings, "TASKS", None) or {}
    default = tasks.get("default")
    if default is None:
        # django-tasks' own default when TASKS is not set.
        return "django_tasks.backends.immediate.ImmediateBackend"
    return default.get("BACKEND", "")


def check_task_backend(app_configs=None, **kwargs):
    """W402: tasks (webhooks, emails, purges) do not run inside requests."""
    backend = _default_task_backend()
    if settings.DEBUG or backend not in IMMEDIATE_BACKENDS:
        return []
    return [
        checks.Warning(
            f"The default task backend is {backend.rsplit('.', 1)[-1]} with "
            "DEBUG off: publish webhooks (with their retries), notification "
            "emails and edge-cache purges run inside the editor's publish "
            "request and the patient's form post.",
            hint=(
                "Use a backend with a worker, e.g. django-tasks-db's "
                "django_tasks_db.DatabaseBackend and run `manage.py db_worker` "
                "(see docs/deploy.md)."
            ),
            id="wagtail_clinic.W402",
        )
    ]


def check_frontend_cache(app_configs=None, **kwargs):
    """W403/W404: an edge cache and its purge are configured together."""
    installed = apps.is_installed(FRONTEND_CACHE_APP)
    if configured() and not installed:
        return [
            checks.Warning(
                f"WAGTAILFRONTENDCACHE is set but {FRONTEND_CACHE_APP} is not in "
                "INSTALLED_APPS: publishing or unpublishing a page does not "
                "purge its own URLs from the edge cache (wagtail-clinic purges "
                "only the API and the pages that show it).",
                hint=f'Add "{FRONTEND_CACHE_APP}" to INSTALLED_APPS.',
                id="wagtail_clinic.W403",
            )
        ]
    if installed and not configured():
        return [
            checks.Warning(
                f"{FRONTEND_CACHE_APP} is installed but WAGTAILFRONTENDCACHE "
                "names no backend: nothing is purged when pages change.",
                hint=(
                    "Configure WAGTAILFRONTENDCACHE (e.g. the HTTPBackend for "
                    "Varnish, see docs/deploy.md), or remove the app if no edge "
                    "cache stores the pages."
                ),
                id="wagtail_clinic.W404",
            )
        ]
    return []
