"""TypeScript types generated from the OpenAPI document are precise.

Runs ``openapi-typescript`` on ``/api/v3/openapi.json`` and type-checks
frontend modules against the generated types with ``tsc --strict``:
narrowing a body item on its ``type`` gives the block's value type, and the
typed client recipe of docs/headless.md (openapi-fetch) and its Next.js
draft-mode route compile, while misuse fails. Needs Node.js and the npm
registry (pinned packages; the npm cache stays in a temporary directory,
see ``tests.node_utils``).
"""

import json
import re

from pathlib import Path

import pytest

from tests.node_utils import (
    OPENAPI_FETCH,
    OPENAPI_TYPESCRIPT,
    TYPESCRIPT,
    npm_project,
    requires_npx,
)
from tests.test_api_v3 import openapi_document


DOCS = Path(__file__).resolve().parent.parent / "docs" / "headless.md"

pytestmark = [requires_npx, pytest.mark.django_db]


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """An npm project with typescript, openapi-typescript and openapi-fetch."""
    return npm_project(
        tmp_path_factory.mktemp("typescript"),
        {
            "typescript": TYPESCRIPT,
            "openapi-typescript": OPENAPI_TYPESCRIPT,
            "openapi-fetch": OPENAPI_FETCH,
        },
    )


@pytest.fixture
def generated(node, client):
    """``src/wagtail-api.d.ts``, generated from the served OpenAPI document."""
    node.write("openapi.json", json.dumps(openapi_document(client)))
    result = node.bin(
        "openapi-typescript", "openapi.json", "-o", "src/wagtail-api.d.ts"
    )
    assert result.returncode == 0, result.output
    return node


def docs_code_block(first_line):
    """The fenced code block of docs/headless.md that starts with ``first_line``."""
    blocks = re.findall(r"^```(?:ts|tsx)\n(.*?)^```$", DOCS.read_text(), re.M | re.S)
    matching = [block for block in blocks if block.startswith(first_line)]
    assert len(matching) == 1, f"one block starting {first_line!r} in {DOCS}"
    return matching[0]


def test_typescript_types_generated_from_openapi_narrow_body_items(generated):
    """openapi-typescript turns our OpenAPI into types precise enough to narrow on."""
    generated.write("src/good.ts", TYPESCRIPT_GOOD)
    generated.write("src/bad.ts", TYPESCRIPT_BAD)
    good = generated.tsc("src/good.ts")
    assert good.returncode == 0, good.output
    # The types are precise: reading a CTA's clinic without narrowing fails.
    bad = generated.tsc("src/bad.ts")
    assert bad.returncode != 0
    assert "clinic" in bad.stdout


def test_the_docs_typed_client_and_draft_route_compile_strictly(generated):
    """docs/headless.md's openapi-fetch client and draft-mode route type-check."""
    generated.write("src/clinic-api.ts", docs_code_block("// src/clinic-api.ts"))
    generated.write(
        "app/api/draft/route.ts", docs_code_block("// app/api/draft/route.ts")
    )
    generated.write("src/env.d.ts", NODE_ENV_TYPES)
    generated.write("stubs/next.d.ts", NEXT_STUBS)
    generated.write("src/use.ts", CLIENT_GOOD)
    generated.write("src/bad.ts", CLIENT_BAD)
    generated.write("tsconfig.json", json.dumps(tsconfig(["src/use.ts"])))
    generated.write("tsconfig.bad.json", json.dumps(tsconfig(["src/bad.ts"])))

    good = generated.bin("tsc", "-p", "tsconfig.json")
    assert good.returncode == 0, good.output
    bad = generated.bin("tsc", "-p", "tsconfig.bad.json")
    assert bad.returncode != 0
    # Both deliberate mistakes are caught, and nothing else.
    errors = [line for line in bad.stdout.splitlines() if "error TS" in line]
    assert len(errors) == 2, bad.output
    assert "'paht' does not exist" in bad.stdout
    assert "Property 'condition_name' does not exist" in bad.stdout


def tsconfig(extra_files):
    """A strict tsconfig with Next.js's ``@/*`` alias for ``src/*``."""
    return {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "target": "es2022",
            "module": "esnext",
            "moduleResolution": "bundler",
            "lib": ["es2022", "dom"],
            "skipLibCheck": True,
            "baseUrl": ".",
            "paths": {"@/*": ["./src/*"]},
        },
        "files": [
            "src/env.d.ts",
            "stubs/next.d.ts",
            "src/clinic-api.ts",
            "app/api/draft/route.ts",
            *extra_files,
        ],
    }


#: What ``@types/node`` declares in a real project (not installed here).
NODE_ENV_TYPES = """
declare const process: { env: Record<string, string | undefined> };
"""

#: The Next.js 15 functions the draft route uses, as ``next`` declares them
#: (the package is too big to install for a type check).
NEXT_STUBS = """
declare module "next/headers" {
  export function draftMode(): Promise<{
    readonly isEnabled: boolean;
    enable(): void;
    disable(): void;
  }>;
  export function cookies(): Promise<{
    get(name: string): { name: string; value: string } | undefined;
    set(
      name: string,
      value: string,
      options?: {
        httpOnly?: boolean;
        secure?: boolean;
        sameSite?: "lax" | "strict" | "none" | boolean;
        path?: string;
        maxAge?: number;
      },
    ): unknown;
  }>;
}
declare module "next/navigation" {
  export function redirect(url: string): never;
  export function notFound(): never;
}
"""

#: The docs' usage of the client, in a function.
CLIENT_GOOD = """
import {
  conditionsHelpedBy,
  isConditionPage,
  pageByPath,
  previewPage,
  type ConditionCard,
} from "@/clinic-api";

export async function example(): Promise<string[]> {
  const page = await pageByPath("/conditions/mal-de-dos/", "fr");
  const names: string[] = [];
  if (page && isConditionPage(page)) {
    names.push(page.condition_name);
  }
  const { count, items } = await conditionsHelpedBy(6);
  const first: ConditionCard | undefined = items[0];
  const draft = await previewPage("token", "wagtail_clinic.conditionpage");
  return [...names, String(count), first?.title ?? "", draft?.meta.html_url ?? ""];
}
"""

#: Two mistakes the types must catch: a misspelt query parameter and a
#: field read without narrowing the page union.
CLIENT_BAD = """
import { clinic, pageByPath } from "@/clinic-api";

export async function wrongQuery() {
  return clinic.GET("/api/v3/clinic/pages/by-path/", {
    params: { query: { paht: "/conditions/back-pain/" } },
  });
}

export async function unnarrowed(path: string) {
  const page = await pageByPath(path);
  return page?.condition_name;
}
"""


TYPESCRIPT_GOOD = """
import type { components } from "./wagtail-api";

type Article = components["schemas"]["ConditionPageSchema"];
type BodyItem = Article["body"][number];

export function callHref(item: BodyItem): string | undefined {
  if (item.type === "booking_cta") {
    return item.value.clinic?.tel_href;
  }
  return undefined;
}

export function headingLevel(item: BodyItem): 2 | 3 | undefined {
  return item.type === "heading" ? item.value.level : undefined;
}

export function firstMassageTypeUrl(article: Article): string | undefined {
  for (const item of article.body) {
    if (item.type === "massage_types") {
      return item.value.items[0]?.page?.url;
    }
  }
  return article.hero_image?.renditions["card"]?.url;
}
"""

TYPESCRIPT_BAD = """
import type { components } from "./wagtail-api";

type BodyItem = components["schemas"]["ConditionPageSchema"]["body"][number];

export function callHref(item: BodyItem): string | undefined {
  return item.value.clinic?.tel_href;
}
"""
