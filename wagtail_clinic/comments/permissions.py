"""Who may moderate reader comments: holders of one dedicated permission (layer 5).

``ReaderComment`` has a single permission, "Can moderate reader comments"
(``wagtail_clinic.moderate_readercomment``). It grants the whole moderation
queue: listing (with commenters' email addresses), approving, rejecting,
marking as spam, editing the status and deleting. Page edit rights grant
nothing here, and nobody may "add" a comment in the admin: readers send them.
"""

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from wagtail_clinic.comments.models import ReaderComment


MODERATE = "moderate"
#: The actions Wagtail's generic views ask about; all mean "moderate" here.
MODERATION_ACTIONS = frozenset({MODERATE, "view", "change", "delete"})


class ReaderCommentPermissionPolicy(ModelPermissionPolicy):
    """Every action but "add" needs the "moderate" permission; "add" is never allowed."""

    def user_has_permission(self, user, action):
        """Whether ``user`` may do ``action``: "moderate" decides all but "add"."""
        if action not in MODERATION_ACTIONS or not user.is_active:
            return False
        return user.has_perm(self._get_permission_name(MODERATE))

    def users_with_any_permission(self, actions):
        """The moderators, if ``actions`` names a moderation action."""
        if not MODERATION_ACTIONS.intersection(actions):
            return self._get_users_with_any_permission_codenames([]).none()
        return self._get_users_with_any_permission_codenames(
            [self._get_permission_codename(MODERATE)]
        )


def get_permission_policy():
    """The registered policy for ``ReaderComment`` (see ``hooks``)."""
    return policy_registry.get_by_type(ReaderComment)


def can_moderate(user):
    """Whether ``user`` may use the moderation queue."""
    return get_permission_policy().user_has_permission(user, MODERATE)
