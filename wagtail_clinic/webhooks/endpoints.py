"""The ``WAGTAIL_CLINIC["WEBHOOKS"]`` endpoints and the headers sent to them.

Layer 5 (feature wiring): reads the settings and the ``WebhookDelivery``
event names.
"""

from urllib.parse import urlsplit

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.webhooks.models import WebhookDelivery


SIGNATURE_HEADER = "X-Clinic-Signature"
TIMESTAMP_HEADER = "X-Clinic-Timestamp"
DELIVERY_HEADER = "X-Clinic-Delivery"
EVENT_HEADER = "X-Clinic-Event"


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
    secret = endpoint.get("secret")
    if not isinstance(secret, str) or not secret:
        problems.append("'secret' must be a non-empty string")
    events = endpoint.get("events")
    if events is not None and (isinstance(events, str) or not set(events) <= _events()):
        problems.append(f"'events' must be a list of: {', '.join(sorted(_events()))}")
    return problems


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
