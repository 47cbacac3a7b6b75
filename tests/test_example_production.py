"""The example's production settings come from the environment and pass ``check --deploy``.

Each test runs ``example_project/manage.py`` in a subprocess with
``example.settings.production`` and the environment a deployment sets
(docs/deploy.md, "Settings"). System checks do not connect to Redis or
Varnish, so none need to run here; scripts/cluster.sh proves them live.
"""

import json
import os
import subprocess
import sys

from pathlib import Path

import pytest


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
