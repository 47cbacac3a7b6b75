"""A TypeScript receiver verifies real deliveries with the npm standardwebhooks.

The receiver module below is the docs' recipe (docs/headless.md, "Publish
notifications"): it verifies the raw body with the ``standardwebhooks`` npm
package and types the parsed message with the type openapi-typescript
generates from the served OpenAPI document's ``webhooks`` (no cast). It is
compiled with ``tsc --strict`` and run by node on deliveries captured by a
real HTTP receiver (``tests.test_webhooks.Receiver``): a publish and a move
verify, a tampered body and another secret are refused. A second module
that reads a move's ``previous`` without narrowing on ``event`` must not
compile: the generated type is a discriminated union.

Needs Node.js and the npm registry; pinned packages and the npm cache stay
in the test's directory (``tests.node_utils``).
"""

import json

import pytest

from django.test import Client

from tests.node_utils import (
    OPENAPI_TYPESCRIPT,
    TYPESCRIPT,
    npm_project,
    requires_npx,
)
from tests.test_webhooks import Receiver
from tests.test_webhooks_standard import OLD_WHSEC, WHSEC
from tests.utils import make_massage_type, make_massage_type_index, make_site_tree


#: The npm Standard Webhooks library, pinned.
STANDARDWEBHOOKS = "1.3.0"

#: Compiled to JavaScript that node runs (ES modules, strict).
TSC_EMIT = (
    "--strict",
    "--target",
    "es2022",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--skipLibCheck",
    "--outDir",
    "out",
)

RECEIVER_TS = """
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { webhooks } from "./api.js";

/** Any publish notification, as the OpenAPI document's `webhooks` describe it. */
export type ClinicWebhook =
  webhooks[keyof webhooks]["post"]["requestBody"]["content"]["application/json"];

/** Verify the raw body, then parse it: throws WebhookVerificationError. */
export function receive(
  secret: string,
  body: string,
  headers: Record<string, string>,
): ClinicWebhook {
  new Webhook(secret).verify(body, headers, { jsonParse: false });
  const message: ClinicWebhook = JSON.parse(body);
  return message;
}

/** The paths to revalidate: a move's old path too. */
export function pathsToRevalidate(message: ClinicWebhook): string[] {
  if (message.event === "page.moved") {
    return [...message.paths, message.previous.path ?? "/"];
  }
  return message.paths;
}

/** "ok", or why the message was refused. */
export function outcome(secret: string, body: string, headers: Record<string, string>): string {
  try {
    receive(secret, body, headers);
    return "ok";
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.message;
    throw error;
  }
}
"""

NOT_NARROWED_TS = """
import type { ClinicWebhook } from "./receiver.js";

export function previousPath(message: ClinicWebhook): string | null {
  return message.previous.path;
}
"""

MAIN_MJS = """
import { readFileSync } from "node:fs";
import { receive, pathsToRevalidate, outcome } from "./out/receiver.js";

const { secret, oldSecret, deliveries } = JSON.parse(readFileSync("deliveries.json", "utf8"));
const results = deliveries.map(({ body, headers }) => {
  const message = receive(secret, body, headers);
  return {
    event: message.event,
    paths: pathsToRevalidate(message),
    tampered: outcome(secret, body.replace('"purge_all":false', '"purge_all":true'), headers),
    wrongSecret: outcome(oldSecret, body, headers),
  };
});
console.log(JSON.stringify(results));
"""


@pytest.mark.django_db
@requires_npx
def test_typescript_receiver_verifies_real_deliveries(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    """The npm standardwebhooks library verifies our deliveries; the message
    is typed by the generated OpenAPI ``webhooks`` type under tsc --strict."""
    node = npm_project(
        tmp_path,
        {
            "typescript": TYPESCRIPT,
            "openapi-typescript": OPENAPI_TYPESCRIPT,
            "standardwebhooks": STANDARDWEBHOOKS,
        },
    )
    document = Client().get("/api/v3/openapi.json").json()
    node.write("openapi.json", json.dumps(document))
    generated = node.bin("openapi-typescript", "openapi.json", "-o", "api.d.ts")
    assert generated.returncode == 0, generated.output
    node.write("receiver.ts", RECEIVER_TS)
    compiled = node.tsc("receiver.ts", options=TSC_EMIT)
    assert compiled.returncode == 0, compiled.output
    node.write("not_narrowed.ts", NOT_NARROWED_TS)
    not_narrowed = node.tsc("not_narrowed.ts", options=(*TSC_EMIT[:-2], "--noEmit"))
    assert not_narrowed.returncode != 0
    assert "Property 'previous' does not exist" in not_narrowed.output, (
        not_narrowed.output
    )

    # Deliveries captured only now, well within the libraries' 5 minutes.
    receiver = Receiver()
    try:
        settings.WAGTAIL_CLINIC = {
            "WEBHOOKS": [{"url": receiver.url, "secret": WHSEC}],
            "WEBHOOK_LEGACY_SIGNATURE": False,
        }
        _root, home = make_site_tree()
        index = make_massage_type_index(home, slug="massage")
        therapies = make_massage_type_index(home, title="Therapies", slug="therapies")
        sports = make_massage_type(index, slug="sports")
        with django_capture_on_commit_callbacks(execute=True):
            sports.save_revision().publish()
        with django_capture_on_commit_callbacks(execute=True):
            sports.move(therapies, pos="last-child")
    finally:
        receiver.close()
    node.write(
        "deliveries.json",
        json.dumps(
            {
                "secret": WHSEC,
                "oldSecret": OLD_WHSEC,
                "deliveries": [
                    {"body": r["body"].decode(), "headers": dict(r["headers"].items())}
                    for r in receiver.requests
                ],
            }
        ),
    )
    node.write("main.mjs", MAIN_MJS)
    ran = node.node("main.mjs")
    assert ran.returncode == 0, ran.output

    assert json.loads(ran.stdout) == [
        {
            "event": "page.published",
            "paths": ["/massage/sports/", "/massage/"],
            "tampered": "No matching signature found",
            "wrongSecret": "No matching signature found",
        },
        {
            "event": "page.moved",
            "paths": [
                "/massage/sports/",
                "/therapies/sports/",
                "/massage/",
                "/therapies/",
                "/massage/sports/",
            ],
            "tampered": "No matching signature found",
            "wrongSecret": "No matching signature found",
        },
    ]
