"""Settings for running the example site locally (``manage.py runserver``)."""

import contextlib

from .base import *  # noqa: F403


DEBUG = True

# Not a secret: only ever used on a developer's machine.
SECRET_KEY = "example-project-dev-only-3b7f1c0e-not-for-production-use"

ALLOWED_HOSTS = ["*"]

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


# Machine-specific overrides, never committed.
with contextlib.suppress(ImportError):
    from .local import *  # noqa: F403
