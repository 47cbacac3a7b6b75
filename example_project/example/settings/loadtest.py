"""Settings for the loopback load test (benchmarks/load_test.sh).

The production settings (DEBUG off, hashed static files, warnings and errors
logged to the console), with only what a plain-HTTP loopback run needs
changed:

* ``SECURE_SSL_REDIRECT`` is off: the load generator speaks HTTP to
  127.0.0.1, as a TLS-terminating proxy in front of gunicorn would.
* ``DATABASE_ENGINE=postgres`` selects PostgreSQL through the libpq-style
  ``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD``/``PGDATABASE`` variables,
  with persistent connections (``CONN_MAX_AGE``, default 60 s) as a
  PostgreSQL deployment would use. Otherwise SQLite at ``DATABASE_PATH``.
* ``STATIC_ROOT`` comes from the environment, so ``collectstatic`` writes to
  the run's temporary directory.
* ``CACHES`` is a file-based cache in ``CACHE_DIR`` (default: a folder in the
  system's temporary directory), shared by the gunicorn workers as Redis or
  Memcached would be in production; so wagtail-clinic's API representation
  cache is on (it stays off with a per-process cache).

Like production, it needs ``DJANGO_SECRET_KEY`` (the load test generates one
per run) and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
import tempfile

from .production import *  # noqa: F403


SECURE_SSL_REDIRECT = False

if os.environ.get("STATIC_ROOT"):
    STATIC_ROOT = os.environ["STATIC_ROOT"]

if os.environ.get("DATABASE_ENGINE") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "wagtail_clinic_load"),
            "USER": os.environ.get("PGUSER", "wagtail_clinic"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    }

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR")
        or os.path.join(tempfile.gettempdir(), "wagtail-clinic-loadtest-cache"),
    }
}
