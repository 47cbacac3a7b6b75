"""Settings for deploying the example site.

Required environment: ``DJANGO_SECRET_KEY``. Optional: ``DJANGO_ALLOWED_HOSTS``
(comma-separated; defaults to the host of ``WAGTAILADMIN_BASE_URL``),
``DATABASE_PATH``, ``MEDIA_ROOT``, ``SECURE_HSTS_SECONDS``.

``manage.py check --deploy --settings=example.settings.production`` passes
with these settings.
"""

import contextlib
import os

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import WAGTAILADMIN_BASE_URL


DEBUG = False

try:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured(
        "Set the DJANGO_SECRET_KEY environment variable to a long random value, "
        'e.g. python -c "import secrets; print(secrets.token_urlsafe(50))"'
    ) from exc

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "DJANGO_ALLOWED_HOSTS", urlsplit(WAGTAILADMIN_BASE_URL).hostname or ""
    ).split(",")
    if host.strip()
]

# HTTPS only. If a proxy terminates TLS, also set
# SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https"), and only then.
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Start low (e.g. 3600) on a new domain and raise it once HTTPS works everywhere.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Hashed file names, so browsers never use stale CSS or JavaScript.
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "wagtail": {"handlers": ["console"], "level": "WARNING"},
    },
}


# Machine-specific overrides, never committed.
with contextlib.suppress(ImportError):
    from .local import *  # noqa: F403
