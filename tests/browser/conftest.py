"""Fixtures for the browser tests: Debian's Chromium driven by Playwright.

Every test in this package gets the ``browser`` marker, so a developer without
Chromium can skip them with ``pytest -m "not browser"``. When Chromium or
Playwright is missing the tests skip, unless ``WAGTAIL_CLINIC_REQUIRE_BROWSER=1``
(set by ``scripts/test.sh`` and therefore by CI), where they fail instead: a
green CI run always includes them.

The pages are served by pytest-django's ``live_server`` (the test database,
static files included). When a test fails, a full-page screenshot and the
page's HTML are kept under ``test-artifacts/browser/``.
"""

import os
import re
import shutil
import sys
import threading

from pathlib import Path

import pytest


# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Where failure screenshots and HTML go (gitignored; CI keeps the folder).
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

#: Flags for Debian's Chromium on a machine without network access (see
#: shared machine recipes): without the background-networking ones Chromium
#: keeps retrying blocked connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Default timeout for every Playwright action and expectation, in ms.
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item, for the screenshot fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _restore_migrated_rows(django_db_serialized_rollback):
    """Put back the rows migrations created (root page, default site, groups).

    ``live_server`` needs a transactional database, which is flushed after
    each test: without a serialized rollback the next test would find no
    root page, default site or Wagtail's "Editors" group.
    """


def _keep_serialized_rows(connection_objects):
    """Give Django's new connection objects the serialized rows of the old ones.

    Playwright's greenlets give the test a new context, and with it new
    Django connection objects; Django keeps the rows for serialized rollback
    on the connection objects made when the test database was created.
    """
    from django.db import connections

    for alias, old in connection_objects.items():
        rows = getattr(old, "_test_serialized_contents", None)
        if rows is not None and connections[alias] is not old:
            connections[alias]._test_serialized_contents = rows


def _say(message):
    # Past pytest's output capture, so CI logs show where the artefacts are.
    sys.__stderr__.write(f"\n{message}\n")


def _unavailable(reason):
    if os.environ.get("WAGTAIL_CLINIC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (WAGTAIL_CLINIC_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable():
    """Path of the Chromium binary (``WAGTAIL_CLINIC_CHROMIUM`` overrides it)."""
    path = os.environ.get("WAGTAIL_CLINIC_CHROMIUM") or shutil.which("chromium")
    if not path:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable, django_db_setup):
    """One headless Chromium for the whole session."""
    from django.db import connections

    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[testing]')")
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        _keep_serialized_rows(before)
        expect.set_options(timeout=TIMEOUT_MS)
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def one_request_at_a_time(live_server):
    """Make the live server handle one request at a time.

    Pages send requests in the background (the admin's autosave, editing
    session pings and preview refreshes; images and stylesheets). On SQLite
    the live server's threads share one in-memory database connection, so
    two requests at once can break each other's transactions ("no such
    savepoint"). One at a time, each test runs the same way every time and
    on every database; the load test (benchmarks/) covers concurrency.
    """
    server = live_server.thread.httpd
    app = server.get_app()
    lock = threading.Lock()

    def serve_alone(environ, start_response):
        with lock:
            return app(environ, start_response)

    server.set_app(serve_alone)
    yield
    server.set_app(app)


@pytest.fixture
def page(request, browser, live_server, one_request_at_a_time):
    """A fresh browser tab (own cookies) whose relative URLs hit the live server.

    On failure the tab's screenshot and HTML are saved to ``ARTIFACTS_DIR``.
    """
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            tab.screenshot(path=str(ARTIFACTS_DIR / f"{stem}.png"), full_page=True)
            (ARTIFACTS_DIR / f"{stem}.html").write_text(tab.content())
        except Exception as error:  # noqa: BLE001 - never mask the test failure
            _say(f"could not save browser artefacts for {stem}: {error}")
        else:
            _say(f"browser artefacts: {ARTIFACTS_DIR / stem}.png and .html")
    context.close()
