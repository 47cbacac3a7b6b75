"""Settings for running the example site locally (``manage.py runserver``)."""

import contextlib

import django

from .base import *  # noqa: F403


DEBUG = True

# Not a secret: only ever used on a developer's machine.
SECRET_KEY = "example-project-dev-only-3b7f1c0e-not-for-production-use"

ALLOWED_HOSTS = ["*"]

# Emails (appointment and comment notifications) are printed, not sent.
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
if django.VERSION >= (6, 1):
    # Django 6.1's mailers (EMAIL_BACKEND is deprecated there).
    MAILERS = {"default": {"BACKEND": CONSOLE_EMAIL}}
else:
    EMAIL_BACKEND = CONSOLE_EMAIL


# Machine-specific overrides, never committed.
with contextlib.suppress(ImportError):
    from .local import *  # noqa: F403
