"""``manage.py import_wordpress`` with a WXR export (Tools › Export).

The fixture is a small clinic blog: the back-pain article (Gutenberg
blocks, a statistic, benefits, a quote, images, comments of every status,
Yoast fields), a classic-editor post with shortcodes (RankMath fields), a
draft with things the importer must report, a page and a menu item.
"""

import datetime
import os

from django.conf import settings
from django.core.management.base import CommandError
from django.test import TestCase
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Revision

from tests.wordpress_import_utils import (
    FIXTURES,
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
    CommentSource,
    CommentStatus,
    ConditionPage,
    ReaderComment,
    WordPressImport,
)


class WxrImportTests(TestCase):
    """One published import of the WXR fixture, read by many tests."""

    @classmethod
    def setUpTestData(cls):
        cls.index = make_conditions_index()
        cls.output = run_import(WXR, publish=True, images_from=UPLOADS)

    def test_posts_become_condition_articles_under_the_parent(self):
        pages = ConditionPage.objects.child_of(self.index)
        self.assertEqual(pages.count(), 3)
        self.assertTrue(article(101).live)
        self.assertTrue(article(102).live)
        # A WordPress draft stays a draft, even with --publish, and says so.
        self.assertFalse(article(103).live)
        self.assertIn("WordPress status 'draft': left as a draft.", self.output)
        self.assertEqual(article(101).title, read_export(WXR).posts[0].title)
        self.assertEqual(article(101).slug, "relief-from-pain-in-the-back")
        # The original publication date is kept.
        self.assertEqual(
            article(101).first_published_at,
            datetime.datetime(2024, 3, 12, 16, 0, tzinfo=datetime.timezone.utc),
        )

    def test_rendered_pages_contain_every_paragraph_of_the_posts(self):
        revision = article(103).get_latest_revision()
        revision.publish()
        for post in read_export(WXR).posts:
            text = page_text(self.client, article(post.id))
            paragraphs = source_paragraphs(post.content)
            self.assertGreaterEqual(len(paragraphs), 2)
            for paragraph in paragraphs:
                with self.subTest(post=post.id, paragraph=paragraph[:40]):
                    self.assertIn(paragraph, text)
            self.assertNotIn("wp:paragraph", text)

    def test_headings_paragraphs_and_lists(self):
        headings = [b["value"] for b in blocks_of(article(101), "heading")]
        self.assertIn(
            {"text": "Why does my back hurt?", "level": "2", "anchor": ""}, headings
        )
        self.assertIn(
            {"text": "Shiatsu and acupressure", "level": "3", "anchor": ""}, headings
        )
        paragraphs = [b["value"] for b in blocks_of(article(101), "paragraph")]
        self.assertIn(
            "<ul><li>Look for a registered massage therapist (RMT).</li>"
            "<li>Ask how they will adjust the pressure for you.</li>"
            "<li>Tell them about any injuries or conditions first.</li></ul>",
            paragraphs,
        )
        self.assertIn(
            "<p>For long-standing back pain, most people do well with a treatment "
            "<i>every two to three weeks</i>, then less often once the pain "
            "settles.</p>",
            paragraphs,
        )
        # No Gutenberg block comment survives anywhere.
        for page in (article(101), article(102), article(103)):
            self.assertNotIn("wp:", str(blocks_of(page)))

    def test_bold_title_lists_become_benefits(self):
        (benefits,) = blocks_of(article(101), "benefits")
        self.assertEqual(
            [item["title"] for item in benefits["value"]["items"]],
            [
                "Less muscle tension",
                "Better circulation",
                "Easier movement",
                "Deeper sleep",
            ],
        )
        self.assertEqual(
            benefits["value"]["items"][1]["description"],
            "fresh blood reaches tired tissue and helps it recover.",
        )

    def test_blockquote_becomes_a_quote(self):
        (quote,) = blocks_of(article(101), "quote")
        self.assertEqual(
            quote["value"],
            {
                "text": "After four sessions I could pick up my grandson without "
                "thinking twice about it.",
                "attribution": "Maria, a client since 2022",
            },
        )

    def test_one_sentence_statistic_with_a_source_becomes_a_key_fact(self):
        (fact,) = blocks_of(article(101), "key_fact")
        self.assertEqual(fact["value"]["value"], "80%")
        self.assertEqual(
            fact["value"]["source_url"], "https://health.example.org/back-pain-facts"
        )
        self.assertEqual(fact["value"]["source_title"], "national back pain fact sheet")
        self.assertIn("Key fact 80% made from a paragraph", self.output)

    def test_ambiguous_statistic_stays_a_paragraph_and_is_reported(self):
        self.assertEqual(blocks_of(article(102), "key_fact"), [])
        self.assertTrue(
            any(
                "70% of headache clients" in b["value"]
                for b in blocks_of(article(102), "paragraph")
            )
        )
        self.assertIn("Paragraph with 70%, 20% kept as text", self.output)

    def test_images_with_alt_text_and_captions(self):
        images = [b["value"] for b in blocks_of(article(101), "image")]
        self.assertEqual(len(images), 1)
        # The attachment's alt text fills the img's empty alt attribute.
        self.assertEqual(
            images[0]["alt_text"],
            "A therapist working on a patient's lower back with her forearm",
        )
        self.assertEqual(
            images[0]["caption"], "Forearm work on the muscles beside the spine."
        )
        image = get_image_model().objects.get(pk=images[0]["image"])
        self.assertEqual(image.description, images[0]["alt_text"])
        # The featured image is the hero image.
        self.assertEqual(article(101).hero_image.title, "massage-table")
        # [caption] and [gallery ids] shortcodes.
        captioned, *gallery = [b["value"] for b in blocks_of(article(102), "image")]
        self.assertEqual(
            captioned["caption"], "Releasing the muscles at the base of the skull."
        )
        self.assertEqual(len(gallery), 2)
        self.assertEqual(gallery[1]["alt_text"], "")
        self.assertIn("shoulder-stretch.jpg has no alt text", self.output)
        # An image that cannot be had is reported, not invented.
        self.assertEqual(blocks_of(article(103), "image"), [])
        self.assertIn(
            "Image not imported (file not found): https://southside-massage.example"
            "/wp-content/uploads/2024/06/sciatic-nerve-diagram.jpg",
            self.output,
        )

    def test_links_between_imported_posts_become_page_links(self):
        first = " ".join(b["value"] for b in blocks_of(article(101), "paragraph"))
        self.assertIn(
            f'<a linktype="page" id="{article(102).pk}">tension headaches</a>', first
        )
        second = " ".join(b["value"] for b in blocks_of(article(102), "paragraph"))
        self.assertIn(
            f'<a linktype="page" id="{article(101).pk}">our article on back pain</a>',
            second,
        )
        # Served, the link points at the page.
        self.assertIn(article(102).url, self.client.get(article(101).url).text)

    def test_shortcodes_are_handled_or_reported(self):
        texts = " ".join(b["value"] for b in blocks_of(article(102), "paragraph"))
        self.assertIn("Bring a list of your usual headache triggers", texts)
        self.assertNotIn("su_note", texts)
        self.assertIn("Shortcode [su_note] removed; its content was kept.", self.output)
        self.assertIn(
            "Unknown shortcode [contact-form-7] left in the text", self.output
        )

    def test_reported_structure_fixes(self):
        headings = [b["value"] for b in blocks_of(article(103), "heading")]
        self.assertEqual([h["level"] for h in headings], ["2", "3"])
        self.assertIn("came before any section heading: made an H2", self.output)
        self.assertIn("Heading H4", self.output)
        self.assertIn("A table became a paragraph", self.output)
        self.assertIn(
            "<iframe> https://www.youtube.com/embed/example removed", self.output
        )

    def test_condition_name_intro_and_seo_fields(self):
        first, second, draft = article(101), article(102), article(103)
        self.assertEqual(first.condition_name, "Back pain")
        self.assertEqual(second.condition_name, "Headaches")
        self.assertEqual(draft.condition_name, draft.title)
        self.assertIn("Condition name taken from the title", self.output)
        self.assertTrue(first.intro.startswith("How massage loosens the muscles"))
        self.assertTrue(second.intro.startswith("A tension headache feels like"))
        # Yoast and RankMath, their variables filled in.
        self.assertEqual(
            first.seo_title,
            "Massage for Back Pain: How It Works – Southside Massage Clinic",
        )
        self.assertTrue(first.search_description.startswith("Which kinds of massage"))
        self.assertEqual(
            second.seo_title, "Tension Headaches and Massage – Southside Massage Clinic"
        )
        self.assertTrue(second.search_description.startswith("How neck and shoulder"))

    def test_categories_tags_and_original_url_are_kept(self):
        record = WordPressImport.objects.get(post_id="101")
        self.assertEqual(record.categories, ["Back pain", "Massage therapy"])
        self.assertEqual(record.tags, ["deep tissue", "desk work"])
        self.assertEqual(
            record.original_url,
            "https://southside-massage.example/2024/03/relief-from-pain-in-the-back/",
        )
        self.assertEqual(record.source_site, "southside-massage.example")

    def test_approved_comments_with_their_dates_pending_and_spam_skipped(self):
        comments = ReaderComment.objects.filter(page=article(101)).order_by(
            "created_at"
        )
        self.assertEqual(
            [(c.author_name, c.status) for c in comments],
            [
                ("Priya S.", CommentStatus.APPROVED),
                ("Dana Lee, RMT", CommentStatus.APPROVED),
            ],
        )
        first, reply = comments
        self.assertEqual(
            first.created_at,
            datetime.datetime(2024, 3, 14, 14, 15, tzinfo=datetime.timezone.utc),
        )
        self.assertEqual(reply.parent_id, first.pk)
        self.assertEqual({c.source for c in comments}, {CommentSource.IMPORT})
        self.assertEqual(ReaderComment.objects.filter(page=article(102)).count(), 1)
        # Pending, spam, trash and pingbacks are not imported.
        self.assertFalse(
            ReaderComment.objects.filter(body__contains="direct billing").exists()
        )
        self.assertFalse(
            ReaderComment.objects.filter(body__contains="buy now").exists()
        )
        self.assertIn("--keep-pending-comments", self.output)

    def test_comments_are_shown_without_emails(self):
        html = self.client.get(article(101).url).text
        self.assertIn("I never knew which one to ask for.", html)
        self.assertNotIn("priya.reader@mail.example", html)
        self.assertNotIn("priya.reader@mail.example", self.output)
        self.assertNotIn("Priya", self.output)

    def test_comments_enabled_follows_the_comment_status(self):
        self.assertTrue(article(101).comments_enabled)
        self.assertFalse(article(102).comments_enabled)

    def test_old_urls_redirect_to_the_pages(self):
        response = self.client.get("/2024/03/relief-from-pain-in-the-back/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], article(101).url)
        response = self.client.get("/2024/05/tension-headaches-and-massage")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], article(102).url)

    def test_summary_table(self):
        self.assertIn("post | title", self.output)
        self.assertIn(
            "Posts: 3 created, 0 updated, 0 unchanged, 0 skipped. Images: 5 fetched, "
            "0 reused, 1 missing.",
            self.output,
        )
        self.assertIn(
            "Not imported (not posts): nav_menu_item × 1, page × 1", self.output
        )
        self.assertIn("/conditions/relief-from-pain-in-the-back/", self.output)

    def test_second_run_changes_nothing(self):
        before = counts()
        revisions = {
            page.pk: page.latest_revision_id for page in ConditionPage.objects.all()
        }
        output = run_import(WXR, publish=True, images_from=UPLOADS)
        self.assertEqual(counts(), before)
        self.assertEqual(
            {page.pk: page.latest_revision_id for page in ConditionPage.objects.all()},
            revisions,
        )
        self.assertIn("Posts: 0 created, 0 updated, 3 unchanged", output)
        self.assertIn("Comments: 0 imported, 3 already imported", output)

    def test_a_dry_run_after_an_import_says_unchanged(self):
        before = counts()
        output = run_import(WXR, dry_run=True, publish=True, images_from=UPLOADS)
        self.assertEqual(counts(), before)
        self.assertIn("would be unchanged", output)
        self.assertIn("Posts: 0 created, 0 updated, 3 unchanged", output)

    def test_editors_changes_survive_a_rerun_of_the_same_export(self):
        page = article(102)
        page.condition_name = "Tension headache"
        page.save_revision().publish()
        output = run_import(WXR, publish=True, images_from=UPLOADS)
        self.assertIn("3 unchanged", output)
        self.assertEqual(article(102).condition_name, "Tension headache")


class ChangedSourceTests(TestCase):
    def test_a_changed_post_gets_one_new_revision_on_the_same_page(self):
        make_conditions_index()
        run_import(WXR, images_from=UPLOADS)
        page = article(101)
        revisions = Revision.objects.for_instance(page).count()
        changed = copy_of_export(
            self,
            WXR.read_text().replace(
                "Back pain rarely has a single cause.", "Back pain has many causes."
            ),
        )
        output = run_import(changed, images_from=UPLOADS)
        self.assertIn("Posts: 0 created, 1 updated, 2 unchanged", output)
        self.assertEqual(Revision.objects.for_instance(page).count(), revisions + 1)
        self.assertEqual(ConditionPage.objects.count(), 3)
        self.assertIn(
            "<p>Back pain has many causes.",
            " ".join(b["value"] for b in blocks_of(article(101), "paragraph")),
        )


class OptionTests(TestCase):
    def setUp(self):
        self.index = make_conditions_index()

    def test_keep_pending_comments(self):
        run_import(WXR, images_from=UPLOADS, keep_pending_comments=True)
        pending = ReaderComment.objects.get(body__contains="direct billing")
        self.assertEqual(pending.status, CommentStatus.PENDING)
        self.assertEqual(pending.email, "tom.waiting@mail.example")
        self.assertEqual(ReaderComment.objects.filter(page=article(101)).count(), 3)
        run_import(WXR, images_from=UPLOADS, keep_pending_comments=True)
        self.assertEqual(ReaderComment.objects.count(), 4)

    def test_drafts_without_publish(self):
        output = run_import(WXR, parent=self.index.pk, images_from=UPLOADS)
        self.assertFalse(ConditionPage.objects.filter(live=True).exists())
        self.assertIn("3 created", output)
        # A draft's old URL already redirects, for when it is published.
        self.assertTrue(Redirect.objects.filter(redirect_page=article(101)).exists())

    def test_dry_run_writes_nothing(self):
        media = settings.MEDIA_ROOT
        files_before = sorted(_files(media))
        before = counts()
        output = run_import(WXR, publish=True, dry_run=True, images_from=UPLOADS)
        self.assertEqual(counts(), before)
        self.assertEqual(sorted(_files(media)), files_before)
        self.assertIn("Dry run: nothing was written.", output)
        self.assertIn("would be created", output)
        self.assertIn("Posts: 3 created", output)

    def test_images_over_file_urls(self):
        copy = copy_of_export(
            self,
            WXR.read_text().replace(
                "https://southside-massage.example/wp-content/uploads/",
                UPLOADS.as_uri() + "/",
            ),
        )
        output = run_import(copy)
        self.assertIn("Images: 5 fetched, 0 reused, 1 missing.", output)


class BadInputTests(TestCase):
    def setUp(self):
        make_conditions_index()
        self.before = counts()

    def assert_refused(self, path, message, **options):
        with self.assertRaisesMessage(CommandError, message) as raised:
            run_import(path, images_from=UPLOADS, **options)
        self.assertIn("Nothing was imported.", str(raised.exception))
        self.assertEqual(counts(), self.before)

    def test_xml_bomb(self):
        self.assert_refused(
            FIXTURES / "bomb.wxr.xml", "bomb.wxr.xml: refused: the XML declares a DTD"
        )

    def test_malformed_xml(self):
        self.assert_refused(
            FIXTURES / "malformed.wxr.xml", "malformed.wxr.xml: malformed XML"
        )

    def test_unknown_post_type(self):
        # The posts before the product are not stored either.
        self.assert_refused(
            FIXTURES / "with-product.wxr.xml",
            "with-product.wxr.xml: unknown post type 'product' (item 'Massage gift card')",
        )

    def test_unknown_post_type_with_a_good_file_first(self):
        self.assert_refused(
            FIXTURES / "with-product.wxr.xml",
            "unknown post type 'product'",
        )
        with self.assertRaises(CommandError):
            run_import(WXR, FIXTURES / "rest-product.json")
        self.assertEqual(counts(), self.before)

    def test_parent_must_be_a_condition_index(self):
        self.assert_refused(
            WXR, "--parent '/nowhere/': no page has that id", parent="/nowhere/"
        )
        self.assert_refused(WXR, "choose a condition index page", parent="/")

    def test_not_an_export(self):
        self.assert_refused(
            FIXTURES / "uploads" / "2024" / "05" / "neck-release.png",
            "neither XML nor valid JSON",
        )


def copy_of_export(test, text):
    """A WXR file in a temporary folder holding ``text``."""
    folder = temporary_folder(test)
    path = folder / "export.xml"
    path.write_text(text)
    return path


def _files(root):
    return [
        os.path.join(folder, name)
        for folder, _dirs, names in os.walk(root)
        for name in names
    ]
