"""The ``WAGTAIL_CLINIC`` settings dict, with defaults.

A host site overrides any key in its Django settings::

    WAGTAIL_CLINIC = {
        "RENDITIONS": {"card": "fill-400x300"},
    }

Values are re-read when Django's ``setting_changed`` signal fires, so tests
can use ``override_settings``.
"""

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.dispatch import receiver


DEFAULTS = {
    # Image rendition filter specs used by the default templates, by purpose.
    # They are prefetched together with the images so that a page view costs
    # one query for all images, however many there are.
    "RENDITIONS": {
        "hero": "fill-1200x600",
        "content": "max-960x720",
        "card": "fill-480x320",
        "portrait": "fill-160x160",
    },
    # Number of cards per page on the index pages.
    "INDEX_PAGE_SIZE": 24,
    # Include the optional stylesheet in the default base template.
    "INCLUDE_STYLESHEET": True,
}


class ClinicSettings:
    """Attribute access to ``WAGTAIL_CLINIC`` merged over ``DEFAULTS``."""

    def __init__(self):
        self._cache = None

    def _load(self):
        user = getattr(django_settings, "WAGTAIL_CLINIC", {}) or {}
        merged = {}
        for key, default in DEFAULTS.items():
            value = user.get(key, default)
            if isinstance(default, dict):
                value = {**default, **value}
            merged[key] = value
        return merged

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._cache is None:
            self._cache = self._load()
        try:
            return self._cache[name]
        except KeyError as exc:
            raise AttributeError(f"Unknown WAGTAIL_CLINIC setting: {name}") from exc

    def reload(self):
        self._cache = None


clinic_settings = ClinicSettings()


@receiver(setting_changed)
def _reload_clinic_settings(*, setting, **kwargs):
    if setting == "WAGTAIL_CLINIC":
        clinic_settings.reload()
