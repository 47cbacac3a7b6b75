"""The JSON schema of the webhook payloads, and the OpenAPI ``webhooks``.

Layer 5 (feature). ``openapi_webhooks()`` is what ``api.v3`` adds to the
served OpenAPI 3.1 document: a top-level ``webhooks`` entry per event
(``page.published``, …) describing the POST a receiver gets (the Standard
Webhooks headers and the JSON body), and the body schemas as components
(``ClinicWebhook`` is the union of all events, discriminated by
``event``). openapi-typescript turns them into ``webhooks["page.published"]``
and ``components["schemas"]["ClinicWebhook"]`` types.

The models here describe what ``payloads.build_payload`` writes; the tests
validate real deliveries against the served schemas.
"""

import copy
import functools

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from wagtail_clinic.webhooks.models import WebhookDelivery


__all__ = ["WEBHOOK_SCHEMAS", "add_webhooks", "openapi_webhooks", "webhook_components"]

_REF = "#/components/schemas/{model}"


class ClinicWebhookSite(BaseModel):
    """The Wagtail site the page belongs to."""

    model_config = ConfigDict(title="ClinicWebhookSite")

    id: int
    hostname: str
    root_url: str = Field(description="The site's root URL, without a final slash.")


class ClinicWebhookPage(BaseModel):
    """The page the event is about."""

    model_config = ConfigDict(title="ClinicWebhookPage")

    id: int
    type: str = Field(
        description='The page model, e.g. "wagtail_clinic.ConditionPage".'
    )
    title: str
    slug: str
    live: bool = Field(description="False after an unpublish or a delete.")
    url: str | None = Field(
        description=(
            "Its full public URL (on the headless frontend when its site has "
            "one, HEADLESS_FRONTENDS); null when it has none."
        )
    )
    path: str | None = Field(description="Its URL path, e.g. /conditions/back-pain/.")
    site: ClinicWebhookSite | None


class ClinicWebhookPrevious(BaseModel):
    """Where a moved page was before the move."""

    model_config = ConfigDict(title="ClinicWebhookPrevious")

    parent_id: int | None
    url: str | None
    path: str | None


class _Payload(BaseModel):
    timestamp: str = Field(
        json_schema_extra={"format": "date-time"},
        description="When the change was committed (ISO 8601).",
    )
    page: ClinicWebhookPage
    paths: list[str] = Field(
        description=(
            "Paths to revalidate: the page's, its parent's, then those of the "
            "live pages showing it; at most WEBHOOK_MAX_PATHS."
        )
    )
    paths_total: int = Field(
        ge=0,
        description=(
            "How many paths there are in all, exact up to ten times "
            "WEBHOOK_MAX_PATHS; past that a lower bound (purge_all is true)."
        ),
    )
    purge_all: bool = Field(
        description="True when paths_total is more than paths lists."
    )
    paths_url: str | None = Field(
        description=(
            "GET it (?offset=&limit=) for every path, page by page; null when "
            "the page is no longer live."
        )
    )


class ClinicWebhookPagePublished(_Payload):
    """``page.published``: a page was published (or republished)."""

    model_config = ConfigDict(title="ClinicWebhookPagePublished")

    event: Literal["page.published"]


class ClinicWebhookPageUnpublished(_Payload):
    """``page.unpublished``: a live page was unpublished."""

    model_config = ConfigDict(title="ClinicWebhookPageUnpublished")

    event: Literal["page.unpublished"]


class ClinicWebhookPageDeleted(_Payload):
    """``page.deleted``: a live page was deleted."""

    model_config = ConfigDict(title="ClinicWebhookPageDeleted")

    event: Literal["page.deleted"]


class ClinicWebhookPageMoved(_Payload):
    """``page.moved``: a live page (and its descendants) changed URL."""

    model_config = ConfigDict(title="ClinicWebhookPageMoved")

    event: Literal["page.moved"]
    previous: ClinicWebhookPrevious


#: The body model of each event.
WEBHOOK_SCHEMAS = {
    WebhookDelivery.Event.PUBLISHED.value: ClinicWebhookPagePublished,
    WebhookDelivery.Event.UNPUBLISHED.value: ClinicWebhookPageUnpublished,
    WebhookDelivery.Event.DELETED.value: ClinicWebhookPageDeleted,
    WebhookDelivery.Event.MOVED.value: ClinicWebhookPageMoved,
}


def _header(name, description, schema, *, required=True, deprecated=False):
    parameter = {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if deprecated:
        parameter["deprecated"] = True
    return parameter


def _headers(event):
    return [
        _header(
            "webhook-id",
            "The message id (Standard Webhooks): the same on every retry of a "
            "delivery, so a receiver can ignore a message it has handled.",
            {"type": "string", "pattern": "^msg_[0-9a-f]{32}$"},
        ),
        _header(
            "webhook-timestamp",
            "When this attempt was sent, in Unix seconds; refuse messages more "
            "than a few minutes off your clock.",
            {"type": "integer", "minimum": 0},
        ),
        _header(
            "webhook-signature",
            'Space-separated "v1,<base64>" entries: the HMAC-SHA256 of '
            '"{webhook-id}.{webhook-timestamp}.{body}" keyed with the '
            "endpoint's secret (and, during a rotation, its previous secrets). "
            "Verify it with a Standard Webhooks library.",
            {
                "type": "string",
                "pattern": "^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$",
            },
        ),
        _header(
            "X-Clinic-Event", "The event name.", {"type": "string", "enum": [event]}
        ),
        _header(
            "X-Clinic-Signature",
            'Deprecated (WEBHOOK_LEGACY_SIGNATURE, removed in 0.2): "sha256=" and '
            'the hex HMAC-SHA256 of "{X-Clinic-Timestamp}.{body}" keyed with the '
            "secret string's UTF-8 bytes.",
            {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
            required=False,
            deprecated=True,
        ),
        _header(
            "X-Clinic-Timestamp",
            "Deprecated: the same as webhook-timestamp.",
            {"type": "integer", "minimum": 0},
            required=False,
            deprecated=True,
        ),
        _header(
            "X-Clinic-Delivery",
            "Deprecated: the delivery's UUID (webhook-id holds its hex).",
            {"type": "string", "format": "uuid"},
            required=False,
            deprecated=True,
        ),
    ]


@functools.cache
def _components():
    schemas = {}
    for model in WEBHOOK_SCHEMAS.values():
        schema = model.model_json_schema(ref_template=_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    schemas["ClinicWebhook"] = {
        "title": "ClinicWebhook",
        "description": "The body of any publish notification, by its event.",
        "oneOf": [
            {"$ref": _REF.format(model=model.__name__)}
            for model in WEBHOOK_SCHEMAS.values()
        ],
        "discriminator": {
            "propertyName": "event",
            "mapping": {
                event: _REF.format(model=model.__name__)
                for event, model in WEBHOOK_SCHEMAS.items()
            },
        },
    }
    return schemas


def webhook_components():
    """The body schemas, ``{name: JSON schema}`` for ``components.schemas``."""
    return copy.deepcopy(_components())


def _webhook(event, model):
    return {
        "post": {
            "operationId": "webhook_" + event.replace(".", "_"),
            "summary": model.__doc__.strip().splitlines()[0].replace("``", "`"),
            "description": (
                "POSTed to every WAGTAIL_CLINIC['WEBHOOKS'] URL that wants this "
                "event, after the change is committed. Verify the signature "
                "against the raw body before parsing it."
            ),
            "tags": ["webhooks"],
            "parameters": _headers(event),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": _REF.format(model=model.__name__)}
                    }
                },
            },
            "responses": {
                "2XX": {"description": "Received: the delivery is done."},
                "default": {
                    "description": (
                        "Any other answer (a redirect included), or none within "
                        "WEBHOOK_TIMEOUT, is retried with exponential backoff, "
                        "the same webhook-id and a new timestamp and signature."
                    )
                },
            },
        }
    }


def openapi_webhooks():
    """The OpenAPI 3.1 ``webhooks`` object: one path item per event."""
    return {event: _webhook(event, model) for event, model in WEBHOOK_SCHEMAS.items()}


def add_webhooks(document):
    """Add ``webhooks`` and their body schemas to an OpenAPI ``document``
    (a dict, changed in place)."""
    document["webhooks"] = openapi_webhooks()
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(webhook_components())
    return document
