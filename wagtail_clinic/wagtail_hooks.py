"""Wagtail admin integration: the "Clinic" snippets menu."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from wagtail_clinic import review_views
from wagtail_clinic.appointments import hooks as appointment_hooks  # noqa: F401
from wagtail_clinic.comments import hooks as comment_hooks  # noqa: F401
from wagtail_clinic.models import WebhookDelivery
from wagtail_clinic.viewsets import ClinicViewSetGroup, ReadOnlyPermissionPolicy


register_permission_policy(WebhookDelivery, ReadOnlyPermissionPolicy(WebhookDelivery))
register_snippet(ClinicViewSetGroup)

# Medical review: Reports › Medical review and its dashboard panel.
hooks.register("register_admin_urls", review_views.register_admin_urls)
hooks.register("register_reports_menu_item", review_views.register_reports_menu_item)
hooks.register("construct_homepage_panels", review_views.construct_homepage_panels)
