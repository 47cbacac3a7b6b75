"""Per-client rate limits for the public forms, kept in Django's cache.

Layer 1 (shared public input). One fixed-window limiter for every
``WAGTAIL_CLINIC`` rate setting ("5/hour": at most 5 accepted requests per
clock hour), which needs one ``add`` or ``incr`` per request and no
clean-up. Clients are told apart by a keyed hash of their IP address
(``public_input.client.client_key``), never the address itself.

A hit is counted (atomically, with ``add``/``incr``) *before* the request is
stored, so that concurrent requests can never exceed the limit, and given
back (``decr``) when the request is refused or its write fails: only stored
requests (and spam answered as stored) spend a client's quota.

A cache that fails (Redis stopped) fails *open*: the request is accepted
uncounted and a warning naming only the form is logged (docs/booking.md
"When the cache is down" says why).
"""

import logging
import math
import re
import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.public_input.client import client_key


__all__ = [
    "PERIODS",
    "Hit",
    "RateLimited",
    "count_hit",
    "give_back_hit",
    "parse_rate",
    "parse_rate_setting",
]

#: Seconds per rate unit, by the names a rate may use.
PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*")

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """The client sent more requests than the rate limit allows.

    Attributes:
        retry_after: whole seconds until the current window ends.
    """

    def __init__(self, retry_after):
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


def parse_rate(rate, setting="APPOINTMENT_RATE_LIMIT"):
    """``(count, seconds)`` for a rate such as "5/hour" or "10/15m"; None if off.

    Args:
        rate: the rate; None, "" or False turn the limit off.
        setting: the ``WAGTAIL_CLINIC`` key the rate came from, named in the
            error message.

    Raises:
        ImproperlyConfigured: the rate is not in that form.
    """
    if rate in (None, "", False):
        return None
    match = _RATE.fullmatch(str(rate).lower())
    unit = PERIODS.get(match[3].rstrip("s") or "s") if match else None
    if match is None or unit is None or int(match[1]) < 1:
        raise ImproperlyConfigured(
            f'WAGTAIL_CLINIC["{setting}"] must look like "5/hour" '
            f"(count/[number]unit, unit one of s, m, h, d); got {rate!r}."
        )
    return int(match[1]), int(match[2] or 1) * unit


def parse_rate_setting(setting):
    """``(count, seconds)`` of ``WAGTAIL_CLINIC[setting]``, or None when off.

    Raises:
        ImproperlyConfigured: the value is not like "5/hour" or "10/15m".
    """
    return parse_rate(getattr(clinic_settings, setting), setting)


class Hit:
    """One counted request: the cache key of its window, to give it back."""

    __slots__ = ("given_back", "key")

    def __init__(self, key):
        self.key = key
        self.given_back = False

    def give_back(self):
        """Uncount this request (it was not stored); safe to call twice."""
        if self.given_back:
            return
        self.given_back = True
        try:
            cache.decr(self.key)
        except ValueError:
            pass  # The window has ended (the key expired) meanwhile.
        except Exception as error:  # The cache is down: nothing to give back.
            _log_cache_failure("give back", error)


def give_back_hit(hit):
    """Uncount ``hit`` (what ``count_hit`` returned); None is ignored."""
    if hit is not None:
        hit.give_back()


def _count(key, period):
    if cache.add(key, 1, timeout=period):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, timeout=period)
        return 1


def _log_cache_failure(scope, error):
    """Warn that a limit was not counted: the scope and the error type only
    (never the key, which holds the client hash, nor the request)."""
    logger.warning(
        "wagtail_clinic: rate limit %r not counted, the cache failed (%s); "
        "the request is accepted (fail open).",
        scope,
        type(error).__name__,
    )


def count_hit(request, *, scope, setting):
    """Count one request of this client against ``WAGTAIL_CLINIC[setting]``.

    Args:
        request: the HTTP request (only its keyed client hash is used).
        scope: keeps the counters of different forms apart, e.g. "comment".
        setting: the name of the rate setting, e.g. "COMMENTS_RATE_LIMIT".

    Returns:
        A ``Hit`` to give back (``give_back_hit``) if the request is not
        stored after all; None when the limit is off.

    Raises:
        RateLimited: with the seconds until the window ends (the refused
        request is not counted). Never raised when the cache fails: the
        request is then accepted uncounted (fail open) and None returned.
    """
    rate = parse_rate_setting(setting)
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    # The key format is kept across releases: live windows use it.
    key = f"wagtail_clinic:ratelimit:{scope}:{client_key(request)}:{window}"
    try:
        count = _count(key, period)
    except Exception as error:  # The cache is down: fail open (see above).
        _log_cache_failure(scope, error)
        return None
    hit = Hit(key)
    if count > limit:
        hit.give_back()
        raise RateLimited(max(1, math.ceil((window + 1) * period - now)))
    return hit
