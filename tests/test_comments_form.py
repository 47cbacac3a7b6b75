"""The "Leave a Reply" form on condition and massage type pages (server-rendered)."""

import re

from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, TestCase, override_settings
from wagtail.models import Page, PageViewRestriction, Site

from tests.comment_utils import (
    COMMENTER_EMAIL,
    COMMENTER_NAME,
    NO_LIMITS,
    PRIVATE,
    form_data,
    make_article,
    make_comment,
    make_moderator,
)
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.models import ClinicSettings, CommentStatus, ReaderComment


class CommentFormTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()

    def setUp(self):
        cache.clear()

    def post(self, data, client=None, page=None):
        page = page or self.page
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(page.url, data)

    def get_html(self, url=None):
        response = self.client.get(url or self.page.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestMarkup(CommentFormTestCase):
    def test_sections_and_headings(self):
        html = self.get_html()
        self.assertInHTML(
            '<h2 class="clinic-comments__title" id="clinic-comments-title">Comments</h2>',
            html,
        )
        self.assertInHTML(
            '<h2 class="clinic-comments__title" id="clinic-respond-title">Leave a Reply</h2>',
            html,
        )
        self.assertIn('<section class="clinic-comments__section" id="comments"', html)
        self.assertIn("No comments yet.", html)

    def test_form_posts_to_the_page_with_a_csrf_token_and_marker(self):
        html = self.get_html()
        self.assertIn(f'action="{self.page.url}#respond"', html)
        self.assertIn('method="post"', html)
        self.assertIn('name="csrfmiddlewaretoken"', html)
        self.assertIn('<input type="hidden" name="clinic_form" value="comment">', html)

    def test_privacy_note_and_required_fields(self):
        html = self.get_html()
        self.assertIn(
            "Your email address will not be published. Required fields are marked "
            '<span class="clinic-required">*</span>',
            html,
        )
        for name in ("body", "author_name", "email"):
            tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)[0]
            self.assertIn(" required", tag)
            label = re.search(
                rf'<label[^>]*for="clinic-comment-{name}"[^>]*>(.*?)</label>', html
            )[1]
            self.assertIn(
                '<span class="clinic-required" aria-hidden="true">*</span>', label
            )

    def test_every_visible_input_has_a_label(self):
        html = self.get_html()
        form = html[html.index('class="clinic-form clinic-comment-form"') :]
        form = form[: form.index("</form>")]
        for match in re.finditer(r"<(?:input|textarea)([^>]*)>", form):
            attrs = match[1]
            if 'type="hidden"' in attrs:
                continue
            input_id = re.search(r'id="([^"]+)"', attrs)[1]
            self.assertIn(f'for="{input_id}"', form)

    def test_honeypot_is_hidden_from_people_and_assistive_technology(self):
        html = self.get_html()
        self.assertRegex(
            html,
            r'<div class="clinic-form__trap clinic-visually-hidden" aria-hidden="true">\s*'
            r'<label for="clinic-comment-website">',
        )
        self.assertRegex(html, r'<input[^>]*name="website"[^>]*tabindex="-1"')

    def test_signed_form_token(self):
        html = self.get_html()
        self.assertRegex(html, rf'name="token" value="{self.page.pk}:[0-9.]+:[^"]+"')

    def test_massage_type_pages_take_comments_too(self):
        index = make_massage_type_index(self.home)
        massage_type = make_massage_type(index, comments_enabled=True)
        html = self.get_html(massage_type.url)
        self.assertIn("Leave a Reply", html)
        response = self.post(form_data(massage_type), page=massage_type)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ReaderComment.objects.get().page_id, massage_type.pk)


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestListing(CommentFormTestCase):
    def test_only_approved_comments_are_shown(self):
        for status in CommentStatus.values:
            make_comment(self.page, status=status, body=f"Comment that is {status}.")
        html = self.get_html()
        self.assertIn("Comment that is approved.", html)
        for status in ("pending", "rejected", "spam"):
            self.assertNotIn(f"Comment that is {status}.", html)
        self.assertIn('<span class="clinic-comments__count">(1)</span>', html)

    def test_article_per_comment_with_name_and_time_but_no_email(self):
        comment = make_comment(
            self.page, author_name=COMMENTER_NAME, email=COMMENTER_EMAIL
        )
        html = self.get_html()
        article = re.search(
            rf'<article class="clinic-comment" id="comment-{comment.pk}".*?</article>',
            html,
            re.S,
        )[0]
        self.assertIn(COMMENTER_NAME, article)
        self.assertIn(
            f'<time datetime="{comment.created_at.isoformat()}"'.replace(
                "+00:00", "+00:00"
            ),
            article,
        )
        for secret in PRIVATE:
            self.assertNotIn(secret, html)

    def test_replies_are_nested_under_their_parent(self):
        parent = make_comment(self.page, body="Parent comment.")
        reply = make_comment(self.page, parent=parent, body="Reply comment.")
        make_comment(self.page, parent=reply, body="Reply to the reply.")
        html = self.get_html()
        parent_article = html[html.index(f'id="comment-{parent.pk}"') :]
        replies = parent_article[: parent_article.index("</ol>")]
        self.assertIn('<ol class="clinic-comments__replies">', replies)
        self.assertIn("Reply comment.", replies)
        self.assertIn("Reply to the reply.", replies)
        self.assertIn('<span class="clinic-comments__count">(3)</span>', html)

    def test_reply_of_an_unpublished_parent_is_shown_top_level(self):
        parent = make_comment(self.page, status=CommentStatus.REJECTED, body="Gone.")
        make_comment(self.page, parent=parent, body="Orphan reply.")
        html = self.get_html()
        self.assertIn("Orphan reply.", html)
        self.assertNotIn("Gone.", html)

    def test_comment_text_is_escaped_with_paragraphs_and_safe_links(self):
        make_comment(
            self.page,
            body="Line one\nline two\n\nSee https://example.com/x?a=1&b=2 <b>",
        )
        html = self.get_html()
        self.assertIn(
            '<div class="clinic-comment__body"><p>Line one<br>line two</p>\n\n'
            '<p>See <a rel="nofollow ugc" href="https://example.com/x?a=1&amp;b=2">'
            "https://example.com/x?a=1&amp;b=2</a> &lt;b&gt;</p></div>",
            html,
        )

    def test_reply_link_works_without_javascript(self):
        parent = make_comment(self.page, author_name="Dana")
        html = self.get_html()
        self.assertIn(f'href="{self.page.url}?reply_to={parent.pk}#respond"', html)
        html = self.get_html(f"{self.page.url}?reply_to={parent.pk}")
        self.assertIn("Leave a Reply to Dana", html)
        self.assertIn(f'name="parent_id" value="{parent.pk}"', html)
        self.assertIn(f'<a href="{self.page.url}#respond">Cancel reply</a>', html)

    def test_reply_to_an_unknown_or_pending_comment_is_ignored(self):
        pending = make_comment(self.page, status=CommentStatus.PENDING)
        for value in (str(pending.pk), "999999", "abc", "1" * 50):
            html = self.get_html(f"{self.page.url}?reply_to={value}")
            self.assertIn(">Leave a Reply</h2>", html)
            self.assertNotIn('name="parent_id" value=', html)


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestSubmitting(CommentFormTestCase):
    def test_comment_is_held_and_redirects_to_the_thank_you_state(self):
        response = self.post(form_data(self.page))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response["Location"], f"{self.page.url}?comment=pending#respond"
        )
        self.assertEqual(response["Cache-Control"], "no-store")
        comment = ReaderComment.objects.get()
        self.assertEqual(comment.status, CommentStatus.PENDING)
        self.assertEqual(comment.author_name, COMMENTER_NAME)
        self.assertEqual(comment.email, COMMENTER_EMAIL)
        self.assertEqual(
            comment.body, "Weekly massage fixed my lower back.\n\nThank you!"
        )
        self.assertEqual(comment.source, "form")
        self.assertEqual(len(comment.email_hash), 64)
        self.assertNotIn("127.0.0.1", comment.ip_hash)
        self.assertEqual(len(comment.ip_hash), 32)
        # Not shown until approved.
        self.assertNotIn("Weekly massage", self.get_html())

    def test_thank_you_state(self):
        html = self.get_html(f"{self.page.url}?comment=pending")
        self.assertIn(
            '<p class="clinic-comments__status" role="status">Thanks — your comment '
            "is awaiting moderation.",
            html,
        )

    def test_redirect_carries_no_personal_data(self):
        response = self.post(form_data(self.page))
        for secret in [*PRIVATE, COMMENTER_NAME, "Weekly"]:
            self.assertNotIn(secret, response["Location"])

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        response = self.post(form_data(self.page), client=client)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_with_csrf_token_from_the_form(self):
        client = Client(enforce_csrf_checks=True)
        html = client.get(self.page.url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        data = form_data(self.page, csrfmiddlewaretoken=token)
        self.assertEqual(self.post(data, client=client).status_code, 302)
        self.assertEqual(ReaderComment.objects.count(), 1)

    def test_sensitive_post_parameters_are_marked(self):
        request = RequestFactory().post(self.page.url, form_data(self.page))
        request.user = None
        request.session = {}
        self.page.specific.serve(request)
        self.assertEqual(request.sensitive_post_parameters, "__ALL__")

    def test_other_posts_are_left_to_the_page(self):
        response = self.client.post(self.page.url, {"something": "else"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_reply_to_a_reply_joins_the_top_level_thread(self):
        parent = make_comment(self.page)
        reply = make_comment(self.page, parent=parent)
        self.post(form_data(self.page, parent_id=str(reply.pk)))
        new = ReaderComment.objects.get(status=CommentStatus.PENDING)
        self.assertEqual(new.parent_id, parent.pk)

    def test_reply_only_to_published_comments_of_this_page(self):
        other_home, other_page = self.home, None
        from tests.utils import make_condition_page

        other_page = make_condition_page(
            self.page.get_parent(), title="Neck pain", slug="neck-pain"
        )
        elsewhere = make_comment(other_page)
        pending = make_comment(self.page, status=CommentStatus.PENDING)
        for parent_id in (
            str(elsewhere.pk),
            str(pending.pk),
            "0",
            "-1",
            "x",
            "9" * 30,
            "9" * 10_000,  # Beyond Python's int() digit limit.
        ):
            response = self.post(form_data(self.page, parent_id=parent_id))
            self.assertEqual(response.status_code, 200, parent_id)
            self.assertContains(
                response, "You can only reply to a published comment on this page."
            )
        self.assertEqual(ReaderComment.objects.count(), 2)
        del other_home

    def test_moderators_are_notified_without_personal_data(self):
        moderator = make_moderator()
        make_moderator("second", email="")  # No address: skipped.
        self.post(form_data(self.page))
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, [moderator.email])
        self.assertIn(self.page.title, email.subject)
        self.assertIn(
            f"http://testserver/admin/clinic/comments/?status=pending&page={self.page.pk}",
            email.body,
        )
        for secret in [*PRIVATE, COMMENTER_NAME, "Weekly massage", "127.0.0.1"]:
            self.assertNotIn(secret, email.subject + email.body)

    @override_settings(
        WAGTAIL_CLINIC={
            **NO_LIMITS,
            "COMMENTS_NOTIFICATION_EMAIL": "mod@clinic.example",
        }
    )
    def test_notification_address_setting(self):
        self.post(form_data(self.page))
        self.assertEqual(mail.outbox[0].to, ["mod@clinic.example"])

    def test_notification_is_sent_after_commit_only(self):
        make_moderator()
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.client.post(self.page.url, form_data(self.page))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)

    def test_returning_commenters_are_not_auto_approved_by_default(self):
        make_comment(self.page, email=COMMENTER_EMAIL)
        self.post(form_data(self.page))
        self.assertEqual(ReaderComment.objects.filter(status="pending").count(), 1)

    @override_settings(
        WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_AUTO_APPROVE_RETURNING": True}
    )
    def test_returning_commenters_can_be_auto_approved(self):
        earlier = make_comment(self.page, email=COMMENTER_EMAIL.upper())
        make_moderator()
        response = self.post(form_data(self.page, email=f"  {COMMENTER_EMAIL}  "))
        new = ReaderComment.objects.exclude(pk=earlier.pk).get()
        self.assertEqual(new.status, CommentStatus.APPROVED)
        self.assertEqual(
            response["Location"], f"{self.page.url}?comment=published#comment-{new.pk}"
        )
        self.assertEqual(mail.outbox, [])
        html = self.get_html(response["Location"])
        self.assertIn("Thanks — your comment has been published.", html)
        self.assertIn("Weekly massage fixed my lower back.", html)

    @override_settings(
        WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_AUTO_APPROVE_RETURNING": True}
    )
    def test_only_an_approved_earlier_comment_counts(self):
        make_comment(self.page, email=COMMENTER_EMAIL, status=CommentStatus.SPAM)
        self.post(form_data(self.page))
        self.assertEqual(ReaderComment.objects.filter(status="pending").count(), 1)


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestErrors(CommentFormTestCase):
    def assert_rejected(self, data, field, message):
        response = self.post(data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ReaderComment.objects.count(), 0)
        html = response.content.decode()
        summary = html[html.index('class="clinic-error-summary"') :]
        summary = summary[: summary.index("</div>")]
        self.assertIn('role="alert"', summary)
        self.assertIn(f'<a href="#clinic-comment-{field}">{message}</a>', summary)
        self.assertIn(
            f'<p class="clinic-field__error" id="clinic-comment-{field}_error">'
            f'<span class="clinic-visually-hidden">Error:</span> {message}</p>',
            html,
        )
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', html)[0]
        self.assertIn('aria-invalid="true"', tag)
        self.assertIn(f"clinic-comment-{field}_error", tag)
        return html

    def test_required_fields(self):
        self.assert_rejected(
            form_data(self.page, author_name=""), "author_name", "Enter your name."
        )
        self.assert_rejected(
            form_data(self.page, email=""), "email", "Enter your email address."
        )
        self.assert_rejected(
            form_data(self.page, body="   "), "body", "Write your comment."
        )

    def test_invalid_email(self):
        self.assert_rejected(
            form_data(self.page, email="not-an-email"),
            "email",
            "Enter an email address like name@example.com.",
        )

    def test_html_is_refused_and_the_text_kept(self):
        html = self.assert_rejected(
            form_data(self.page, body="Hello <b>world</b>"),
            "body",
            "Comments are plain text: remove anything that looks like an HTML tag, "
            "such as &lt;b&gt; or &lt;/p&gt;.",
        )
        self.assertIn("Hello &lt;b&gt;world&lt;/b&gt;</textarea>", html)

    def test_lone_angle_brackets_are_fine(self):
        self.assertEqual(
            self.post(
                form_data(self.page, body="I <3 this, and 2 < 3 > 1")
            ).status_code,
            302,
        )

    def test_name_on_one_line_without_links(self):
        self.assert_rejected(
            form_data(self.page, author_name="Dana\nLee"),
            "author_name",
            "Use letters, numbers and punctuation only, on one line.",
        )
        self.assert_rejected(
            form_data(self.page, author_name="Cheap pills www.pills.example"),
            "author_name",
            "Enter your name without links.",
        )

    def test_control_characters_in_the_comment(self):
        self.assert_rejected(
            form_data(self.page, body="Hi\x07there"),
            "body",
            "Remove the special characters from your message.",
        )
        response = self.post(form_data(self.page, body="Hi\x00there"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_error_page_keeps_the_reply_target(self):
        parent = make_comment(self.page, author_name="Dana")
        response = self.post(form_data(self.page, parent_id=str(parent.pk), body=""))
        self.assertContains(response, "Leave a Reply to Dana")
        self.assertContains(response, f'name="parent_id" value="{parent.pk}"')


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestOffByDefault(TestCase):
    """A new page on a new site shows no comments until the editor turns them on."""

    def setUp(self):
        cache.clear()
        root, _home = make_site_tree()
        home = root.add_child(instance=Page(title="New clinic", slug="new-clinic"))
        self.site = Site.objects.create(
            hostname="127.0.0.1", port=80, root_page=home, site_name="New clinic"
        )
        index = make_condition_index(home)
        self.page = make_condition_page(index, title="Neck pain", slug="neck-pain")
        self.client = Client(HTTP_HOST="127.0.0.1")

    def has_form(self):
        response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        return "Leave a Reply" in response.content.decode()

    def set_site_comments(self, enabled):
        settings = ClinicSettings.for_site(self.site)
        settings.comments_enabled = enabled
        settings.save()

    def set_page_comments(self, enabled):
        self.page.comments_enabled = enabled
        self.page.save_revision().publish()

    def test_defaults_are_off(self):
        self.assertFalse(self.page.comments_enabled)
        self.assertFalse(ClinicSettings.objects.filter(site=self.site).exists())
        self.assertFalse(self.has_form())
        self.assertFalse(ClinicSettings.for_site(self.site).comments_enabled)

    def test_form_only_when_page_and_site_both_allow_it(self):
        self.set_page_comments(True)  # No ClinicSettings row yet: still closed.
        self.assertFalse(ClinicSettings.objects.filter(site=self.site).exists())
        self.assertFalse(self.has_form())
        self.set_page_comments(False)
        self.set_site_comments(True)
        self.assertFalse(self.has_form())
        self.set_page_comments(True)
        self.assertTrue(self.has_form())
        self.set_site_comments(False)
        self.assertFalse(self.has_form())

    def test_no_site_at_all_means_closed(self):
        self.page.comments_enabled = True
        Site.objects.all().delete()
        self.assertFalse(self.page.comments_open())

    def test_posting_is_refused_while_the_site_has_not_turned_them_on(self):
        self.set_page_comments(True)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.page.url, form_data(self.page))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ReaderComment.objects.count(), 0)


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestClosed(CommentFormTestCase):
    def test_page_flag_off_hides_comments_and_form(self):
        make_comment(self.page, body="Old comment.")
        self.page.comments_enabled = False
        self.page.save_revision().publish()
        html = self.get_html()
        self.assertNotIn("Leave a Reply", html)
        self.assertNotIn("Old comment.", html)

    def test_site_setting_off_hides_comments_and_form(self):
        settings = ClinicSettings.for_site(Site.objects.get(is_default_site=True))
        settings.comments_enabled = False
        settings.save()
        self.assertNotIn("Leave a Reply", self.get_html())

    def test_posting_to_a_closed_page_is_refused(self):
        self.page.comments_enabled = False
        self.page.save_revision().publish()
        response = self.post(form_data(self.page))
        self.assertEqual(response.status_code, 403)
        self.assertContains(
            response, "Comments are closed on this page.", status_code=403
        )
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_password_protected_page_does_not_take_comments(self):
        PageViewRestriction.objects.create(
            page=self.page, restriction_type="password", password="secret"
        )
        response = self.post(form_data(self.page))
        self.assertEqual(response.status_code, 200)  # The password form.
        self.assertEqual(ReaderComment.objects.count(), 0)
