"""Helpers for the WordPress importer's tests (tests/test_import_wordpress*.py)."""

import re
import tempfile

from io import StringIO
from pathlib import Path

from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from tests.comment_utils import allow_site_comments
from tests.utils import make_condition_index, make_site_tree
from wagtail_clinic.models import (
    ConditionPage,
    ReaderComment,
    WordPressImage,
    WordPressImport,
)


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"
WXR = FIXTURES / "southside-blog.wxr.xml"
REST_POSTS = FIXTURES / "southside-posts-page-1.json"
REST_COMMENTS = FIXTURES / "southside-comments.json"
UPLOADS = FIXTURES / "uploads"
SITE = "https://southside-massage.example"

_SHORTCODE = re.compile(r"\[/?[a-zA-Z][^\]]*\]")
_PUNCTUATION = re.compile(r"[:–—]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;!?)])")


def article(post_id):
    """The page imported from WordPress post ``post_id``."""
    record = WordPressImport.objects.get(post_id=str(post_id))
    return ConditionPage.objects.get(pk=record.page_id)


def blocks_of(page, block_type=None):
    """The raw blocks of ``page``'s latest revision (of one type, if given)."""
    body = page.get_latest_revision_as_object().body.raw_data
    return [block for block in body if block_type in (None, block["type"])]


def temporary_folder(test):
    """A temporary folder removed when ``test`` ends.

    (``TestCase.enterContext`` would do, but it is Python 3.11+.)
    """
    folder = tempfile.TemporaryDirectory()
    test.addCleanup(folder.cleanup)
    return Path(folder.name)


def make_conditions_index():
    """A site with comments on and a condition index at ``/conditions/``."""
    _root, home = make_site_tree()
    allow_site_comments()
    return make_condition_index(home, title="Conditions", slug="conditions")


def run_import(*files, parent="/conditions/", **options):
    """Run ``import_wordpress``; returns its output.

    ``options`` become flags: ``images_from=UPLOADS`` → ``--images-from …``,
    ``publish=True`` → ``--publish``.
    """
    args = [str(path) for path in files] + ["--parent", str(parent)]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value not in (None, False):
            args += [flag, str(value)]
    out = StringIO()
    call_command("import_wordpress", *args, stdout=out)
    return out.getvalue()


def counts():
    """How many rows of everything the importer writes exist."""
    return {
        "pages": Page.objects.count(),
        "articles": ConditionPage.objects.count(),
        "revisions": Revision.objects.count(),
        "comments": ReaderComment.objects.count(),
        "redirects": Redirect.objects.count(),
        "images": get_image_model().objects.count(),
        "imports": WordPressImport.objects.count(),
        "imported_images": WordPressImage.objects.count(),
    }


def normalise(text):
    """Text compared loosely: whitespace collapsed, list separators dropped."""
    text = " ".join(_PUNCTUATION.sub(" ", text or "").split())
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def source_paragraphs(html):
    """The text of every paragraph, list item and quote of a post's HTML.

    Gutenberg and REST posts have ``<p>`` and ``<li>`` elements; the
    classic editor's text is one paragraph per line. Shortcode tags are
    left out (their content is not).
    """
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    soup = BeautifulSoup(html, "html.parser")
    elements = soup.find_all(["p", "li"])
    if elements:
        texts = [element.get_text(" ") for element in elements]
    else:
        texts = []
        for line in html.splitlines():
            text = BeautifulSoup(_SHORTCODE.sub("", line), "html.parser").get_text(" ")
            texts.append(text)
    return [normalise(text) for text in texts if normalise(text)]


def page_text(client, page):
    """The visible text of ``page`` as served to a reader."""
    response = client.get(page.url)
    assert response.status_code == 200, response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    for hidden in soup.find_all(["script", "style"]):
        hidden.decompose()
    return normalise(soup.get_text(" "))
