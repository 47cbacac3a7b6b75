"""The per-site clinic settings and the site's name (layer 2).

``ClinicSettings`` (``wagtail_clinic.models.settings``) is looked up in the
app registry each time it is needed, never at import time, so this module
(and the blocks and representations built on it) never imports the models.
"""

from django.apps import apps
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from wagtail_clinic.serialisation.translations import (
    i18n_enabled,
    in_locale,
    request_locale,
)


#: The disclaimer blank disclaimer callouts show when a site has none.
DEFAULT_DISCLAIMER = _(
    "This article is general information, not medical advice. Speak with your "
    "doctor before changing your treatment."
)


def _settings_model():
    return apps.get_model("wagtail_clinic", "ClinicSettings")


def settings_for_site(site):
    """The ``ClinicSettings`` of ``site`` (created with the defaults if missing)."""
    return _settings_model().for_site(site)


def get_clinic_settings(request=None):
    """The ``ClinicSettings`` of the request's site, or of the default site.

    Returns None when there is no site at all (e.g. an empty database).
    """
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None:
            return _settings_model().for_request(request)
    site = Site.objects.filter(is_default_site=True).first()
    return settings_for_site(site) if site is not None else None


def localized_default_clinic(clinic_settings, locale):
    """The default clinic of ``clinic_settings`` shown in ``locale``.

    Its translation in ``locale`` (a Locale or its pk), else in the default
    locale, else the clinic itself (``in_locale``). Remembered on the
    settings object (cached per request), so each locale costs at most one
    query per request, and none when the clinic is in ``locale`` already.
    """
    clinic = clinic_settings.default_clinic if clinic_settings is not None else None
    if clinic is None or locale is None:
        return clinic
    locale_id = getattr(locale, "pk", locale)
    memo = clinic_settings.__dict__.setdefault("_wagtail_clinic_localized", {})
    if locale_id not in memo:
        memo[locale_id] = in_locale(clinic, locale_id)
    return memo[locale_id]


def get_default_clinic(request=None, locale=None):
    """The default clinic of the request's site (or the default site), or None.

    Shown in ``locale`` (a Locale or its pk), by default the locale of the
    page the request was routed to, else of the active language
    (``request_locale``), with a fallback to the default locale.

    Its opening hours are loaded once: the settings (and so this clinic object)
    are cached per request, so further calls cost no query however many
    blocks use the default clinic.
    """
    clinic_settings = get_clinic_settings(request)
    if clinic_settings is None or clinic_settings.default_clinic_id is None:
        return None
    if locale is None and i18n_enabled():
        locale = request_locale(request)
    clinic = localized_default_clinic(clinic_settings, locale)
    if clinic is not None:
        prefetch_related_objects([clinic], "opening_hours")
    return clinic


def site_name(request=None, site_id=None):
    """The site's name, else ``WAGTAIL_SITE_NAME``, else "".

    Args:
        request: the current request: its site is used (cached on the
            request, so no query).
        site_id: without a request, the id of the site to name.
    """
    if request is not None:
        site = Site.find_for_request(request)
    else:
        site = Site.objects.filter(pk=site_id).first() if site_id else None
    if site is not None and site.site_name:
        return site.site_name
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or ""
