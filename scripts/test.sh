#!/usr/bin/env bash
# The project's test command: ./scripts/test.sh [pytest args...]
#
#   1. bootstraps .venv with the project and its "testing" extra,
#   2. makes sure a local PostgreSQL server, role and database exist
#      (skipped with SKIP_POSTGRES=1),
#   3. installs Debian's nodejs/npm, chromium and redis-server when missing
#      (for the TypeScript, browser and cache-outage tests),
#   4. runs ruff (lint + format check) and Django's migration/system checks,
#   5. runs the pytest suite on SQLite (browser tests included) and on
#      PostgreSQL (all but the browser tests, unless arguments are given),
#      and tests/localize/
#      (wagtail-localize) on SQLite,
#   6. with COVERAGE=1, measures coverage on the PostgreSQL run and reports it,
#   7. runs the version matrix, scripts/matrix.sh, in the background during
#      steps 5-6 and reports it after them: the fast subset (all but the
#      browser and load tests) on the lowest (Python 3.10, Django 5.2,
#      Wagtail 8.0.1) and the highest (Python 3.13, Django 6.1, newest
#      Wagtail 8) combinations, each where its interpreter is found (skipped
#      with SKIP_MATRIX=1),
#   8. runs scripts/cluster.sh --short (PostgreSQL, Redis, two gunicorns, a
#      task worker and Varnish on loopback; skipped with SKIP_CLUSTER=1),
#   9. runs the scale benchmark's short mode (benchmarks/scale.py --short,
#      through tests/test_benchmark_scale.py; skipped with SKIP_SCALE=1).
#
# Extra arguments go to pytest on both runs, e.g. ./scripts/test.sh -k blocks
# or ./scripts/test.sh -m "not browser" (skips the Chromium tests).
# Works on a fresh Debian machine with only python3 and apt (installs
# python3-venv / postgresql when missing, via sudo when not root).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
# shellcheck source=scripts/_postgres.sh
source scripts/_postgres.sh

banner() {
    printf '\n== %s ==\n' "$*"
}

# pytest exits 5 when it collected no tests; for us that is a failure (a typo
# in -k, a broken conftest or a missing tests dir should not look green).
run_pytest() {
    local rc=0
    "$@" || rc=$?
    if [ "$rc" -eq 5 ]; then
        echo "error: pytest collected no tests (exit code 5)" >&2
        return 1
    fi
    return "$rc"
}

banner "Virtualenv"
bootstrap_venv testing
echo "Using $(.venv/bin/python --version) in .venv"

# Set up PostgreSQL first so a broken database setup fails fast, before the
# long SQLite run.
if [ "${SKIP_POSTGRES:-0}" = "1" ]; then
    echo "SKIP_POSTGRES=1: the PostgreSQL run will be skipped."
else
    banner "PostgreSQL setup"
    ensure_postgres
fi

banner "Node.js (for the generated TypeScript types test)"
# tests/test_api_typescript.py runs openapi-typescript and tsc through npx.
if ! command -v npx >/dev/null 2>&1; then
    echo "npx not found; installing Debian's nodejs and npm ..."
    apt_install nodejs npm
fi
echo "Using node $(node --version), npx $(npx --version)"

banner "Chromium (for the browser tests in tests/browser/)"
# Playwright drives Debian's Chromium; its own browser download does not work
# offline. WAGTAIL_CLINIC_REQUIRE_BROWSER=1 makes those tests fail rather
# than skip if the browser is still missing. Skip them with -m "not browser".
if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium not found; installing Debian's chromium ..."
    apt_install chromium
fi
echo "Using $(chromium --version 2>/dev/null | head -n 1)"
export WAGTAIL_CLINIC_REQUIRE_BROWSER=1

banner "Redis (for the cache-outage tests)"
# tests/test_cache_outage.py starts and stops its own throwaway redis-server
# on loopback (scripts/_redis.sh); WAGTAIL_CLINIC_REQUIRE_REDIS=1 makes it
# fail rather than skip if the server is still missing.
# shellcheck source=scripts/_redis.sh
source scripts/_redis.sh
ensure_redis_installed
echo "Using $(redis-server --version | head -n 1)"
export WAGTAIL_CLINIC_REQUIRE_REDIS=1

banner "Lint (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

banner "Django checks"
# DJANGO_SETTINGS_MODULE is set per command: the example project's manage.py
# must pick its own settings rather than a value leaked from here.
echo "makemigrations --check (tests.settings)"
DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python -m django makemigrations --check --dry-run
if [ -f example_project/manage.py ]; then
    echo "makemigrations --check + check (example_project)"
    env -u DJANGO_SETTINGS_MODULE .venv/bin/python example_project/manage.py makemigrations --check --dry-run
    env -u DJANGO_SETTINGS_MODULE .venv/bin/python example_project/manage.py check
fi

# The version matrix (scripts/matrix.sh): the whole suite runs below on .venv
# (this machine's python3); the fast subset runs on the lowest and the highest
# supported combination, one after the other, in the background: the runs
# below keep one core busy, the matrix uses the other. Its report comes after
# the PostgreSQL run.
MATRIX_PID=""
MATRIX_LOG="test-artifacts/matrix.log"
if [ "${SKIP_MATRIX:-0}" = "1" ]; then
    echo "SKIP_MATRIX=1: the version matrix will be skipped."
else
    mkdir -p test-artifacts
    echo "Starting the version matrix in the background (log: $MATRIX_LOG)."
    MATRIX_PARALLEL=0 bash scripts/matrix.sh all "$@" >"$MATRIX_LOG" 2>&1 &
    MATRIX_PID=$!
    # If a step below fails, stop the matrix too (its pytest, then itself).
    trap 'if [ -n "$MATRIX_PID" ]; then pkill -P "$MATRIX_PID" 2>/dev/null; kill "$MATRIX_PID" 2>/dev/null; fi; true' EXIT
fi

finish_matrix() {
    if [ "${SKIP_MATRIX:-0}" = "1" ]; then
        banner "Version matrix (skipped: SKIP_MATRIX=1)"
        return 0
    fi
    banner "Version matrix (scripts/matrix.sh)"
    local rc=0
    wait "$MATRIX_PID" || rc=$?
    MATRIX_PID=""
    cat "$MATRIX_LOG"
    return "$rc"
}

banner "SQLite"
# The full fuzzing budget runs here, without coverage tracing (which would
# make the property-based tests several times slower).
run_pytest env -u DATABASE_ENGINE DJANGO_SETTINGS_MODULE=tests.settings \
    .venv/bin/python -m pytest "$@"

banner "SQLite, with wagtail-localize (tests/localize/)"
# Its own settings (tests/settings_localize.py): wagtail-localize's apps stay
# out of the main runs. The tests skip, saying so, when it is not installed.
if ! .venv/bin/python -c "import wagtail_localize" 2>/dev/null; then
    echo "wagtail-localize is not installed: tests/localize/ will be skipped" \
        "(pip install 'wagtail-localize>=1.14,<2', part of the 'testing' extra)."
fi
run_pytest env -u DATABASE_ENGINE DJANGO_SETTINGS_MODULE=tests.settings_localize \
    .venv/bin/python -m pytest tests/localize -rs

if [ "${SKIP_POSTGRES:-0}" = "1" ]; then
    banner "PostgreSQL (skipped: SKIP_POSTGRES=1)"
    finish_matrix
    exit 0
fi

# COVERAGE=1 measures coverage on the PostgreSQL run (config in setup.cfg);
# off by default because tracing doubles that run's time.
pytest_cmd=(.venv/bin/python -m pytest)
if [ "${COVERAGE:-0}" = "1" ]; then
    .venv/bin/coverage erase
    pytest_cmd=(.venv/bin/coverage run -m pytest)
fi

banner "PostgreSQL"
# PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE were exported by ensure_postgres.
# The SQLite run already fuzzed with the full example budget (tests/fuzzing.py);
# a fifth of it here, and no browser tests (they drive the admin's and the
# pages' HTML and scripts, which the SQLite run covered; every query they
# cause is tested here by the rest of the suite), keep the whole command
# under 20 minutes. Given arguments, both runs take them as they are.
pg_args=("$@")
if [ "$#" -eq 0 ]; then
    pg_args=(-m "not browser")
fi
run_pytest env DATABASE_ENGINE=postgres DJANGO_SETTINGS_MODULE=tests.settings \
    WAGTAIL_CLINIC_FUZZ_SCALE=0.2 \
    "${pytest_cmd[@]}" "${pg_args[@]}"

if [ "${COVERAGE:-0}" = "1" ]; then
    banner "Coverage"
    .venv/bin/coverage report
fi

finish_matrix

# The production setup across processes (docs/deploy.md): PostgreSQL, Redis,
# two gunicorn instances, a task worker and Varnish on loopback, scenarios
# (a)-(e) in short mode (about 2 minutes). SKIP_CLUSTER=1 skips it.
if [ "${SKIP_CLUSTER:-0}" = "1" ]; then
    banner "Cluster (skipped: SKIP_CLUSTER=1)"
else
    banner "Cluster (scripts/cluster.sh --short)"
    bash scripts/cluster.sh --short
fi

# The scale benchmark's short mode (benchmarks/scale.py --short, 100 and 300
# articles on SQLite, and --short --hit-rate with gunicorn and Redis): that
# the generator and every row still work, in about a minute; the figures
# themselves are recorded by the full runs (benchmarks/README.md).
# SKIP_SCALE=1 skips it.
if [ "${SKIP_SCALE:-0}" = "1" ]; then
    banner "Scale benchmark, short mode (skipped: SKIP_SCALE=1)"
else
    banner "Scale benchmark, short mode (tests/test_benchmark_scale.py)"
    run_pytest env -u DATABASE_ENGINE DJANGO_SETTINGS_MODULE=tests.settings \
        WAGTAIL_CLINIC_RUN_SCALE_BENCH=1 \
        .venv/bin/python -m pytest -m load tests/test_benchmark_scale.py -rs
fi
