"""Per-site clinic settings: the ``ClinicSettings`` model (layer 4a).

``DEFAULT_DISCLAIMER``, ``get_clinic_settings`` and ``get_default_clinic``
live in ``wagtail_clinic.serialisation.site`` (so blocks can use them without
importing models) and are re-exported here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from wagtail_clinic.serialisation.site import (
    DEFAULT_DISCLAIMER,
    get_clinic_settings,
    get_default_clinic,
)


__all__ = [
    "DEFAULT_DISCLAIMER",
    "ClinicSettings",
    "get_clinic_settings",
    "get_default_clinic",
]


@register_setting(icon="clipboard-list")
class ClinicSettings(BaseSiteSetting):
    """Site-wide defaults: the default clinic, comments and the disclaimer."""

    select_related = ["default_clinic"]

    default_clinic = models.ForeignKey(
        "wagtail_clinic.Clinic",
        verbose_name=_("default clinic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Used by booking buttons that do not name a clinic, and as the "
            "publisher of articles."
        ),
    )
    comments_enabled = models.BooleanField(
        _("allow reader comments"),
        default=False,
        help_text=_(
            "Turn on to let pages that allow comments show a comment form. Off "
            "hides comment forms on every page of this site."
        ),
    )
    default_disclaimer = models.TextField(
        _("default disclaimer"),
        blank=True,
        help_text=_(
            "Shown by disclaimer callouts left blank. Leave empty to use: "
            "'This article is general information, not medical advice. Speak "
            "with your doctor before changing your treatment.'"
        ),
    )

    panels = [
        FieldPanel("default_clinic"),
        FieldPanel("comments_enabled"),
        FieldPanel("default_disclaimer"),
    ]

    class Meta:
        verbose_name = _("clinic settings")

    @property
    def disclaimer(self):
        """The disclaimer text to show: the site's own or the built-in one."""
        return self.default_disclaimer or DEFAULT_DISCLAIMER
