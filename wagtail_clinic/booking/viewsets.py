"""The "Appointment requests" admin: list, inspect, status, export, delete (layer 5).

A plain ``ModelViewSet`` (not a snippet: requests are not content to choose
or publish), shown only to users with the "Can view appointment request"
permission (see ``permissions``). Viewing a request and exporting requests
leave entries in Wagtail's audit log; exports need the separate "Can export
appointment requests" permission.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from wagtail_clinic.booking.export import escape_csv_cell
from wagtail_clinic.booking.models import REQUEST_FIELDS, AppointmentRequest


VIEW_ACTION = "wagtail_clinic.appointment_request.view"
EXPORT_ACTION = "wagtail_clinic.appointment_request.export"
PURGE_ACTION = "wagtail_clinic.appointment_request.purge"


class AppointmentRequestIndexView(IndexView):
    """The list of requests; exports need "export" and are audit-logged."""

    def dispatch(self, request, *args, **kwargs):
        if self.is_export and not self.user_has_permission("export"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def show_export_buttons(self):
        return bool(self.list_export) and self.user_has_permission("export")

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            value = escape_csv_cell(value)
        return value

    def as_spreadsheet(self, queryset, spreadsheet_format):
        self.log_export(queryset, spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def log_export(self, queryset, spreadsheet_format):
        """One audit entry per exported request: who exported which request."""
        rows = list(queryset.values_list("pk", "reference"))
        template = AppointmentRequest()
        content_type = ContentType.objects.get_for_model(AppointmentRequest)
        now = timezone.now()
        entries = []
        for pk, reference in rows:
            template.pk, template.reference = pk, reference
            entries.append(
                ModelLogEntry(
                    content_type=content_type,
                    object_id=str(pk),
                    label=str(template),
                    action=EXPORT_ACTION,
                    timestamp=now,
                    user=self.request.user,
                    data={"format": spreadsheet_format},
                )
            )
        ModelLogEntry.objects.bulk_create(entries)


class AppointmentRequestInspectView(InspectView):
    """One request, every field; each view leaves an audit log entry."""

    def get(self, request, *args, **kwargs):
        log(self.object, VIEW_ACTION, user=request.user)
        return super().get(request, *args, **kwargs)

    def get_preferred_days_display_value(self):
        return self.object.get_preferred_days_display()

    def get_preferred_times_display_value(self):
        return self.object.get_preferred_times_display()

    def get_massage_type_display_value(self):
        massage_type = self.object.massage_type
        return massage_type.title if massage_type is not None else "-"

    def get_page_display_value(self):
        page = self.object.page
        return page.title if page is not None else "-"


class AppointmentRequestViewSet(ModelViewSet):
    """The "Appointment requests" menu item and its views."""

    model = AppointmentRequest
    name = "clinic_appointment_requests"
    icon = "calendar-alt"
    menu_label = _("Appointment requests")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = AppointmentRequestIndexView
    inspect_view_class = AppointmentRequestInspectView
    form_fields = ["status"]
    list_display = ["reference", "name", "status", "clinic", "created_at"]
    list_filter = ["status", "patient_status", "clinic"]
    search_fields = ["reference", "name", "email", "phone"]
    inspect_view_fields = [
        "reference",
        "status",
        "created_at",
        "source",
        "page",
        "clinic",
        *REQUEST_FIELDS,
        "consent_given_at",
        "consent_text",
        "privacy_notice_version",
    ]
    list_export = [
        "reference",
        "created_at",
        "get_status_display",
        "clinic_name",
        "name",
        "email",
        "phone",
        "get_preferred_contact_display",
        "get_preferred_days_display",
        "get_preferred_times_display",
        "massage_type_title",
        "get_patient_status_display",
        "message",
        "consent_given_at",
        "privacy_notice_version",
        "get_source_display",
    ]
    export_headings = {
        "get_status_display": _("Status"),
        "clinic_name": _("Clinic"),
        "get_preferred_contact_display": _("Preferred contact method"),
        "get_preferred_days_display": _("Preferred days"),
        "get_preferred_times_display": _("Preferred times"),
        "massage_type_title": _("Massage type"),
        "get_patient_status_display": _("New or returning"),
        "get_source_display": _("Received through"),
    }
    export_filename = "appointment-requests"

    def get_queryset(self, request):
        return AppointmentRequest.objects.select_related("clinic", "massage_type")
