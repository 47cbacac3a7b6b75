"""A Redis cache whose outage is a cache miss, not a 500 (layer 1).

``wagtail_clinic.cache_backends.RedisCache`` is Django's built-in
``django.core.cache.backends.redis.RedisCache`` (same ``LOCATION`` and
``OPTIONS``; the ``redis`` client package) except that, while Redis cannot
be reached (connection refused, reset or timed out), reads miss and writes
do nothing, with one warning logged per outage. Wagtail reads the default
cache on every page (its site root paths), so with the plain backend a
stopped Redis fails every page and API request.

The counters (``add``, ``incr``, ``decr``) still raise: a made-up answer
would mislead the rate limits, which decide themselves what a failure means
(``public_input.ratelimit``: fail open). See docs/deploy.md.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


__all__ = ["RedisCache"]

logger = logging.getLogger(__name__)


class RedisCache(DjangoRedisCache):
    """Django's ``RedisCache``, tolerating an unreachable server on reads
    and writes (see the module docstring)."""

    _down = False

    def _unreachable(self):
        lib = self._cache._lib
        return (lib.exceptions.ConnectionError, lib.exceptions.TimeoutError)

    def _tolerate(self, operation, default, *args, **kwargs):
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except self._unreachable() as error:
            if not self._down:
                logger.warning(
                    "wagtail_clinic: Redis cache unreachable (%s); serving "
                    "without it until it answers again.",
                    type(error).__name__,
                )
            self._down = True
            return default
        if self._down:
            logger.warning("wagtail_clinic: Redis cache reachable again.")
            self._down = False
        return result

    def get(self, key, default=None, version=None):
        """The cached value, or ``default`` (also while Redis is down)."""
        return self._tolerate("get", default, key, default, version)

    def get_many(self, keys, version=None):
        """The cached values found; none while Redis is down."""
        return self._tolerate("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        """Whether ``key`` is cached; False while Redis is down."""
        return self._tolerate("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store ``value``; nothing while Redis is down."""
        return self._tolerate("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Store ``data``; while Redis is down, report every key as not stored."""
        return self._tolerate("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        """Renew ``key``'s timeout; False while Redis is down."""
        return self._tolerate("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        """Delete ``key``; False while Redis is down (it expires on its own)."""
        return self._tolerate("delete", False, key, version)

    def delete_many(self, keys, version=None):
        """Delete ``keys``; nothing while Redis is down."""
        return self._tolerate("delete_many", None, keys, version)
