"""Outgoing email from one URL (``DJANGO_EMAIL_URL``), for the production settings.

``smtp://user:password@mail.example:25``   plain SMTP (port 25 by default)
``smtp+tls://user:password@mail.example``  SMTP with STARTTLS (port 587)
``smtps://user:password@mail.example``     SMTP over TLS (port 465)
``console://``                             printed, not sent (trials)

The user name and password are percent-encoded (``clinic%40mail.example``
for ``clinic@mail.example``). On Django 6.1 and later the result is the
``"default"`` entry of ``MAILERS``; before, the ``EMAIL_*`` settings.
"""

from urllib.parse import unquote, urlsplit

import django

from django.core.exceptions import ImproperlyConfigured


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

#: scheme: (default port, STARTTLS, implicit TLS)
SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "smtps": (465, False, True),
}

#: Seconds before a silent mail server fails the sending task (not the worker).
TIMEOUT = 10


def _invalid(problem):
    # The URL may hold a password: name the variable and the problem only.
    return ImproperlyConfigured(
        f"DJANGO_EMAIL_URL: {problem}. Use smtp://, smtp+tls:// or smtps://"
        "[user:password@]host[:port], or console://."
    )


def mailer(url):
    """The ``MAILERS`` entry (``BACKEND`` and ``OPTIONS``) that ``url`` names."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"BACKEND": CONSOLE_BACKEND, "OPTIONS": {}}
    if scheme not in SMTP_SCHEMES:
        raise _invalid(f"unknown scheme {scheme!r}" if scheme else "no scheme")
    try:
        port = parts.port
    except ValueError:
        raise _invalid("the port is not a number from 0 to 65535") from None
    if not parts.hostname:
        raise _invalid("no host name")
    default_port, use_tls, use_ssl = SMTP_SCHEMES[scheme]
    return {
        "BACKEND": SMTP_BACKEND,
        "OPTIONS": {
            "host": parts.hostname,
            "port": port or default_port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": TIMEOUT,
        },
    }


def email_settings(url):
    """The settings (a dict to merge into the settings module) for ``url``."""
    entry = mailer(url)
    if django.VERSION >= (6, 1):
        return {"MAILERS": {"default": entry}}
    options = entry["OPTIONS"]
    settings = {"EMAIL_BACKEND": entry["BACKEND"]}
    if entry["BACKEND"] == SMTP_BACKEND:
        settings.update(
            EMAIL_HOST=options["host"],
            EMAIL_PORT=options["port"],
            EMAIL_HOST_USER=options["username"],
            EMAIL_HOST_PASSWORD=options["password"],
            EMAIL_USE_TLS=options["use_tls"],
            EMAIL_USE_SSL=options["use_ssl"],
            EMAIL_TIMEOUT=options["timeout"],
        )
    return settings
