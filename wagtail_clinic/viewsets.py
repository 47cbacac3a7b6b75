"""Admin viewsets for the clinic snippets, grouped under one "Clinic" menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from wagtail_clinic.models import Clinic, Therapist


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


class ClinicViewSetGroup(SnippetViewSetGroup):
    """The "Clinic" admin menu: clinics and therapists."""

    items = (ClinicViewSet, TherapistViewSet)
    menu_icon = "group"
    menu_label = _("Clinic")
    menu_name = "clinic"
