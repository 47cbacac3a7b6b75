"""Wagtail hooks of the appointment requests (layer 5), imported by ``wagtail_clinic.wagtail_hooks``."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from wagtail_clinic.booking.models import AppointmentRequest
from wagtail_clinic.booking.permissions import AppointmentRequestPermissionPolicy
from wagtail_clinic.booking.viewsets import (
    EXPORT_ACTION,
    PURGE_ACTION,
    VIEW_ACTION,
    AppointmentRequestViewSet,
)


# Before the viewset asks the registry for a policy (which would create the
# default one).
register_permission_policy(
    AppointmentRequest, AppointmentRequestPermissionPolicy(AppointmentRequest)
)


@hooks.register("register_admin_viewset")
def register_appointment_request_viewset():
    """The "Appointment requests" admin."""
    return AppointmentRequestViewSet()


@hooks.register("register_log_actions")
def register_appointment_request_log_actions(actions):
    """The audit log actions: view, export, purge."""
    for action, label, message in (
        (VIEW_ACTION, _("View appointment request"), _("Viewed the request")),
        (EXPORT_ACTION, _("Export appointment request"), _("Exported the request")),
    ):
        actions.register_action(action, label, message)

    @actions.register_action(PURGE_ACTION)
    class PurgeFormatter(LogFormatter):
        label = _("Purge expired appointment requests")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            count = data.get("deleted", 0)
            return ngettext(
                "Deleted %(count)d request older than %(days)d days",
                "Deleted %(count)d requests older than %(days)d days",
                count,
            ) % {"count": count, "days": data.get("older_than_days", 0)}
