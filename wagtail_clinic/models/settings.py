"""Per-site clinic settings."""

from django.db import models
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


DEFAULT_DISCLAIMER = _(
    "This article is general information, not medical advice. Speak with your "
    "doctor before changing your treatment."
)


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
        default=True,
        help_text=_("Turn off to hide comment forms on every page of this site."),
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


def get_clinic_settings(request=None):
    """The ``ClinicSettings`` of the request's site, or of the default site.

    Returns None when there is no site at all (e.g. an empty database).
    """
    from wagtail.models import Site

    if request is not None:
        site = Site.find_for_request(request)
        if site is not None:
            return ClinicSettings.for_request(request)
    site = Site.objects.filter(is_default_site=True).first()
    return ClinicSettings.for_site(site) if site is not None else None


def get_default_clinic(request=None):
    """The default clinic of the request's site (or the default site), or None.

    Its opening hours are loaded once: the settings (and so this clinic object)
    are cached per request, so further calls cost no query however many
    blocks use the default clinic.
    """
    clinic_settings = get_clinic_settings(request)
    clinic = clinic_settings.default_clinic if clinic_settings is not None else None
    if clinic is not None:
        prefetch_related_objects([clinic], "opening_hours")
    return clinic
