"""The comments moderation queue: permissions, filters, bulk actions, counts."""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry

from tests.comment_utils import (
    COMMENTER_EMAIL,
    PRIVATE,
    make_admin_user,
    make_article,
    make_comment,
    make_moderator,
)
from tests.utils import make_condition_page
from wagtail_clinic.comments.notifications import notification_recipients
from wagtail_clinic.comments.permissions import get_permission_policy
from wagtail_clinic.models import CommentStatus, ReaderComment


INDEX_URL = "/admin/clinic/comments/"


def bulk_url(action, ids, **params):
    query = [("id", str(pk)) for pk in ids] + list(params.items())
    base = reverse(
        "wagtail_bulk_action", args=("wagtail_clinic", "readercomment", action)
    )
    return f"{base}?{urlencode(query)}"


class ModerationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()
        cls.other = make_condition_page(
            cls.page.get_parent(), title="Neck pain", slug="neck-pain"
        )
        cls.moderator = make_moderator()
        # An editor who may edit every page but not moderate comments, and
        # one who may do both.
        cls.editor = make_admin_user("editor")
        cls.moderating_editor = make_moderator("moderating-editor")
        for user in (cls.editor, cls.moderating_editor):
            for permission in ("add_page", "change_page", "publish_page"):
                GroupPagePermission.objects.create(
                    group=user.groups.get(),
                    page=cls.home,
                    permission=Permission.objects.get(codename=permission),
                )
        cls.pending = make_comment(
            cls.page,
            status=CommentStatus.PENDING,
            email=COMMENTER_EMAIL,
            body="Pending one",
        )
        cls.approved = make_comment(cls.page, body="Approved one")
        cls.elsewhere = make_comment(
            cls.other, status=CommentStatus.PENDING, body="On another page"
        )


class TestPermissions(ModerationTestCase):
    def test_one_dedicated_permission(self):
        permission = Permission.objects.get(codename="moderate_readercomment")
        self.assertEqual(permission.name, "Can moderate reader comments")
        self.assertEqual(
            set(
                Permission.objects.filter(
                    content_type=permission.content_type
                ).values_list("codename", flat=True)
            ),
            {"moderate_readercomment"},
        )

    def test_policy(self):
        policy = get_permission_policy()
        for action in ("view", "change", "delete", "moderate"):
            self.assertTrue(policy.user_has_permission(self.moderator, action))
            self.assertFalse(policy.user_has_permission(self.editor, action))
        self.assertFalse(policy.user_has_permission(self.moderator, "add"))
        superuser = get_user_model().objects.create_superuser(
            "admin", "a@b.example", "x"
        )
        self.assertFalse(policy.user_has_permission(superuser, "add"))
        self.assertTrue(policy.user_has_permission(superuser, "moderate"))
        self.assertEqual(
            set(policy.users_with_any_permission(["moderate"])),
            {self.moderator, self.moderating_editor, superuser},
        )

    def test_editor_without_the_permission_sees_nothing(self):
        self.client.force_login(self.editor)
        for url in (
            INDEX_URL,
            f"{INDEX_URL}results/",
            f"{INDEX_URL}inspect/{self.pending.pk}/",
            f"{INDEX_URL}edit/{self.pending.pk}/",
            f"{INDEX_URL}delete/{self.pending.pk}/",
        ):
            response = self.client.get(url)
            self.assertIn(response.status_code, (302, 403), url)
            for secret in [*PRIVATE, "Pending one"]:
                self.assertNotIn(secret, response.content.decode(), url)
        menu = self.client.get("/admin/").content.decode()
        self.assertNotIn(INDEX_URL, menu)

    def test_editor_cannot_use_bulk_actions(self):
        self.client.force_login(self.editor)
        for action in ("approve", "reject", "mark_spam", "delete"):
            url = bulk_url(action, [self.pending.pk])
            # Wagtail's admin answers PermissionDenied with a redirect to the
            # dashboard and a "no permission" message.
            for response in (self.client.get(url), self.client.post(url)):
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], "/admin/")
                self.assertNotIn("Pending one", response.content.decode())
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, CommentStatus.PENDING)

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(INDEX_URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_no_add_view(self):
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.get(f"{INDEX_URL}add/").status_code, 404)


class TestQueue(ModerationTestCase):
    def setUp(self):
        self.client.force_login(self.moderator)

    def test_listing_with_menu_item_and_bulk_actions(self):
        response = self.client.get(INDEX_URL)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for text in ("Pending one", "Approved one", "On another page", "Neck pain"):
            self.assertIn(text, html)
        self.assertIn("data-bulk-action-checkbox", html)
        for action in ("approve", "reject", "mark_spam", "delete"):
            self.assertIn(f"/admin/bulk/wagtail_clinic/readercomment/{action}/", html)
        # Email addresses are only in the inspect view.
        self.assertNotIn(COMMENTER_EMAIL, html)
        self.assertIn(INDEX_URL, self.client.get("/admin/").content.decode())

    def test_filters(self):
        html = self.client.get(INDEX_URL, {"status": "pending"}).content.decode()
        self.assertIn("Pending one", html)
        self.assertNotIn("Approved one", html)
        html = self.client.get(INDEX_URL, {"page": self.other.pk}).content.decode()
        self.assertIn("On another page", html)
        self.assertNotIn("Pending one", html)
        today = self.pending.created_at.date().isoformat()
        html = self.client.get(
            INDEX_URL, {"created_at_from": today, "created_at_to": today}
        ).content.decode()
        self.assertIn("Pending one", html)
        html = self.client.get(
            INDEX_URL, {"created_at_from": "2000-01-01", "created_at_to": "2000-01-02"}
        ).content.decode()
        self.assertNotIn("Pending one", html)

    def test_views_render(self):
        for url in (
            f"{INDEX_URL}edit/{self.pending.pk}/",
            f"{INDEX_URL}delete/{self.pending.pk}/",
            f"{INDEX_URL}results/?status=pending",
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_search(self):
        html = self.client.get(INDEX_URL, {"q": "Approved"}).content.decode()
        self.assertIn("Approved one", html)
        self.assertNotIn("Pending one", html)

    def test_delete_one(self):
        response = self.client.post(f"{INDEX_URL}delete/{self.pending.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ReaderComment.objects.filter(pk=self.pending.pk).exists())

    def test_inspect_shows_the_email_to_moderators(self):
        response = self.client.get(f"{INDEX_URL}inspect/{self.pending.pk}/")
        self.assertContains(response, COMMENTER_EMAIL)
        self.assertContains(response, "Pending one")

    def test_edit_the_status(self):
        response = self.client.post(
            f"{INDEX_URL}edit/{self.pending.pk}/", {"status": "approved"}
        )
        self.assertEqual(response.status_code, 302)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, CommentStatus.APPROVED)
        self.assertEqual(self.pending.moderated_by, self.moderator)
        self.assertIsNotNone(self.pending.moderated_at)

    def assert_logged(self, action, comments):
        """Each comment has one audit log entry of ``action`` by the moderator."""
        entries = ModelLogEntry.objects.filter(
            action=action, object_id__in=[str(c.pk) for c in comments]
        )
        self.assertEqual(
            sorted((e.object_id, e.user_id, e.label) for e in entries),
            sorted(
                (str(c.pk), self.moderator.pk, f"Comment #{c.pk}") for c in comments
            ),
        )
        for entry in entries:
            self.assertNotIn(COMMENTER_EMAIL, str(entry.data))
            # The moderation history names the action, e.g. "Approved".
            self.assertTrue(entry.message)

    def assert_bulk(self, action, status):
        ids = [self.pending.pk, self.elsewhere.pk]
        confirm = self.client.get(bulk_url(action, ids))
        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "Pending one")
        self.assertNotContains(confirm, COMMENTER_EMAIL)
        response = self.client.post(bulk_url(action, ids, next=INDEX_URL))
        self.assertRedirects(response, INDEX_URL, fetch_redirect_response=False)
        for comment in (self.pending, self.elsewhere):
            comment.refresh_from_db()
            self.assertEqual(comment.status, status)
            self.assertEqual(comment.moderated_by, self.moderator)
        self.approved.refresh_from_db()
        self.assertEqual(self.approved.status, CommentStatus.APPROVED)
        self.assert_logged(
            f"wagtail_clinic.comment.{action}", [self.pending, self.elsewhere]
        )
        self.assertFalse(
            ModelLogEntry.objects.filter(object_id=str(self.approved.pk)).exists()
        )

    def test_bulk_approve(self):
        self.assert_bulk("approve", CommentStatus.APPROVED)
        self.assertContains(self.client.get(self.page.url), "Pending one")

    def test_bulk_reject(self):
        self.assert_bulk("reject", CommentStatus.REJECTED)

    def test_bulk_mark_as_spam(self):
        self.assert_bulk("mark_spam", CommentStatus.SPAM)

    def test_bulk_delete_keeps_replies(self):
        reply = make_comment(self.page, parent=self.approved, body="A reply")
        response = self.client.post(
            bulk_url("delete", [self.approved.pk, self.pending.pk], next=INDEX_URL)
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(
            ReaderComment.objects.filter(
                pk__in=[self.approved.pk, self.pending.pk]
            ).exists()
        )
        reply.refresh_from_db()
        self.assertIsNone(reply.parent_id)
        self.assert_logged("wagtail.delete", [self.approved, self.pending])
        self.assertContains(self.client.get(self.page.url), "A reply")

    def test_select_all_respects_the_listing_filters(self):
        response = self.client.post(
            bulk_url(
                "reject", ["all"], status="pending", page=self.page.pk, next=INDEX_URL
            )
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            dict(ReaderComment.objects.values_list("pk", "status")),
            {
                self.pending.pk: CommentStatus.REJECTED,
                self.approved.pk: CommentStatus.APPROVED,
                self.elsewhere.pk: CommentStatus.PENDING,
            },
        )

    def test_garbage_ids(self):
        response = self.client.get(bulk_url("approve", ["abc", "-1", "9" * 40]))
        self.assertEqual(response.status_code, 404)


class TestCountsForEditors(ModerationTestCase):
    def test_page_header_shows_counts_to_moderators(self):
        self.client.force_login(self.moderating_editor)
        response = self.client.get(f"/admin/pages/{self.page.pk}/edit/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Comments: 1 awaiting moderation, 1 published")
        self.assertContains(response, f"{INDEX_URL}?page={self.page.pk}")

    def test_page_header_shows_counts_to_editors_linking_to_the_page(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"/admin/pages/{self.page.pk}/edit/")
        self.assertContains(response, "Comments: 1 awaiting moderation, 1 published")
        self.assertContains(response, f"{self.page.url}#comments")
        self.assertNotContains(response, f"{INDEX_URL}?page=")

    def test_not_on_pages_without_comments(self):
        self.client.force_login(self.moderating_editor)
        response = self.client.get(f"/admin/pages/{self.home.pk}/edit/")
        self.assertNotContains(response, "awaiting moderation")

    def test_dashboard_summary_for_moderators_only(self):
        self.client.force_login(self.moderator)
        response = self.client.get("/admin/")
        self.assertContains(response, f"{INDEX_URL}?status=pending")
        self.assertContains(
            response,
            '2 comments <span class="w-sr-only">are</span> awaiting moderation',
        )
        self.client.force_login(self.editor)
        self.assertNotContains(
            self.client.get("/admin/"), f"{INDEX_URL}?status=pending"
        )


class TestNotificationRecipients(ModerationTestCase):
    def test_active_moderators_with_an_address(self):
        make_moderator("inactive", is_active=False)
        self.assertEqual(
            notification_recipients(),
            sorted([self.moderator.email, self.moderating_editor.email]),
        )
