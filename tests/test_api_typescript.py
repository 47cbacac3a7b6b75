"""TypeScript types generated from the OpenAPI document are precise.

Runs ``openapi-typescript`` on ``/api/v3/openapi.json`` and type-checks a
small frontend module against the generated types with ``tsc --strict``:
narrowing a body item on its ``type`` gives the block's value type. Needs
``npx`` (Node.js) and the npm registry; the npm cache stays in a temporary
directory.
"""

import json
import os
import shutil
import subprocess

import pytest

from tests.test_api_v3 import openapi_document


NPX = shutil.which("npx")


@pytest.mark.django_db
@pytest.mark.skipif(NPX is None, reason="npx (Node.js) is not installed")
def test_typescript_types_generated_from_openapi_narrow_body_items(client, tmp_path):
    """openapi-typescript turns our OpenAPI into types precise enough to narrow on."""
    (tmp_path / "openapi.json").write_text(json.dumps(openapi_document(client)))
    env = {
        **os.environ,
        "npm_config_cache": str(tmp_path / "npm-cache"),
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
    }

    def run(*args):
        return subprocess.run(
            [NPX, "--yes", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    generated = run("openapi-typescript@7", "openapi.json", "-o", "api.d.ts")
    assert generated.returncode == 0, generated.stderr
    (tmp_path / "good.ts").write_text(TYPESCRIPT_GOOD)
    (tmp_path / "bad.ts").write_text(TYPESCRIPT_BAD)
    tsc = ("-p", "typescript@5", "tsc", "--noEmit", "--strict", "--target", "es2020")
    good = run(*tsc, "good.ts")
    assert good.returncode == 0, good.stdout + good.stderr
    # The types are precise: reading a CTA's clinic without narrowing fails.
    bad = run(*tsc, "bad.ts")
    assert bad.returncode != 0
    assert "clinic" in bad.stdout


TYPESCRIPT_GOOD = """
import type { components } from "./api";

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
import type { components } from "./api";

type BodyItem = components["schemas"]["ConditionPageSchema"]["body"][number];

export function callHref(item: BodyItem): string | undefined {
  return item.value.clinic?.tel_href;
}
"""
