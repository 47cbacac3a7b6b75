"""Webhook signatures: Standard Webhooks, and the deprecated legacy one.

Layer 5 (feature), but pure: no settings, no models. See
https://www.standardwebhooks.com and docs/headless.md ("Verifying a
message").

Standard Webhooks (sent on every delivery):

* ``webhook-id``: ``msg_<hex of WebhookDelivery.delivery_id>``, unique per
  message and the same on every retry of it;
* ``webhook-timestamp``: the attempt's time, in Unix seconds;
* ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``,
  one space-separated entry per key (the endpoint's ``secret``, then each
  of its ``previous_secrets`` while a rotation is under way).

A secret is written ``whsec_<base64>`` (``manage.py webhook_secret`` makes
one); the key is the base64-decoded bytes, as the standard libraries read
it. A secret without the prefix, from before this scheme, is still used,
as its UTF-8 bytes (system check ``wagtail_clinic.W101`` says how to give
it to the standard libraries): that is the very key ``"whsec_" +
base64(secret)`` stands for, so ``legacy_secret_as_whsec`` converts one
without changing what is signed.

Legacy (``WEBHOOK_LEGACY_SIGNATURE``, deprecated, removed in 0.2):
``X-Clinic-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">``
keyed with the secret string's UTF-8 bytes, whatever its form.
"""

import base64
import binascii
import hashlib
import hmac
import secrets


__all__ = [
    "SECRET_PREFIX",
    "generate_secret",
    "is_standard_secret",
    "legacy_secret_as_whsec",
    "legacy_signature",
    "message_id",
    "secret_key",
    "secret_problem",
    "standard_signature",
]

#: The prefix of a Standard Webhooks secret.
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
#: Random bytes in a generated secret (the specification asks for 24 to 64).
GENERATED_SECRET_BYTES = 32
#: Fewest key bytes the specification recommends.
MIN_KEY_BYTES = 24


def generate_secret(nbytes=GENERATED_SECRET_BYTES):
    """A fresh random secret, ``whsec_<base64 of nbytes random bytes>``."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode()


def _decode_whsec(secret):
    # Strict: padded standard base64, as the standard libraries all read it
    # (the npm one refuses anything else).
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def secret_problem(secret):
    """Why ``secret`` cannot sign, or "" when it can.

    A ``whsec_`` secret must be non-empty, padded standard base64 after the
    prefix; any other non-empty string is accepted (as its UTF-8 bytes).
    """
    if not isinstance(secret, str) or not secret:
        return "must be a non-empty string"
    if secret.startswith(SECRET_PREFIX):
        try:
            key = _decode_whsec(secret)
        except (binascii.Error, ValueError):
            return (
                f"starts with {SECRET_PREFIX!r} but the rest is not padded "
                "standard base64 (A-Z a-z 0-9 + / =)"
            )
        if not key:
            return f"is {SECRET_PREFIX!r} with no key after it"
    return ""


def is_standard_secret(secret):
    """Whether ``secret`` is in the ``whsec_<base64>`` form."""
    return isinstance(secret, str) and secret.startswith(SECRET_PREFIX)


def secret_key(secret):
    """The HMAC key of a secret: the bytes after ``whsec_``, base64-decoded,
    or a legacy secret's UTF-8 bytes.

    Raises:
        ValueError: the secret is unusable (see ``secret_problem``).
    """
    problem = secret_problem(secret)
    if problem:
        raise ValueError(f"The webhook secret {problem}.")
    if is_standard_secret(secret):
        return _decode_whsec(secret)
    return secret.encode()


def legacy_secret_as_whsec(secret):
    """The ``whsec_`` form of a legacy secret: the same key, so the same
    signatures, in the form the standard libraries read."""
    return SECRET_PREFIX + base64.b64encode(secret.encode()).decode()


def message_id(delivery_id):
    """The ``webhook-id`` of a delivery: ``msg_`` and its UUID's hex."""
    return f"msg_{delivery_id.hex}"


def standard_signature(keys, msg_id, timestamp, body):
    """The ``webhook-signature`` value: ``v1,<base64>`` per key, space-separated.

    Args:
        keys: the HMAC keys (bytes), the current one first.
        msg_id: the ``webhook-id``.
        timestamp: the ``webhook-timestamp`` (Unix seconds, int or str).
        body: the exact bytes sent.
    """
    message = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1,"
        + base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        for key in keys
    )


def legacy_signature(secret, timestamp, body):
    """Deprecated ``X-Clinic-Signature``: ``sha256=<hex>``, the HMAC-SHA256
    of ``f"{timestamp}.{body}"`` keyed with the secret's UTF-8 bytes."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"
