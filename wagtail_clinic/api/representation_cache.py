"""Deprecated: moved to ``wagtail_clinic.serialisation.cache`` (removed in 0.2).

The signal receivers that invalidate it are in
``wagtail_clinic.api.cache_invalidation`` (connected by ``AppConfig.ready()``).
"""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.serialisation import cache as _cache


__all__ = [  # noqa: F822 (see __getattr__)
    "FORMAT_VERSION",
    "NO_REQUEST",
    "VERSION_KEY",
    "CachedFieldMixin",
    "cached_representation",
    "cached_value",
    "check_cache_alias",
    "check_shared_cache",
    "content_version",
    "context_variant",
    "enabled",
    "exclude_from_cache",
    "invalidate",
    "is_cacheable",
    "request_variant",
    "stream_field_name",
]

__getattr__ = forward(__name__, _cache, __all__)
