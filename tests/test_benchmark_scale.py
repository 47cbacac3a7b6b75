"""benchmarks/scale.py runs end to end in its short modes (issue 14, items 3 and 4).

Skipped unless ``WAGTAIL_CLINIC_RUN_SCALE_BENCH=1``: the short mode builds
the example site twice (100 and 300 generated articles, SQLite) and takes one
to two minutes; the hit-rate short mode (``--short --hit-rate``) builds it
once (100 articles) and serves it with gunicorn and two throwaway Redis
servers (``scripts/_redis.sh``, ports 6390-6399) for about a minute. Only
that the benchmark works is checked here, never its timings; query-count
limits belong in the query tests.
"""

import os
import shutil
import subprocess
import sys

from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "scale.py"

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        os.environ.get("WAGTAIL_CLINIC_RUN_SCALE_BENCH") != "1",
        reason="set WAGTAIL_CLINIC_RUN_SCALE_BENCH=1 to run the scale benchmark",
    ),
]


def run_short(tmp_path, *options):
    """``scale.py --short --no-write *options``: its stdout; RESULTS.md untouched."""
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
            *options,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert (results.read_bytes() if results.exists() else None) == before
    return completed.stdout


def test_short_mode_prints_the_table_and_writes_nothing(tmp_path):
    out = run_short(tmp_path)
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
    # The webhook payload's row counts its paths at each size (how many is
    # the webhooks' business: bounded by WEBHOOK_MAX_PATHS).
    payload_row = next(
        line for line in out.splitlines() if line.startswith("| webhook payload")
    )
    assert payload_row.count(" paths") == 2, payload_row
    assert "--hit-rate" in out  # Named as not measured.


def test_hit_rate_short_mode_counts_hits_and_misses(tmp_path):
    pytest.importorskip("redis", reason='needs the "production" extra')
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (scripts/_redis.sh install)")
    out = run_short(tmp_path, "--hit-rate")
    assert "#### API representation cache: hit rate under edits" in out
    assert "| request |" not in out  # The hit rate alone.
    rows = [
        line.split(" | ") for line in out.splitlines() if line.startswith("| SQLite")
    ]
    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("100", "on", "—"),
        ("100", "on", "publishing"),
        ("100", "off", "—"),
        ("100", "off", "publishing"),
    ], out
    for row in rows:
        assert int(row[4].replace(",", "")) > 0, row  # requests
        assert row[-1].strip(" |") == "0", row  # errors
    on_quiet, on_editing, off_quiet, off_editing = rows
    # One representation-cache lookup per request, all attributed to it; a
    # warm cache with nobody editing misses nothing.
    assert on_quiet[8] == on_editing[8] == "1.00", out
    assert on_quiet[7].startswith("100.0% "), out
    assert on_editing[7].endswith(")") and on_editing[9] != "—", out  # published
    assert off_quiet[7] == off_editing[7] == "—", out
