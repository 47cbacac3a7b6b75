"""Abuse defences shared by the public forms (appointment requests, comments).

Built on the appointment helpers (``wagtail_clinic.appointments.ratelimit``
and ``wagtail_clinic.forms``) so that every form tells clients apart, hides
its honeypot and counts requests the same way:

* :func:`client_hash` — a keyed hash (HMAC-SHA256 with ``SECRET_KEY``) of the
  client's IP address, never the address itself;
* :func:`honeypot_filled` — whether the hidden honeypot field holds anything;
* :func:`count_hit` — a fixed-window, per-client rate limit kept in Django's
  cache, for any ``WAGTAIL_CLINIC`` rate setting (the appointment module's
  ``count_request`` reads its one setting only); :func:`give_back_hit`
  returns a hit whose request was not stored after all.

A hit is counted (atomically, with ``add``/``incr``) *before* the request is
stored, so that concurrent requests can never exceed the limit, and given
back (``decr``) when the request is refused or its write fails: only stored
requests (and spam answered as stored) spend a client's quota.
"""

import contextlib
import math
import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from wagtail_clinic.appointments.ratelimit import RateLimited, client_key, parse_rate
from wagtail_clinic.forms import HONEYPOT_FIELD


__all__ = [
    "HONEYPOT_FIELD",
    "Hit",
    "RateLimited",
    "client_hash",
    "count_hit",
    "give_back_hit",
    "honeypot_filled",
    "parse_rate_setting",
]


def client_hash(request):
    """A keyed hash of the client's IP address: stable, not reversible."""
    return client_key(request)


def honeypot_filled(data, field_name=HONEYPOT_FIELD):
    """Whether ``data`` (a QueryDict or dict) has anything in the honeypot."""
    value = data.get(field_name) if data is not None else None
    return bool(value and str(value).strip())


def parse_rate_setting(setting):
    """``(count, seconds)`` of ``WAGTAIL_CLINIC[setting]``, or None when off.

    Raises:
        ImproperlyConfigured: the value is not like "5/hour" or "10/15m".
    """
    from wagtail_clinic.conf import clinic_settings

    rate = getattr(clinic_settings, setting)
    try:
        return parse_rate(rate)
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            f'WAGTAIL_CLINIC["{setting}"] must look like "5/hour" '
            f"(count/[number]unit, unit one of s, m, h, d); got {rate!r}."
        ) from exc


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
        # ValueError: the window has ended (the key expired) meanwhile.
        with contextlib.suppress(ValueError):
            cache.decr(self.key)


def give_back_hit(hit):
    """Uncount ``hit`` (what ``count_hit`` returned); None is ignored."""
    if hit is not None:
        hit.give_back()


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
        request is not counted).
    """
    rate = parse_rate_setting(setting)
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    key = f"wagtail_clinic:ratelimit:{scope}:{client_hash(request)}:{window}"
    if cache.add(key, 1, timeout=period):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # Expired between add and incr.
            cache.set(key, 1, timeout=period)
            count = 1
    hit = Hit(key)
    if count > limit:
        hit.give_back()
        raise RateLimited(max(1, math.ceil((window + 1) * period - now)))
    return hit
