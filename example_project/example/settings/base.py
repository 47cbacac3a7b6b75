"""Settings shared by every environment of the example site.

This is how a host site installs wagtail-clinic: add ``wagtail_clinic`` (and
Wagtail's ``contrib.settings`` app, which holds the clinic settings) to
``INSTALLED_APPS``, add the settings context processor, include the URLs and
run ``migrate``. Everything else here is the standard Wagtail project template.
"""

import os

from pathlib import Path


PROJECT_DIR = Path(__file__).resolve().parent.parent  # example_project/example
BASE_DIR = PROJECT_DIR.parent  # example_project


INSTALLED_APPS = [
    # Listed before the app so that its templates can override the app's.
    "home",
    # Above every wagtail.* app: it types the API v3 page schemas before
    # they are built (see wagtail_clinic/api/v3.py).
    "wagtail_clinic",
    "wagtail.contrib.settings",
    # Translations: "Translate" in the page and snippet menus copies the
    # English page into French for an editor to translate (see
    # docs/translation.md); wagtail.locales manages the languages.
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # /sitemap.xml (urls.py); django.contrib.sitemaps has its template.
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
    # The JSON APIs: v2 (stable, Django REST framework) and v3 (typed, preview).
    "wagtail.api.v2",
    "wagtail.api.v3",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a page comes from its URL: /fr/... is French, anything
    # else English (i18n_patterns in urls.py). After sessions, before common.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Site-wide templates (404/500 pages). Put overrides of the app's
        # templates here too, e.g. templates/wagtail_clinic/blocks/quote_block.html.
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ settings.wagtail_clinic.ClinicSettings }} in templates.
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "example.wsgi.application"


# Database: SQLite next to manage.py; DATABASE_PATH points elsewhere (tests do).

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DATABASE_PATH", str(BASE_DIR / "db.sqlite3")),
        # Make concurrent writes wait for each other instead of failing with
        # "database is locked" (a 500): Wagtail's autosave racing a publish,
        # two patients sending the booking form at once. IMMEDIATE takes the
        # write lock when a transaction begins, where SQLite can wait for it
        # (a transaction that read first and then writes fails at once,
        # whatever the timeout); "timeout" is how long to wait, in seconds.
        # See the README, "Install into an existing Wagtail site".
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Internationalisation

LANGUAGE_CODE = "en"
TIME_ZONE = "America/Edmonton"
USE_I18N = True
USE_TZ = True

# English and French content: one page tree per language (Wagtail locales),
# French pages served under /fr/ (docs/translation.md). The interface
# languages (LANGUAGES) and the content languages are the same here.
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
]


# Static files and uploads

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"

MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Complex page models can exceed Django's default of 1000 fields in the editor.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# Wagtail

WAGTAIL_SITE_NAME = "Heronstone Massage Therapy"

# Used in links from the admin, e.g. in notification emails. No trailing slash.
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000"
).rstrip("/")

WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
    }
}

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024  # 10 MB

# Wagtail's background tasks run in-process. A site with a task worker sets
# e.g. django_tasks' database backend here instead.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
}


# wagtail-clinic: every key of WAGTAIL_CLINIC is optional (defaults in
# wagtail_clinic/conf.py), e.g.
#
# WAGTAIL_CLINIC = {
#     "INDEX_PAGE_SIZE": 12,
#     "RENDITIONS": {"card": "fill-400x300"},
#     # A headless frontend as the live view (docs/headless.md): "View live"
#     # opens it, previews go to its draft route, Django redirects to it.
#     "HEADLESS_FRONTENDS": {
#         "default": {
#             "url": "http://localhost:3000",
#             "preview_url": "http://localhost:3000/api/draft",
#             "redirect": False,
#         },
#     },
# }
