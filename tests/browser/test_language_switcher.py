"""The example site's language switcher, in a real browser (issue 16).

The example project runs as ``scripts/demo.sh`` runs it (its own settings,
``migrate``, ``load_demo_content``, Django's development server), with a
throwaway SQLite database and media folder, on a free loopback port from
8320 to 8329; one server for the whole module, stopped afterwards. A visitor
on the English back-pain article picks "Français" in the switcher, lands on
the French article (``/fr/affections/mal-de-dos/``, ``<html lang="fr">``,
French content), then goes back to English.
"""

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.example_utils import EXAMPLE_PROJECT, example_env, example_manage


PORTS = range(8320, 8330)

ARTICLE_URL = "/conditions/back-pain/"
ARTICLE_TITLE = "Relief From Pain In The Back: How Massage For Back Pain Works"
FRENCH_ARTICLE_URL = "/fr/affections/mal-de-dos/"
FRENCH_TITLE = "Soulager le mal de dos : comment agit la massothérapie"

#: How long the server may take to answer its first request, in seconds.
STARTUP_SECONDS = 90


def free_port():
    """The first port of ``PORTS`` nothing listens on (loopback)."""
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free loopback port in {PORTS.start}-{PORTS.stop - 1}")


def wait_until_serving(url, server, log):
    """Wait for ``url`` to answer 200; fail with the server's log otherwise."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the example site's server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    pytest.fail(f"the example site did not answer {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """The base URL of the running example site (demo content loaded)."""
    tmp = tmp_path_factory.mktemp("language_switcher")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = example_env(tmp, WAGTAILADMIN_BASE_URL=base_url, PYTHONUNBUFFERED="1")
    env.pop("DATABASE_ENGINE", None)
    manage = example_manage(env, timeout=300)

    manage("migrate", "--noinput")
    manage("load_demo_content")
    log = tmp / "runserver.log"
    with log.open("w") as output:
        # --noreload: one process, so stopping it stops the server.
        server = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=EXAMPLE_PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(base_url + ARTICLE_URL, server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture
def tab(browser, example_site):
    """A browser tab on the example site (own cookies)."""
    context = browser.new_context(
        base_url=example_site, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.emulate_media(reduced_motion="reduce")
    yield tab
    context.close()


def switcher(tab, label):
    """The language switcher (a navigation landmark named ``label``)."""
    return tab.get_by_role("navigation", name=label)


def test_switch_the_article_to_french_and_back(tab, example_site):
    tab.goto(ARTICLE_URL)
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)

    languages = switcher(tab, "Choose a language")
    expect(languages.locator("[aria-current=page]")).to_have_text("English")
    french_link = languages.get_by_role("link", name="Français")
    # Named in French, read out in French, on the English page.
    expect(french_link).to_have_attribute("lang", "fr")
    expect(french_link).to_have_attribute("hreflang", "fr")
    french_link.click()

    expect(tab).to_have_url(re.compile(re.escape(FRENCH_ARTICLE_URL) + "$"))
    expect(tab.locator("html")).to_have_attribute("lang", "fr")
    main = tab.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(FRENCH_TITLE)
    expect(tab.get_by_role("link", name="Passer au contenu principal")).to_have_count(1)
    expect(main).to_contain_text("Nous prenons de nouveaux rendez-vous !")
    expect(main).not_to_contain_text(ARTICLE_TITLE)

    languages = switcher(tab, "Choisir une langue")
    expect(languages.locator("[aria-current=page]")).to_have_text("Français")
    english_link = languages.get_by_role("link", name="English")
    expect(english_link).to_have_attribute("lang", "en")
    english_link.click()

    expect(tab).to_have_url(re.compile(re.escape(ARTICLE_URL) + "$"))
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)


def test_the_switcher_is_on_every_translated_page(tab, example_site):
    """The home and index pages switch to their French translations too."""
    for english, french_url in [
        ("/", "/fr/"),
        ("/conditions/", "/fr/affections/"),
        ("/massage-types/", "/fr/types-de-massage/"),
    ]:
        tab.goto(english)
        switcher(tab, "Choose a language").get_by_role("link", name="Français").click()
        expect(tab).to_have_url(re.compile(re.escape(french_url) + "$"))
        expect(tab.locator("html")).to_have_attribute("lang", "fr")
