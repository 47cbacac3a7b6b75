"""A per-client rate limit for appointment requests, kept in Django's cache.

Clients are told apart by their IP address, but only a keyed hash of it
(HMAC-SHA256 with ``SECRET_KEY``) is ever used as a cache key: the raw
address is not stored anywhere. Behind a proxy, make sure ``REMOTE_ADDR`` is
the client's address (see docs/booking.md).

The window is fixed ("5/hour": at most 5 accepted requests per clock hour),
which needs one ``add`` or ``incr`` per request and no clean-up. A request
that is refused, or whose write fails, gives its hit back (``decr``), so only
stored requests spend the quota.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


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


class RateLimited(Exception):
    """The client sent more requests than the rate limit allows."""

    def __init__(self, retry_after):
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


def parse_rate(rate):
    """``(count, seconds)`` for a rate such as "5/hour" or "10/15m"; None if off.

    Raises:
        ImproperlyConfigured: the rate is not in that form.
    """
    if rate in (None, "", False):
        return None
    match = _RATE.fullmatch(str(rate).lower())
    unit = PERIODS.get(match[3].rstrip("s") or "s") if match else None
    if match is None or unit is None or int(match[1]) < 1:
        raise ImproperlyConfigured(
            'WAGTAIL_CLINIC["APPOINTMENT_RATE_LIMIT"] must look like "5/hour" '
            f"(count/[number]unit, unit one of s, m, h, d); got {rate!r}."
        )
    return int(match[1]), int(match[2] or 1) * unit


def client_key(request):
    """A keyed hash of the client's IP address: stable, but not reversible."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"),
        f"wagtail_clinic.appointments:{address}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]


def count_request(request, scope="appointment-request"):
    """Count one accepted request of this client; raise if over the limit.

    Returns:
        A ``wagtail_clinic.antispam.Hit``: call its ``give_back()`` when the
        request is not stored after all (None when the limit is off).

    Raises:
        RateLimited: with the seconds until the window ends.
    """
    from wagtail_clinic.antispam import count_hit

    return count_hit(request, scope=scope, setting="APPOINTMENT_RATE_LIMIT")
