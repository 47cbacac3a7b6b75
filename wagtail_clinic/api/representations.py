"""Deprecated: moved to ``wagtail_clinic.serialisation.representations`` (removed in 0.2).

The settings lookups moved to ``wagtail_clinic.serialisation.site``.
"""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.serialisation import representations as _representations
from wagtail_clinic.serialisation import site as _site


__all__ = [  # noqa: F822 (see __getattr__)
    "DEFAULT_DISCLAIMER",
    "RICH_TEXT_FORMAT_KEY",
    "absolute_url",
    "api_request",
    "clinic_representation",
    "clinic_settings_for",
    "clinic_with_hours",
    "default_clinic",
    "default_disclaimer",
    "get_clinic_settings",
    "image_alt_text",
    "image_representation",
    "live_page",
    "page_image",
    "page_memo",
    "page_path",
    "page_representation",
    "page_root_url",
    "page_summary",
    "plain_text_as_rich_text",
    "prepare_rich_text",
    "remember_clinic",
    "rich_text_format",
    "rich_text_representation",
    "site_clinic_settings",
    "therapist_representation",
]

__getattr__ = forward(__name__, [_representations, _site], __all__)
