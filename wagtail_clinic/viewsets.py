"""Admin viewsets for the clinic snippets, grouped under one "Clinic" menu."""

import json

from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from wagtail_clinic.models import Clinic, Therapist, WebhookDelivery


class ClinicViewSet(SnippetViewSet):
    model = Clinic
    icon = "site"
    menu_label = _("Clinics")
    list_display = ["name", "locality", "phone", "accepting_new_patients"]
    list_filter = ["accepting_new_patients"]
    search_fields = ["name", "locality"]


class TherapistViewSet(SnippetViewSet):
    model = Therapist
    icon = "user"
    menu_label = _("Therapists")
    list_display = ["name", "credentials", "clinic"]
    list_filter = ["clinic"]
    search_fields = ["name"]


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions with only "view": nobody adds, edits or deletes.

    Superusers pass every ``has_perm`` check, so a plain policy would show
    them add/edit/delete views for a log that only the app writes.
    """

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action == "view"]
        )


class WebhookDeliveryInspectView(InspectView):
    def get_payload_display_value(self):
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
    list_display = [
        "event",
        "page_title",
        "display_url",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = WebhookDeliveryInspectView
    inspect_view_fields = [
        "delivery_id",
        "event",
        "page_title",
        "display_url",
        "status",
        "attempts",
        "last_response_code",
        "last_error",
        "next_attempt_at",
        "created_at",
        "updated_at",
        "payload",
    ]

    def get_common_view_kwargs(self, **kwargs):
        # No add/edit/delete/history/usage views exist to link to.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        pk = f"<{self.pk_path_converter}:pk>"
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/{pk}/", self.inspect_view, name="inspect"),
        ]


class ClinicViewSetGroup(SnippetViewSetGroup):
    """The "Clinic" admin menu: clinics, therapists and the webhook log.

    The webhook log is a plain ``ModelViewSet`` (not a snippet: it is a
    read-only log, not content to choose or edit); groups register any
    viewset, so it still sits in this menu.
    """

    items = (ClinicViewSet, TherapistViewSet, WebhookDeliveryViewSet)
    menu_icon = "group"
    menu_label = _("Clinic")
    menu_name = "clinic"
