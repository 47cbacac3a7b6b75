"""Wagtail admin integration: the "Clinic" snippets menu."""

from wagtail.snippets.models import register_snippet

from wagtail_clinic.viewsets import ClinicViewSetGroup


register_snippet(ClinicViewSetGroup)
