"""Bulk moderation in the comments queue: approve, reject, mark as spam, delete (layer 5).

Wagtail's bulk-action framework (``register_bulk_action``): the listing's
footer links to ``/admin/bulk/wagtail_clinic/readercomment/<action>/?id=…``,
which asks for confirmation and then acts on every chosen comment. Only
moderators get that far: everyone else gets 403 before anything is shown.
"Select all in listing" acts on the comments the listing's filters match.
Each comment acted on gets an entry in Wagtail's audit log (Reports › Site
history, and the comment's history), naming the moderator.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.log_actions import log

from wagtail_clinic.comments.models import CommentStatus, ReaderComment
from wagtail_clinic.comments.permissions import can_moderate
from wagtail_clinic.comments.viewsets import ReaderCommentFilterSet, comment_excerpt


#: Audit log actions of the moderation bulk actions (deleting logs Wagtail's
#: own "wagtail.delete").
APPROVE_ACTION = "wagtail_clinic.comment.approve"
REJECT_ACTION = "wagtail_clinic.comment.reject"
SPAM_ACTION = "wagtail_clinic.comment.mark_spam"


def _valid_ids(object_ids):
    """Only plausible primary keys: anything else would be a database error."""
    return [
        int(value)
        for value in object_ids
        if str(value).isascii() and str(value).isdigit() and len(str(value)) < 19
    ]


class ReaderCommentBulkAction(BulkAction):
    """Base of the moderation bulk actions; subclasses set ``status``."""

    models = [ReaderComment]
    template_name = "wagtail_clinic/admin/comments/confirm_bulk_action.html"
    #: The status the action sets; None for delete.
    status = None
    #: The audit log action recorded for each comment (see ``comments.hooks``).
    log_action = ""
    #: "%(count)d comments approved."-style message, with ``ngettext_lazy``.
    success_message = ""
    question = ""
    action_button_class = ""

    def dispatch(self, request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        comments = list(
            ReaderComment.objects.filter(pk__in=_valid_ids(object_ids))
            .select_related("page")
            .order_by("-created_at", "-pk")
        )
        if not comments:  # As Wagtail's own bulk actions do.
            raise Http404
        return comments

    def get_all_objects_in_listing_query(self, parent_id):
        # The footer's "select all" sends the listing's filters along.
        filterset = ReaderCommentFilterSet(
            self.request.GET, queryset=ReaderComment.objects.all(), request=self.request
        )
        queryset = (
            filterset.qs if filterset.is_valid() else ReaderComment.objects.none()
        )
        return queryset.values_list("pk", flat=True)

    def check_perm(self, obj):
        return can_moderate(self.request.user)

    def object_context(self, obj):
        return {"item": obj, "excerpt": comment_excerpt(obj)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            header_title=self.display_name,
            question=self.question,
            action_button_text=self.display_name,
            action_button_class=self.action_button_class,
        )
        return context

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        comments = ReaderComment.objects.filter(pk__in=[obj.pk for obj in objects])
        for comment in objects:
            log(comment, cls.log_action, user=user, data={"status": cls.status})
        count = comments.update(
            status=cls.status, moderated_at=timezone.now(), moderated_by=user
        )
        return count, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return self.success_message % {"count": num_parent_objects}


class ApproveBulkAction(ReaderCommentBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected comments")
    action_priority = 10
    status = CommentStatus.APPROVED
    log_action = APPROVE_ACTION
    question = _("Publish these comments on their pages?")
    success_message = ngettext_lazy(
        "%(count)d comment approved.", "%(count)d comments approved.", "count"
    )


class RejectBulkAction(ReaderCommentBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject selected comments")
    action_priority = 20
    status = CommentStatus.REJECTED
    log_action = REJECT_ACTION
    question = _("Reject these comments? They will not be shown on the site.")
    success_message = ngettext_lazy(
        "%(count)d comment rejected.", "%(count)d comments rejected.", "count"
    )


class MarkSpamBulkAction(ReaderCommentBulkAction):
    display_name = _("Mark as spam")
    action_type = "mark_spam"
    aria_label = _("Mark selected comments as spam")
    action_priority = 30
    status = CommentStatus.SPAM
    log_action = SPAM_ACTION
    question = _("Mark these comments as spam? They will not be shown on the site.")
    success_message = ngettext_lazy(
        "%(count)d comment marked as spam.",
        "%(count)d comments marked as spam.",
        "count",
    )


class DeleteBulkAction(ReaderCommentBulkAction):
    display_name = _("Delete")
    action_type = "delete"
    aria_label = _("Delete selected comments")
    action_priority = 40
    classes = {"serious"}
    action_button_class = "serious"
    log_action = "wagtail.delete"
    question = _(
        "Delete these comments for good? Replies to them stay, as top-level comments."
    )
    success_message = ngettext_lazy(
        "%(count)d comment deleted.", "%(count)d comments deleted.", "count"
    )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for comment in objects:
            log(comment, cls.log_action, user=user)
        count, _per_model = ReaderComment.objects.filter(
            pk__in=[obj.pk for obj in objects]
        ).delete()
        return count, 0


BULK_ACTIONS = [
    ApproveBulkAction,
    RejectBulkAction,
    MarkSpamBulkAction,
    DeleteBulkAction,
]
