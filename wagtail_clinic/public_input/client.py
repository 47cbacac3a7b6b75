"""Telling clients apart without storing their IP address.

Layer 1 (shared public input). ``client_key`` is a keyed hash
(HMAC-SHA256 with ``SECRET_KEY``) of ``REMOTE_ADDR``: stable, but not
reversible. Behind a proxy, make sure ``REMOTE_ADDR`` is the client's
address (see docs/booking.md).
"""

import hashlib
import hmac

from django.conf import settings


__all__ = ["client_hash", "client_key"]

# Stored hashes (``ReaderComment.ip_hash``) and live rate-limit windows
# depend on this purpose string: never change it.
_PURPOSE = "wagtail_clinic.appointments:"


def client_key(request):
    """A keyed hash of the client's IP address: stable, but not reversible.

    Args:
        request: the HTTP request; only ``META["REMOTE_ADDR"]`` is read.

    Returns:
        32 hexadecimal characters.
    """
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"),
        f"{_PURPOSE}{address}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]


#: The name the comments code (and ``wagtail_clinic.antispam``) used.
client_hash = client_key
