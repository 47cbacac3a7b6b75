"""The ``WAGTAIL_CLINIC["WEBHOOKS"]`` endpoints and the headers sent to them.

Layer 5 (feature wiring): reads the settings and the ``WebhookDelivery``
event names.
"""

from urllib.parse import urlsplit

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.webhooks.models import WebhookDelivery
from wagtail_clinic.webhooks.signing import (
    MIN_KEY_BYTES,
    SECRET_PREFIX,
    is_standard_secret,
    secret_key,
    secret_problem,
)


#: Standard Webhooks headers (https://www.standardwebhooks.com).
ID_HEADER = "webhook-id"
STANDARD_TIMESTAMP_HEADER = "webhook-timestamp"
STANDARD_SIGNATURE_HEADER = "webhook-signature"
#: The event name, sent on every delivery (the body's ``event`` too).
EVENT_HEADER = "X-Clinic-Event"
#: Deprecated (``WEBHOOK_LEGACY_SIGNATURE``), removed in 0.2: the old
#: signature, its timestamp and the delivery UUID (now in ``webhook-id``).
SIGNATURE_HEADER = "X-Clinic-Signature"
TIMESTAMP_HEADER = "X-Clinic-Timestamp"
DELIVERY_HEADER = "X-Clinic-Delivery"
LEGACY_HEADERS = (SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER)


def _events():
    return set(WebhookDelivery.Event.values)


def endpoint_problems(endpoint):
    """Why a ``WEBHOOKS`` entry is unusable, as a list of messages.

    Args:
        endpoint: one entry of ``WAGTAIL_CLINIC["WEBHOOKS"]``.

    Returns:
        The messages; empty when the entry is usable.
    """
    if not isinstance(endpoint, dict):
        return ["must be a dict with 'url' and 'secret'"]
    problems = []
    url = endpoint.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"}:
        problems.append("'url' must be an http:// or https:// URL")
    elif not urlsplit(url).hostname:
        problems.append("'url' has no host name")
    problem = secret_problem(endpoint.get("secret"))
    if problem:
        problems.append(f"'secret' {problem}")
    previous = endpoint.get("previous_secrets", [])
    if isinstance(previous, str) or not isinstance(previous, list | tuple):
        problems.append("'previous_secrets' must be a list of secrets")
    else:
        for index, old in enumerate(previous):
            problem = secret_problem(old)
            if problem:
                problems.append(f"'previous_secrets'[{index}] {problem}")
    events = endpoint.get("events")
    if events is not None and (isinstance(events, str) or not set(events) <= _events()):
        problems.append(f"'events' must be a list of: {', '.join(sorted(_events()))}")
    return problems


def endpoint_warnings(endpoint):
    """What is usable but should change in a valid ``WEBHOOKS`` entry.

    Secrets without the ``whsec_`` prefix (used as their UTF-8 bytes) and
    keys shorter than the specification's 24 bytes.

    Returns:
        ``(message, hint)`` pairs; empty when nothing should change.
    """
    if endpoint_problems(endpoint):
        return []
    warnings = []
    named = [("'secret'", endpoint["secret"])] + [
        (f"'previous_secrets'[{index}]", old)
        for index, old in enumerate(endpoint.get("previous_secrets", []))
    ]
    for name, secret in named:
        if not is_standard_secret(secret):
            warnings.append(
                (
                    f"{name} is not in the Standard Webhooks form "
                    f"{SECRET_PREFIX}<base64>: it is used as its UTF-8 bytes",
                    "The standard libraries read a secret without the prefix as "
                    "base64, so give them (and this setting) the same key as "
                    f"{SECRET_PREFIX}<base64 of it>: `manage.py webhook_secret "
                    "--convert` prints it (reading the old secret from standard "
                    "input), or `manage.py webhook_secret` makes a new one.",
                )
            )
        elif len(secret_key(secret)) < MIN_KEY_BYTES:
            warnings.append(
                (
                    f"{name} is a key of fewer than {MIN_KEY_BYTES} bytes",
                    "`manage.py webhook_secret` makes a 32-byte one.",
                )
            )
    return warnings


def endpoint_keys(endpoint):
    """The HMAC keys a delivery to ``endpoint`` is signed with: its
    ``secret``'s, then those of its ``previous_secrets``."""
    return [
        secret_key(secret)
        for secret in [endpoint["secret"], *endpoint.get("previous_secrets", [])]
    ]


def get_endpoints(event=None):
    """The usable ``WEBHOOKS`` entries, optionally only those wanting ``event``.

    Invalid entries are skipped (the system check ``wagtail_clinic.E101``
    reports them).
    """
    endpoints = []
    for endpoint in clinic_settings.WEBHOOKS or []:
        if endpoint_problems(endpoint):
            continue
        events = endpoint.get("events")
        if event is None or events is None or event in events:
            endpoints.append(endpoint)
    return endpoints
