"""The test settings plus wagtail-localize, for tests/localize/ only.

Run as its own pytest invocation (scripts/test.sh does, after the SQLite run)::

    DJANGO_SETTINGS_MODULE=tests.settings_localize .venv/bin/python -m pytest tests/localize

The rest of the suite keeps ``tests.settings`` (no wagtail-localize): its
apps add tables and admin views that nothing else should depend on. French
pages are served under /fr/ (``i18n_patterns``, LocaleMiddleware), as on the
example site. Without wagtail-localize installed these are ``tests.settings``
unchanged and ``WAGTAIL_LOCALIZE_INSTALLED`` is False: the tests skip, saying so.
"""

import importlib.util

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS, MIDDLEWARE


WAGTAIL_LOCALIZE_INSTALLED = importlib.util.find_spec("wagtail_localize") is not None

if WAGTAIL_LOCALIZE_INSTALLED:
    INSTALLED_APPS = [
        *INSTALLED_APPS,
        # wagtail_localize.locales replaces wagtail.locales (not installed
        # in tests.settings): the same Locale admin, plus synchronisation.
        "wagtail_localize",
        "wagtail_localize.locales",
    ]
    MIDDLEWARE = [*MIDDLEWARE]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
        "django.middleware.locale.LocaleMiddleware",
    )
    ROOT_URLCONF = "tests.localize.urls"
