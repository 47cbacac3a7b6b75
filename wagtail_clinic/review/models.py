"""The clinical review workflow task (layer 4a).

Add a "Clinical review" task to a Wagtail workflow (Settings › Workflows) and
choose the group of clinicians who review articles. Only members of that group
can approve or request changes; approving records the review on the article
(see ``ClinicalReviewTask.record_review``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from wagtail_clinic.models.snippets import Therapist
from wagtail_clinic.review.status import next_review_date


class ClinicalReviewTask(AbstractGroupApprovalTask):
    """A workflow step that only the chosen clinicians' groups can approve.

    Unlike Wagtail's group approval task, superusers are not exempt: a
    clinical sign-off must come from a member of the chosen groups (add a
    superuser to a group if they review articles).

    When ``record_review`` is on and the approving user is linked to a
    ``Therapist`` (the therapist's "admin user"), approval records the review
    on pages that have review fields: ``last_reviewed`` becomes today,
    ``next_review_due`` one review interval later and ``reviewed_by`` that
    therapist. The change is saved as a new revision, which is the one the
    workflow goes on with (and publishes when it ends).
    """

    record_review = models.BooleanField(
        _("record the review on approval"),
        default=True,
        help_text=_(
            "When a reviewer linked to a therapist approves, set the article's "
            "'last reviewed' date to today and name that therapist as the reviewer."
        ),
    )

    admin_form_fields = [*AbstractGroupApprovalTask.admin_form_fields, "record_review"]

    class Meta:
        verbose_name = _("clinical review task")
        verbose_name_plural = _("clinical review tasks")

    @classmethod
    def get_description(cls):
        """The task type's description in the workflow editor."""
        return _(
            "Members of the chosen groups check the article's medical content "
            "and approve it or request changes"
        )

    def user_can_review(self, user):
        """Whether ``user`` may approve or reject this task (group members only)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return self._user_in_groups(user)

    def user_can_access_editor(self, obj, user):
        """Only reviewers may open the editor from the task."""
        return self.user_can_review(user)

    def locked_for_user(self, obj, user):
        """Locked for everyone but reviewers (and superusers)."""
        return not (user.is_superuser or self.user_can_review(user))

    def get_actions(self, obj, user):
        """Approve or request changes, for reviewers only."""
        if self.user_can_review(user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """The in-progress states of this task, for reviewers only."""
        if self.user_can_review(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        """Check the reviewer; on approval, record the review first."""
        if action_name in ("approve", "reject") and not self.user_can_review(user):
            raise PermissionDenied
        if action_name == "approve" and self.record_review:
            self.record_review_on(task_state, user)
        return super().on_action(task_state, user, action_name, **kwargs)

    def record_review_on(self, task_state, user, today=None):
        """Save a revision that records ``user``'s review; return it, or None.

        Nothing is recorded when ``user`` is not linked to a therapist or the
        object has no review fields.
        """
        workflow_state = task_state.workflow_state
        obj = workflow_state.content_object
        draft = obj.get_latest_revision_as_object()
        if not all(
            hasattr(draft, name)
            for name in ("last_reviewed", "next_review_due", "reviewed_by_id")
        ):
            return None
        therapists = Therapist.objects.filter(user=user)
        locale_id = getattr(draft, "locale_id", None)
        # Prefer the therapist's entry in the page's language, if translated.
        therapist = therapists.filter(locale_id=locale_id).first() or therapists.first()
        if therapist is None:
            return None
        today = today or datetime.date.today()
        draft.last_reviewed = today
        draft.next_review_due = next_review_date(today)
        draft.reviewed_by = therapist
        revision = draft.save_revision(user=user, clean=False)
        # The workflow (and Wagtail's "publish on approval") goes on with the
        # latest revision; keep the cached object and the task states in step.
        obj.latest_revision = revision
        task_state.revision = revision
        if getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
            # Recording the review is not an edit: earlier approvals still hold.
            workflow_state.copy_approved_task_states_to_revision(revision)
        return revision
