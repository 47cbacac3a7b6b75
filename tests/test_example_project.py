"""The example project installs the app as a host site would, and its demo loads.

Each test drives ``example_project/manage.py`` in a subprocess with the
example site's own settings and a throwaway SQLite database, exactly as
``scripts/demo.sh`` does, so nothing here shares state with the rest of the
suite (which runs under ``tests.settings``).
"""

import json
import re

import pytest

from tests.example_utils import example_env, example_manage


ARTICLE_URL = "/conditions/back-pain/"
ARTICLE_TITLE = "Relief From Pain In The Back: How Massage For Back Pain Works"

# Run inside the example site by `manage.py shell`; prints one line of JSON.
COUNT_ROWS = """
import json
from django.apps import apps
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
print(json.dumps({"counts": counts}))
"""

INSPECT_SITE = """
import json
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Site
from wagtail_clinic.blocks import ArticleStreamBlock
from wagtail_clinic.models import ConditionPage, MassageTypePage

counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
article = ConditionPage.objects.get(slug="back-pain", locale__language_code="en")
site = Site.objects.get(is_default_site=True)
client = Client()
pages = {}
for url in ["/", "/conditions/", "/massage-types/", "/conditions/back-pain/", "/book/", "/about/", "/admin/login/",
            "/fr/", "/fr/affections/", "/fr/types-de-massage/", "/fr/affections/mal-de-dos/"]:
    response = client.get(url)
    pages[url] = {"status": response.status_code, "html": response.content.decode()}
print(json.dumps({
    "counts": counts,
    "pages": pages,
    "site": [site.hostname, site.port, site.root_page.specific_class.__name__],
    "article_live": article.live,
    "article_block_types": sorted({child.block_type for child in article.body}),
    "all_block_types": sorted(ArticleStreamBlock().child_blocks),
    "massage_types_linked": sorted(
        p.slug for p in MassageTypePage.objects.filter(conditions=article)
    ),
    "admin_is_superuser": get_user_model().objects.get(username="admin").is_superuser,
}))
"""


@pytest.fixture
def manage(tmp_path):
    """Run ``manage.py`` of the example project against a temporary database."""
    return example_manage(example_env(tmp_path))


def shell_json(manage, script):
    """Run ``script`` in ``manage.py shell`` and parse the JSON it prints last."""
    output = manage("shell", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def test_demo_content_loads_twice_without_duplicates_and_renders(manage):
    manage("migrate", "--noinput")
    first_run = manage("load_demo_content")
    assert "0 unchanged" in first_run
    after_first = shell_json(manage, COUNT_ROWS)["counts"]

    second_run = manage("load_demo_content")
    assert "0 created, 0 updated" in second_run
    site = shell_json(manage, INSPECT_SITE)

    # Exactly the same rows, revisions and log entries included.
    assert site["counts"] == after_first
    counts = site["counts"]
    assert counts["wagtailcore.Site"] == 1
    # English and French (tests/test_example_i18n.py checks the French tree).
    assert counts["wagtailcore.Locale"] == 2
    assert counts["home.HomePage"] == 2
    assert counts["wagtail_clinic.ConditionPage"] == 2
    assert counts["wagtail_clinic.MassageTypePage"] == 8
    assert counts["wagtail_clinic.Clinic"] == 2
    assert counts["wagtail_clinic.OpeningHours"] == 12
    assert counts["wagtail_clinic.Therapist"] == 2
    assert counts["wagtail_clinic.ClinicSettings"] == 1
    # Images are shared by both languages.
    assert counts["wagtailimages.Image"] == 6
    assert counts["wagtail_clinic.AppointmentRequestPage"] == 1
    assert counts["home.StandardPage"] == 1
    # Root, home, two index pages, four massage types, the article, the
    # booking page and the About page: the stock "Welcome to your new Wagtail
    # site!" page has been replaced. In French: home, the two index pages,
    # the four massage types and the article.
    assert counts["wagtailcore.Page"] == 11 + 8
    # The Site is where the demo is served (WAGTAILADMIN_BASE_URL), so every
    # absolute URL agrees and the W501-W503 checks stay quiet.
    assert site["site"] == ["127.0.0.1", 8000, "HomePage"]
    manage("check", "--fail-level", "WARNING")
    assert site["admin_is_superuser"] is True

    # The reference article shows every kind of article block, is published
    # and is linked from all four massage types.
    assert site["article_block_types"] == site["all_block_types"]
    assert site["article_live"] is True
    assert site["massage_types_linked"] == [
        "deep-tissue-massage",
        "shiatsu-and-acupressure",
        "sports-massage",
        "swedish-massage",
    ]

    for url, page in site["pages"].items():
        assert page["status"] == 200, f"GET {url} returned {page['status']}"
    article_html = site["pages"][ARTICLE_URL]["html"]
    assert f"<title>{ARTICLE_TITLE}" in article_html
    assert re.search(rf"<h1[^>]*>\s*{re.escape(ARTICLE_TITLE)}\s*</h1>", article_html)
    assert "Every 2 to 3 weeks" in article_html
    assert 'href="tel:+17805550142"' in article_html
    assert 'name="csrfmiddlewaretoken"' in site["pages"]["/book/"]["html"]


def test_example_project_passes_checks_with_no_pending_migrations(manage):
    manage("check", "--fail-level", "WARNING")
    # A host site must never be asked to create migrations for the app (or,
    # here, for the example project's own home app).
    manage("makemigrations", "--check", "--dry-run")
