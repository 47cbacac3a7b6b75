"""The read-only "Webhook log" in the Wagtail admin (layer 5).

The viewset is listed in the "Clinic" menu by ``wagtail_clinic.viewsets``;
``webhooks.hooks`` registers the read-only permission policy.
"""

import json

from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from wagtail_clinic.webhooks.models import WebhookDelivery


#: The columns of an attempt, shown in the list and on the inspect view.
_ATTEMPT_FIELDS = [
    "event",
    "page_title",
    "display_url",
    "status",
    "attempts",
    "last_response_code",
]


#: Views the log does not have: it is written by the app only.
_MISSING_VIEWS = ("add", "edit", "delete", "history", "usage")


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions with only "view": nobody adds, edits or deletes.

    Superusers pass every ``has_perm`` check, so a plain policy would show
    them add/edit/delete views for a log that only the app writes.
    """

    def user_has_permission(self, user, action):
        """Only "view" is ever allowed."""
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        """The users who may view, whatever else ``actions`` asks for."""
        return super().users_with_any_permission(
            [action for action in actions if action == "view"]
        )


class WebhookDeliveryInspectView(InspectView):
    """Shows a delivery, with its payload as indented JSON."""

    def get_payload_display_value(self):
        """The payload, pretty-printed in a ``<pre>``."""
        payload = json.dumps(self.object.payload, indent=2, ensure_ascii=False)
        return format_html("<pre>{}</pre>", payload)


class WebhookDeliveryViewSet(ModelViewSet):
    """Read-only log of publish webhooks, for superusers and users with the
    "Can view webhook delivery" permission."""

    model = WebhookDelivery
    name = "clinic_webhooks"
    url_prefix = "clinic/webhooks"
    icon = "resubmit"
    menu_label = _("Webhook log")
    list_display = [*_ATTEMPT_FIELDS, "next_attempt_at", "created_at"]
    list_filter = ["status", "event"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = WebhookDeliveryInspectView
    inspect_view_fields = [
        "delivery_id",
        *_ATTEMPT_FIELDS,
        "last_error",
        "next_attempt_at",
        "created_at",
        "updated_at",
        "payload",
    ]

    def get_common_view_kwargs(self, **kwargs):
        """No add/edit/delete/history/usage views exist to link to."""
        missing = {f"{view}_url_name": None for view in _MISSING_VIEWS}
        return super().get_common_view_kwargs(**{**missing, **kwargs})

    def get_urlpatterns(self):
        """Only the listing and the inspect view."""
        inspect = f"inspect/<{self.pk_path_converter}:pk>/"
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(inspect, self.inspect_view, name="inspect"),
        ]
