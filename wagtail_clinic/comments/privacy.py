"""Keyed hashes of commenters' email addresses (layer 4b).

An address is normalised (trimmed, Unicode NFKC, case-folded) and hashed
with HMAC-SHA256 keyed on ``SECRET_KEY``. The hash lets the app recognise a
returning commenter and find everything one person wrote (for erasure)
without comparing or indexing raw addresses. Hashes made with a key in
``SECRET_KEY_FALLBACKS`` still match while that key is listed.
"""

import hashlib
import hmac
import unicodedata

from django.conf import settings


_PURPOSE = b"wagtail_clinic.comments.email:"


def normalise_email(email):
    """The form of an address that hashes compare: trimmed, NFKC, case-folded."""
    return unicodedata.normalize("NFKC", str(email or "")).strip().casefold()


def _hash(key, email):
    return hmac.new(
        str(key).encode("utf-8"),
        _PURPOSE + normalise_email(email).encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()


def email_hash(email):
    """The keyed hash stored with a comment (current ``SECRET_KEY``)."""
    return _hash(settings.SECRET_KEY, email)


def email_hashes(email):
    """Every hash ``email`` may be stored under: current and fallback keys."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return list(dict.fromkeys(_hash(key, email) for key in keys))
