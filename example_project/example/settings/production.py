"""Settings for deploying the example site, read from the environment.

Required: ``DJANGO_SECRET_KEY``. Everything else is optional and falls back
as documented in docs/deploy.md, "Settings":

``DATABASE_URL``
    e.g. ``postgres://user:password@127.0.0.1:5432/clinic`` (dj-database-url).
    Unset: the demo's SQLite file (``DATABASE_PATH``, see base.py). A
    ``sqlite://`` URL keeps base.py's IMMEDIATE/timeout options.
``REDIS_URL``
    e.g. ``redis://127.0.0.1:6379/0``: Django's RedisCache (as
    ``wagtail_clinic.cache_backends.RedisCache``, which serves pages without
    it while it is down), shared by every process (the rate limits and the
    API representation cache need that).
    Unset: a per-process LocMemCache, which ``check --deploy`` warns about.
``DJANGO_TASKS_BACKEND``
    ``database`` (default): django-tasks-db; run ``manage.py db_worker``.
    ``immediate``: tasks run inside the request (a single process without a
    worker; ``check --deploy`` warns about it).
``FRONTEND_CACHE_URL``
    e.g. ``http://127.0.0.1:6081``: Varnish (or any cache answering HTTP
    PURGE) in front of the site, purged on publish. Unset: no purging.
``DJANGO_ALLOWED_HOSTS``
    Comma-separated; defaults to the host of ``WAGTAILADMIN_BASE_URL``.
``DJANGO_SECURE_SSL_REDIRECT``
    ``1`` (default) redirects HTTP to HTTPS and marks cookies Secure; ``0``
    only for plain-HTTP loopback runs such as scripts/cluster.sh.
``DJANGO_SECURE_PROXY_SSL_HEADER``
    ``1`` when a TLS-terminating proxy sets ``X-Forwarded-Proto`` (and
    strips it from clients); unset otherwise.
``DJANGO_EMAIL_URL``
    Outgoing email (appointment and comment notifications), e.g.
    ``smtp+tls://user:password@mail.example`` (see example/email_url.py).
    Unset: an SMTP server on this machine, port 25 (Django's default).
``DJANGO_DEFAULT_FROM_EMAIL``
    The notifications' sender (and the error reports'); unset: Django's
    ``webmaster@localhost``.
``SECURE_HSTS_SECONDS``, ``MEDIA_ROOT``, ``DJANGO_LOG_LEVEL``.

``manage.py check --deploy --settings=example.settings.production`` passes
with ``DJANGO_SECRET_KEY``, ``REDIS_URL`` and the default task backend set.
"""

import contextlib
import os

from urllib.parse import urlsplit

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

from example.email_url import email_settings

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, STORAGES, WAGTAILADMIN_BASE_URL


def env_flag(name, default):
    """The boolean environment variable ``name`` ("1"/"true"/"yes" are true)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY.strip():
    raise ImproperlyConfigured(
        "Set the DJANGO_SECRET_KEY environment variable to a long random value, "
        'e.g. python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "DJANGO_ALLOWED_HOSTS", urlsplit(WAGTAILADMIN_BASE_URL).hostname or ""
    ).split(",")
    if host.strip()
]


# Database: PostgreSQL in production, from DATABASE_URL; the demo's SQLite
# file (base.py) when it is unset.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            # Reuse connections across requests, checking them first so a
            # restarted database server costs one failed check, not a 500.
            conn_max_age=600,
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite keeps base.py's IMMEDIATE/timeout options (no "database is
        # locked" 500s) and needs no persistent connections.
        DATABASES["default"]["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0


# Cache: Redis shared by every process, or LocMem (per process) without it.
# wagtail_clinic's RedisCache is Django's built-in one (the `redis` client)
# except that an unreachable Redis is a cache miss instead of a 500.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "wagtail_clinic.cache_backends.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "clinic",
            # Fail fast when Redis is down: a cache error must cost a page
            # milliseconds, not the worker's timeout (docs/deploy.md).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


# Background tasks (publish webhooks, notification emails): a database queue
# drained by `manage.py db_worker`, unless DJANGO_TASKS_BACKEND=immediate.
if os.environ.get("DJANGO_TASKS_BACKEND", "database").strip().lower() == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# Outgoing email (notifications, sent by the task worker): DJANGO_EMAIL_URL,
# else an SMTP server on this machine; Django 6.1's MAILERS where it has them,
# the EMAIL_* settings before (example/email_url.py).
globals().update(
    email_settings(os.environ.get("DJANGO_EMAIL_URL", "").strip() or "smtp://localhost")
)
if os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "").strip():
    DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ["DJANGO_DEFAULT_FROM_EMAIL"].strip()


# Edge cache: Varnish purged over HTTP (PURGE requests) when pages change.
if os.environ.get("FRONTEND_CACHE_URL"):
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"].rstrip("/"),
        }
    }


# HTTPS only, unless DJANGO_SECURE_SSL_REDIRECT=0 (plain-HTTP loopback runs).
_https = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
if env_flag("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that terminates TLS and overwrites this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Start low (e.g. 3600) on a new domain and raise it once HTTPS works everywhere.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True


# Static files: served by WhiteNoise from the app processes (run
# `manage.py collectstatic` at deploy), compressed, with hashed names so
# browsers and caches never use stale CSS or JavaScript.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# Pages cacheable at the edge: anonymous comment/appointment form posts are
# checked by Origin instead of a per-visitor CSRF token (docs/deploy.md,
# "Caching pages at the edge"). Before sessions and CSRF.
_edge_forms = "wagtail_clinic.edge.middleware.EdgeFormsMiddleware"
if _edge_forms not in MIDDLEWARE:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        _edge_forms,
    )
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        name: {
            "handlers": ["console"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
        }
        for name in ("django", "wagtail", "wagtail_clinic")
    },
}


# Machine-specific overrides, never committed.
with contextlib.suppress(ImportError):
    from .local import *  # noqa: F403
