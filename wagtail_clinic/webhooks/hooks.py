"""Wagtail admin registrations of the webhook log (layer 5).

Imported by ``wagtail_clinic.wagtail_hooks``; the log's viewset itself is in
the "Clinic" menu group (``wagtail_clinic.viewsets``).
"""

from wagtail.permissions import register_permission_policy

from wagtail_clinic.webhooks.models import WebhookDelivery
from wagtail_clinic.webhooks.viewsets import ReadOnlyPermissionPolicy


register_permission_policy(WebhookDelivery, ReadOnlyPermissionPolicy(WebhookDelivery))
