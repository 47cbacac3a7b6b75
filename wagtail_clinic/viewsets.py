"""Admin viewsets for the clinic snippets, grouped under one "Clinic" menu.

Layer 6 (delivery): the group also lists the webhook log
(``wagtail_clinic.webhooks.viewsets``); ``wagtail_hooks`` registers it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from wagtail_clinic.models import Clinic, Therapist
from wagtail_clinic.webhooks.viewsets import WebhookDeliveryViewSet


def accepting_new_patients_text(clinic):
    """Yes or No (translated) for the clinics list, never True or False."""
    return _("Yes") if clinic.accepting_new_patients else _("No")


class ClinicViewSet(SnippetViewSet):
    """The clinics (locations) snippet."""

    model = Clinic
    icon = "site"
    menu_label = _("Clinics")
    list_display = [
        "name",
        "locality",
        "phone",
        Column(
            "accepting_new_patients",
            label=_("Accepting new patients"),
            accessor=accepting_new_patients_text,
            sort_key="accepting_new_patients",
        ),
    ]
    list_filter = ["accepting_new_patients"]
    search_fields = ["name", "locality"]


class TherapistViewSet(SnippetViewSet):
    """The therapists snippet."""

    model = Therapist
    icon = "user"
    menu_label = _("Therapists")
    list_display = ["name", "credentials", "clinic"]
    list_filter = ["clinic"]
    search_fields = ["name"]


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
