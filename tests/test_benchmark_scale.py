"""benchmarks/scale.py runs end to end in its short mode (issue 14, item 4).

Skipped unless ``WAGTAIL_CLINIC_RUN_SCALE_BENCH=1``: the short mode builds
the example site twice (100 and 300 generated articles, SQLite) and takes one
to two minutes. Only that the benchmark works is checked here, never its
timings; query-count limits belong in the query tests.
"""

import os
import subprocess
import sys

from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "scale.py"

pytestmark = pytest.mark.skipif(
    os.environ.get("WAGTAIL_CLINIC_RUN_SCALE_BENCH") != "1",
    reason="set WAGTAIL_CLINIC_RUN_SCALE_BENCH=1 to run the scale benchmark",
)


def test_short_mode_prints_the_table_and_writes_nothing(tmp_path):
    pytest.importorskip("django_tasks_db", reason='needs the "production" extra')
    results = ROOT / "benchmarks" / "RESULTS.md"
    before = results.read_bytes() if results.exists() else None
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_ENGINE", "REDIS_URL"}
    }
    completed = subprocess.run(  # noqa: S603 (the repository's own script)
        [
            sys.executable,
            str(SCRIPT),
            "--short",
            "--no-write",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    out = completed.stdout
    assert "| request | 100 | 300 | 300 / 100 |" in out
    for label in (
        "clinic massage-types listing, 20 cards",
        "admin medical review report",
        "publish a massage type that N article bodies choose (webhooks on)",
        "webhook payload alone on that publish",
        "| HTML, warm: ms |",
        "| API v2 detail, cache off: ms |",
    ):
        assert label in out, label
    # The webhook names the 300 articles choosing the massage type (and more).
    assert "302 paths" in out or "303 paths" in out, out
    assert (results.read_bytes() if results.exists() else None) == before
