"""Who may see appointment requests: only holders of their own permission (layer 5).

Django's model permissions alone would let a group with "change" but not
"view" list requests (Wagtail's listing accepts any of add/change/delete/view)
and would let superusers "add" requests in the admin. This policy makes
"view" a precondition of every action and allows no "add" at all: requests
only ever come from patients.
"""

from wagtail.permission_policies import ModelPermissionPolicy


class AppointmentRequestPermissionPolicy(ModelPermissionPolicy):
    """Model permissions where every action also needs "view", and "add" is never allowed."""

    def user_has_permission(self, user, action):
        """Whether ``user`` may do ``action`` ("add": never; others need "view")."""
        if action == "add" or not user.is_active:
            return False
        if not user.has_perm(self._get_permission_name("view")):
            return False
        return action == "view" or user.has_perm(self._get_permission_name(action))

    def users_with_any_permission(self, actions):
        """The active users with "view" and one of ``actions`` (never "add")."""
        actions = [action for action in actions if action != "add"]
        viewers = super().users_with_any_permission(["view"])
        if not actions:
            return viewers.none()
        if "view" in actions:
            return viewers
        others = super().users_with_any_permission(actions)
        return viewers.filter(pk__in=others.values("pk"))
