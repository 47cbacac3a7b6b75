"""``manage.py import_wordpress`` with saved WordPress REST API JSON.

The images are downloaded over HTTP from a server on the loopback
interface (never the network): the fixture's upload URLs are rewritten to
point at it.
"""

import datetime
import functools
import http.server
import socket
import tempfile
import threading

from pathlib import Path

from django.core.management.base import CommandError
from django.test import TestCase

from tests.wordpress_import_utils import (
    FIXTURES,
    REST_COMMENTS,
    REST_POSTS,
    SITE,
    UPLOADS,
    WXR,
    article,
    blocks_of,
    counts,
    make_conditions_index,
    page_text,
    run_import,
    source_paragraphs,
    temporary_folder,
)
from wagtail_clinic.importers.wordpress import read_export
from wagtail_clinic.models import (
    CommentStatus,
    ConditionPage,
    ReaderComment,
    WordPressImport,
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve_uploads(test):
    """Serve the fixture uploads on 127.0.0.1 for the test; returns the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(UPLOADS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    test.addClassCleanup(server.server_close)
    test.addClassCleanup(server.shutdown)
    return f"http://127.0.0.1:{server.server_port}/"


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rest_files(folder, uploads_url):
    """Copies of the REST fixtures whose upload URLs point at ``uploads_url``."""
    paths = []
    for source in (REST_POSTS, REST_COMMENTS):
        path = Path(folder) / source.name
        path.write_text(
            source.read_text().replace(f"{SITE}/wp-content/uploads/", uploads_url)
        )
        paths.append(path)
    return paths


class RestImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # (enterClassContext would do, but it is Python 3.11+.)
        folder = tempfile.TemporaryDirectory()
        cls.addClassCleanup(folder.cleanup)
        cls.folder = folder.name
        cls.files = rest_files(cls.folder, serve_uploads(cls))
        cls.index = make_conditions_index()
        cls.output = run_import(*cls.files, publish=True, keep_pending_comments=True)

    def test_posts_become_live_articles(self):
        self.assertEqual(ConditionPage.objects.child_of(self.index).live().count(), 2)
        self.assertIn("Posts: 2 created", self.output)

    def test_images_are_downloaded_over_http(self):
        self.assertIn("Images: 2 fetched, 1 reused, 0 missing.", self.output)
        (image,) = blocks_of(article(104), "image")
        self.assertEqual(
            image["value"]["alt_text"], "Thumbs pressing along the arch of a bare foot"
        )
        self.assertEqual(image["value"]["caption"], "Thumb pressure along the arch.")
        # The featured image (from _embedded) is the hero image: the same file.
        self.assertEqual(article(104).hero_image_id, image["value"]["image"])
        (inline,) = blocks_of(article(105), "image")
        self.assertEqual(
            inline["value"]["alt_text"],
            "A treatment table ready for a gentle neck session",
        )

    def test_rendered_pages_contain_every_paragraph(self):
        for post in read_export(self.files[0]).posts:
            text = page_text(self.client, article(post.id))
            for paragraph in source_paragraphs(post.content):
                with self.subTest(post=post.id, paragraph=paragraph[:40]):
                    self.assertIn(paragraph, text)

    def test_blocks(self):
        types = [block["type"] for block in blocks_of(article(104))]
        self.assertEqual(
            types,
            [
                "paragraph",
                "key_fact",
                "heading",
                "paragraph",
                "image",
                "benefits",
                "quote",
                "paragraph",
            ],
        )
        (fact,) = blocks_of(article(104), "key_fact")
        # The statement starts with the figure: the figure is not repeated.
        self.assertEqual(
            fact["value"]["statement"],
            "of people will have plantar fasciitis at some point in their lives, "
            "according to a foot health survey.",
        )
        (quote,) = blocks_of(article(104), "quote")
        self.assertEqual(quote["value"]["attribution"], "Sam, a client")
        (benefits,) = blocks_of(article(104), "benefits")
        self.assertEqual(benefits["value"]["items"][1]["title"], "Looser calves")
        # A percentage without a source link is reported, not guessed.
        self.assertEqual(blocks_of(article(105), "key_fact"), [])
        self.assertIn("Paragraph with 60% kept as text", self.output)

    def test_links_between_posts(self):
        first = " ".join(b["value"] for b in blocks_of(article(104), "paragraph"))
        # A relative link, resolved against the site.
        self.assertIn(f'<a linktype="page" id="{article(105).pk}">', first)
        second = " ".join(b["value"] for b in blocks_of(article(105), "paragraph"))
        self.assertIn(f'<a linktype="page" id="{article(104).pk}">', second)

    def test_seo_terms_and_comment_settings(self):
        first, second = article(104), article(105)
        self.assertEqual(
            first.seo_title, "Massage for Plantar Fasciitis | Southside Massage Clinic"
        )
        self.assertEqual(
            second.search_description,
            "Gentle massage for a sore neck after a car accident.",
        )
        self.assertEqual(first.condition_name, "Foot pain")
        self.assertTrue(first.intro.startswith("Why the first steps"))
        self.assertFalse(first.intro.endswith("…"))
        record = WordPressImport.objects.get(post_id="104")
        self.assertEqual((record.categories, record.tags), (["Foot pain"], ["running"]))
        self.assertTrue(first.comments_enabled)
        self.assertFalse(second.comments_enabled)

    def test_comments(self):
        comments = ReaderComment.objects.filter(page=article(104)).order_by(
            "created_at"
        )
        self.assertEqual(
            [(c.author_name, c.status) for c in comments],
            [
                ("Lena", CommentStatus.APPROVED),
                ("Dana Lee, RMT", CommentStatus.APPROVED),
                ("Chris", CommentStatus.PENDING),
            ],
        )
        self.assertEqual(comments[1].parent_id, comments[0].pk)
        self.assertEqual(
            comments[0].created_at,
            datetime.datetime(2024, 6, 4, 7, 45, tzinfo=datetime.timezone.utc),
        )
        self.assertEqual(
            comments[0].body, "The calf work helped more than I expected. Thank you!"
        )
        self.assertFalse(
            ReaderComment.objects.filter(author_name="Casino Bonus").exists()
        )

    def test_redirects(self):
        response = self.client.get("/2024/06/whiplash-after-a-car-accident/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], article(105).url)

    def test_second_run_changes_nothing(self):
        before = counts()
        output = run_import(*self.files, publish=True, keep_pending_comments=True)
        self.assertEqual(counts(), before)
        self.assertIn("Posts: 0 created, 0 updated, 2 unchanged", output)

    def test_the_wxr_export_of_the_same_site_adds_its_own_posts(self):
        before = ConditionPage.objects.count()
        run_import(WXR, publish=True, images_from=UPLOADS)
        self.assertEqual(ConditionPage.objects.count(), before + 3)
        self.assertEqual(
            WordPressImport.objects.filter(
                source_site="southside-massage.example"
            ).count(),
            5,
        )
        # All the files at once: nothing changes.
        before = counts()
        output = run_import(WXR, *self.files, publish=True, images_from=UPLOADS)
        self.assertIn("Posts: 0 created, 0 updated, 5 unchanged", output)
        self.assertEqual(counts(), before)


class RestProblemTests(TestCase):
    def setUp(self):
        make_conditions_index()

    def test_unreachable_images_are_reported(self):
        folder = temporary_folder(self)
        files = rest_files(folder, f"http://127.0.0.1:{closed_port()}/")
        output = run_import(*files, timeout=2)
        # Counted per use: the foot image is both an image block and the hero.
        self.assertIn("Images: 0 fetched, 0 reused, 3 missing.", output)
        self.assertIn("Image not imported (", output)
        self.assertEqual(blocks_of(article(104), "image"), [])
        self.assertIsNone(article(104).hero_image)

    def test_unknown_post_type(self):
        before = counts()
        with self.assertRaisesMessage(
            CommandError, "rest-product.json: unknown post type 'product'"
        ):
            run_import(REST_POSTS, FIXTURES / "rest-product.json")
        self.assertEqual(counts(), before)

    def test_dry_run_writes_nothing(self):
        before = counts()
        output = run_import(REST_POSTS, REST_COMMENTS, dry_run=True)
        self.assertEqual(counts(), before)
        self.assertIn("would be created", output)
