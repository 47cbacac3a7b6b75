"""Wagtail hooks of the reader comments (layer 5), imported by ``wagtail_clinic.wagtail_hooks``.

* the permission policy and the "Comments" moderation queue;
* the bulk actions approve / reject / mark as spam / delete, and their
  audit log actions;
* a "Comments: N awaiting moderation, M published" item in the page
  header's actions menu (page editor and page listing) of commentable pages;
* a "N comments awaiting moderation" line in the dashboard's site summary,
  for moderators.
"""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy

from wagtail_clinic.comments.bulk_actions import (
    APPROVE_ACTION,
    BULK_ACTIONS,
    REJECT_ACTION,
    SPAM_ACTION,
)
from wagtail_clinic.comments.mixins import CommentsMixin
from wagtail_clinic.comments.models import CommentStatus, ReaderComment
from wagtail_clinic.comments.permissions import (
    ReaderCommentPermissionPolicy,
    can_moderate,
)
from wagtail_clinic.comments.viewsets import ReaderCommentViewSet


# Before the viewset asks the registry for a policy (which would create the
# default one).
register_permission_policy(ReaderComment, ReaderCommentPermissionPolicy(ReaderComment))


@hooks.register("register_admin_viewset")
def register_reader_comment_viewset():
    """The "Comments" moderation queue."""
    return ReaderCommentViewSet()


@hooks.register("register_log_actions")
def register_reader_comment_log_actions(actions):
    """The audit log actions of the bulk actions: approve, reject, spam."""
    actions.register_action(
        APPROVE_ACTION, gettext_lazy("Approve comment"), gettext_lazy("Approved")
    )
    actions.register_action(
        REJECT_ACTION, gettext_lazy("Reject comment"), gettext_lazy("Rejected")
    )
    actions.register_action(
        SPAM_ACTION,
        gettext_lazy("Mark comment as spam"),
        gettext_lazy("Marked as spam"),
    )


for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action)


def comment_counts(page_id):
    """``{status: count}`` of one page's comments, in one query."""
    rows = (
        ReaderComment.objects.filter(page_id=page_id)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def comments_label(counts):
    """ "Comments: N awaiting moderation, M published" for ``{status: count}``."""
    pending = counts.get(CommentStatus.PENDING, 0)
    approved = counts.get(CommentStatus.APPROVED, 0)
    return _("Comments: %(pending)s, %(approved)s") % {
        "pending": ngettext(
            "%(count)d awaiting moderation", "%(count)d awaiting moderation", pending
        )
        % {"count": pending},
        "approved": ngettext("%(count)d published", "%(count)d published", approved)
        % {"count": approved},
    }


@hooks.register("register_page_header_buttons")
def page_comments_header_button(page, user, view_name, next_url=None):
    """The page's comment counts, linking moderators to its queue."""
    page_class = page.specific_class
    if page_class is None or not issubclass(page_class, CommentsMixin):
        return
    if can_moderate(user):
        url = reverse("clinic_comments:index") + "?" + urlencode({"page": page.pk})
    elif page.permissions_for_user(user).can_edit() and page.live and page.url:
        url = page.url + "#comments"
    else:
        return
    yield Button(
        comments_label(comment_counts(page.pk)),
        url,
        icon_name="comment",
        priority=80,
    )


class PendingCommentsSummaryItem(SummaryItem):
    order = 450
    template_name = "wagtail_clinic/admin/comments/summary_item.html"

    def get_context_data(self, parent_context):
        pending = ReaderComment.objects.filter(status=CommentStatus.PENDING).count()
        return {
            "pending": pending,
            "url": reverse("clinic_comments:index") + "?status=pending",
        }

    def is_shown(self):
        return can_moderate(self.request.user)


@hooks.register("construct_homepage_summary_items")
def add_pending_comments_summary_item(request, summary_items):
    summary_items.append(PendingCommentsSummaryItem(request))
