"""Django settings for the wagtail_clinic test suite.

SQLite by default; set DATABASE_ENGINE=postgres (and the libpq-style PG*
variables) to run against PostgreSQL, as scripts/test.sh does.
"""

import os
import tempfile

from pathlib import Path

import django


BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "wagtail-clinic-tests-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = [
    "wagtail_clinic",
    "tests.testapp",
    "wagtail.api.v2",
    "wagtail.api.v3",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # /sitemap.xml (tests/test_sitemaps.py); django.contrib.sitemaps has the template.
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

if os.environ.get("DATABASE_ENGINE") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "wagtail_clinic"),
            "USER": os.environ.get("PGUSER", "wagtail_clinic"),
            "PASSWORD": os.environ.get("PGPASSWORD", "wagtail_clinic"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
        }
    }
else:
    # The test runner uses an in-memory SQLite database; the file name only
    # matters if someone runs management commands against these settings.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "test.sqlite3",
            # What the README recommends (and system check W301 asks for):
            # write transactions take the lock when they begin and wait up to
            # 20 s for it, so concurrent writers queue instead of failing
            # with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}

# Fast (insecure) hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
# Translations on, as a multilingual clinic runs it (issue 16): English and
# French content; tests that need a French tree create its Locale.
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("fr", "French")]
WAGTAIL_I18N_ENABLED = True
USE_TZ = True

# Uploaded files go to a scratch directory; tests/conftest.py additionally
# points MEDIA_ROOT at a per-test tmp_path.
_SCRATCH_DIR = Path(tempfile.gettempdir()) / "wagtail-clinic-tests"
STATIC_URL = "/static/"
STATIC_ROOT = _SCRATCH_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = _SCRATCH_DIR / "media"

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "wagtail-clinic tests"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
    }
}

WAGTAILAPI_BASE_URL = "http://testserver"
WAGTAILAPI_LIMIT_MAX = 50

# Background tasks (webhooks, emails) run inline in tests.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if django.VERSION >= (6, 1):
    # Django 6.1's mailers: without them sending warns (RemovedInDjango2028Warning).
    # Tests read mail.outbox either way (Django substitutes its memory backend).
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
