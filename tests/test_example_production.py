"""The example's production settings come from the environment and pass ``check --deploy``.

Each test runs ``example_project/manage.py`` in a subprocess with
``example.settings.production`` and the environment a deployment sets
(docs/deploy.md, "Settings"). System checks do not connect to Redis or
Varnish, so none need to run here; scripts/cluster.sh proves them live.
"""

import importlib.util
import json
import os
import socketserver
import subprocess
import sys
import threading

from pathlib import Path

import pytest

from django.core.exceptions import ImproperlyConfigured


pytest.importorskip("dj_database_url", reason='needs the "production" extra')
pytest.importorskip("django_tasks_db", reason='needs the "production" extra')
pytest.importorskip("whitenoise", reason='needs the "production" extra')

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "example_project"

# Run inside the example site by `manage.py shell`; prints one line of JSON.
SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "tasks": settings.TASKS["default"]["BACKEND"],
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "middleware": settings.MIDDLEWARE,
    "apps": settings.INSTALLED_APPS,
    "frontend_cache": getattr(settings, "WAGTAILFRONTENDCACHE", None),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "debug": settings.DEBUG,
    "mailer": (
        {"backend": settings.MAILERS["default"]["BACKEND"],
         **settings.MAILERS["default"].get("OPTIONS", {})}
        if getattr(settings, "MAILERS", None)
        else {"backend": settings.EMAIL_BACKEND, "host": settings.EMAIL_HOST,
              "port": settings.EMAIL_PORT, "username": settings.EMAIL_HOST_USER,
              "password": settings.EMAIL_HOST_PASSWORD,
              "use_tls": settings.EMAIL_USE_TLS, "use_ssl": settings.EMAIL_USE_SSL,
              "timeout": settings.EMAIL_TIMEOUT}
    ),
    "from_email": settings.DEFAULT_FROM_EMAIL,
}))
"""


def manage(tmp_path, *args, **env):
    """Run manage.py with the production settings and ``env`` on top of a clean one."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "FRONTEND_"))
    }
    base.update(
        DJANGO_SETTINGS_MODULE="example.settings.production",
        DJANGO_SECRET_KEY="x" * 30 + "production-settings-test-" + "y" * 30,
        DATABASE_PATH=str(tmp_path / "unused.sqlite3"),
        PYTHONPATH=str(EXAMPLE_PROJECT),
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_PROJECT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_json(tmp_path, **env):
    """The resolved settings under ``env``, as SHOW_SETTINGS prints them."""
    result = manage(tmp_path, "shell", "-c", SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


FULL_ENV = {
    "DATABASE_URL": "",  # set per test
    "REDIS_URL": "redis://127.0.0.1:6399/2",
    "FRONTEND_CACHE_URL": "http://127.0.0.1:6089/",
    "DJANGO_ALLOWED_HOSTS": "clinic.example, www.clinic.example",
}


def test_check_deploy_passes_with_the_environment_set(tmp_path):
    env = {**FULL_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_resolve_from_the_environment(tmp_path):
    db = tmp_path / "site.sqlite3"
    found = settings_json(tmp_path, **{**FULL_ENV, "DATABASE_URL": f"sqlite:///{db}"})
    assert found["debug"] is False
    # Django's RedisCache, tolerating a Redis outage.
    assert found["cache"] == "wagtail_clinic.cache_backends.RedisCache"
    assert found["cache_location"] == "redis://127.0.0.1:6399/2"
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in found["apps"]
    assert found["db_engine"] == "django.db.backends.sqlite3"
    assert found["db_name"] == str(db)
    # A sqlite URL keeps base.py's options against "database is locked".
    assert found["db_options"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    assert found["staticfiles"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    security = found["middleware"].index(
        "django.middleware.security.SecurityMiddleware"
    )
    assert found["middleware"][security + 1] == (
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )
    # Edge-cacheable pages: anonymous form posts checked by Origin.
    edge = found["middleware"].index(
        "wagtail_clinic.edge.middleware.EdgeFormsMiddleware"
    )
    assert edge < found["middleware"].index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    assert "wagtail.contrib.frontend_cache" in found["apps"]
    assert found["frontend_cache"] == {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:6089",
        }
    }
    assert found["ssl_redirect"] is True
    assert found["allowed_hosts"] == ["clinic.example", "www.clinic.example"]
    # No DJANGO_EMAIL_URL: an SMTP server on this machine (Django's default).
    assert found["mailer"] == smtp_mailer("localhost", 25)


def test_postgres_url(tmp_path):
    found = settings_json(
        tmp_path, DATABASE_URL="postgres://clinic:secret@127.0.0.1:5432/clinic"
    )
    assert found["db_engine"] == "django.db.backends.postgresql"
    assert found["db_name"] == "clinic"
    assert "transaction_mode" not in found["db_options"]


def test_fallbacks_without_the_optional_variables(tmp_path):
    found = settings_json(tmp_path)
    # The demo's SQLite file, a per-process cache, no edge cache to purge.
    assert found["db_engine"] == "django.db.backends.sqlite3"
    assert found["db_name"] == str(tmp_path / "unused.sqlite3")
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["frontend_cache"] is None
    assert "wagtail.contrib.frontend_cache" not in found["apps"]
    # Tasks still go to the database queue unless told otherwise.
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert found["allowed_hosts"] == ["127.0.0.1"]


def test_immediate_tasks_and_plain_http_on_request(tmp_path):
    found = settings_json(
        tmp_path, DJANGO_TASKS_BACKEND="immediate", DJANGO_SECURE_SSL_REDIRECT="0"
    )
    assert found["tasks"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert "django_tasks_db" not in found["apps"]
    assert found["ssl_redirect"] is False


def test_missing_secret_key_is_named(tmp_path):
    result = manage(tmp_path, "check", DJANGO_SECRET_KEY="")
    # An empty key is as bad as none.
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# Outgoing email: DJANGO_EMAIL_URL ------------------------------------------------

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def load_email_url():
    """example/email_url.py, imported from its file (Django and the
    standard library only: no settings needed)."""
    spec = importlib.util.spec_from_file_location(
        "example_email_url", EXAMPLE_PROJECT / "example" / "email_url.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def smtp_mailer(host, port, username="", password="", use_tls=False, use_ssl=False):
    return {
        "backend": SMTP,
        "host": host,
        "port": port,
        "username": username,
        "password": password,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": 10,
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://localhost", smtp_mailer("localhost", 25)),
        ("smtp://mail.example", smtp_mailer("mail.example", 25)),
        (
            "smtp+tls://clinic%40mail.example:s%3Acret@mail.example",
            smtp_mailer(
                "mail.example", 587, "clinic@mail.example", "s:cret", use_tls=True
            ),
        ),
        (
            "smtps://u:p@mail.example:2465",
            smtp_mailer("mail.example", 2465, "u", "p", use_ssl=True),
        ),
        (" console:// ", {"backend": CONSOLE}),
    ],
)
def test_the_email_url_names_the_mail_server(url, expected):
    entry = load_email_url().mailer(url)
    assert {"backend": entry["BACKEND"], **entry["OPTIONS"]} == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://user:hunter2@mail.example", "unknown scheme 'http'"),
        ("mail.example", "no scheme"),
        ("smtp://user:hunter2@mail.example:99999", "the port is not a number"),
        ("smtp://user:hunter2@:25", "no host name"),
    ],
)
def test_a_malformed_email_url_is_refused_without_its_password(url, problem):
    with pytest.raises(ImproperlyConfigured) as refused:
        load_email_url().mailer(url)
    assert str(refused.value).startswith(f"DJANGO_EMAIL_URL: {problem}")
    assert "hunter2" not in str(refused.value)


def test_the_production_settings_use_the_email_url(tmp_path):
    # Unset: an SMTP server on this machine (test_settings_resolve_... ).
    found = settings_json(
        tmp_path,
        DJANGO_EMAIL_URL="smtp+tls://u%40m.example:pw@mail.example",
        DJANGO_DEFAULT_FROM_EMAIL="Clinic <clinic@example.com>",
    )
    assert found["mailer"] == smtp_mailer(
        "mail.example", 587, "u@m.example", "pw", use_tls=True
    )
    assert found["from_email"] == "Clinic <clinic@example.com>"
    # A malformed one stops the settings, naming the problem, not the password.
    result = manage(tmp_path, "check", DJANGO_EMAIL_URL="smtp://u:hunter2@:25")
    assert result.returncode != 0
    assert "DJANGO_EMAIL_URL: no host name" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: every message is kept."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 test.example ESMTP")
        envelope, data = {"to": []}, None
        for raw in self.rfile:
            if data is not None:
                if raw.rstrip(b"\r\n") == b".":
                    self.server.messages.append({**envelope, "data": b"".join(data)})
                    envelope, data = {"to": []}, None
                    self.reply("250 queued")
                else:
                    data.append(raw)
                continue
            command = raw.decode().strip()
            verb = command[:4].upper()
            if verb == "MAIL":
                envelope["from"] = command.split(":", 1)[1].strip(" <>")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip(" <>"))
            elif verb == "DATA":
                self.reply("354 end with a dot")
                data = []
                continue
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            self.reply("250 test.example")


def test_mail_goes_through_the_smtp_server_the_url_names(tmp_path):
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler) as server:
        server.messages = []
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            port = server.server_address[1]
            result = manage(
                tmp_path,
                "sendtestemail",
                "reception@clinic.example",
                DJANGO_EMAIL_URL=f"smtp://127.0.0.1:{port}",
                DJANGO_DEFAULT_FROM_EMAIL="clinic@clinic.example",
            )
        finally:
            server.shutdown()
    assert result.returncode == 0, result.stderr
    (message,) = server.messages
    assert message["from"] == "clinic@clinic.example"
    assert message["to"] == ["reception@clinic.example"]
    assert b"Subject: Test email from" in message["data"]
