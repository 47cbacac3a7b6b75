#!/usr/bin/env bash
# Loopback load test of the example site: ./benchmarks/load_test.sh [options]
#
#   1. bootstraps .venv with the project and its "testing" and "benchmark"
#      extras (gunicorn, locust, psycopg),
#   2. makes sure a local PostgreSQL server and role exist (as scripts/test.sh
#      does) and recreates the throwaway database $LOAD_TEST_PGDATABASE
#      (default wagtail_clinic_load; never the test database),
#   3. runs benchmarks/load_test.py: for SQLite (a file in a temporary
#      directory) and PostgreSQL, migrate + demo content, gunicorn on
#      127.0.0.1, then each scenario alone under locust, and prints the table,
#   4. drops the load-test database and stops gunicorn, whatever happened.
#
# Options (passed to load_test.py):
#   --duration S       seconds of load per scenario (default 12; 7 scenarios
#                      per database)
#   --rounds N         split each scenario's duration into N runs, interleaved
#                      with the other scenarios (default 2)
#   --users N          concurrent locust users (default 10)
#   --workers N        gunicorn sync workers (default 2)
#   --databases LIST   sqlite,postgres (default both)
#   --write            add the results at the top of benchmarks/RESULTS.md
#
# Exits non-zero if any request failed or returned a non-200, or the server
# logged an error. With the defaults it takes about 5 minutes on 2 cores.
set -euo pipefail

usage() {
    # The header comment of this file, without the leading "# ".
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

databases="sqlite,postgres"
args=("$@")
while [ "$#" -gt 0 ]; do
    case "$1" in
        -h | --help)
            usage
            exit 0
            ;;
        --databases) databases="${2:-}" && shift ;;
        --databases=*) databases="${1#*=}" ;;
    esac
    shift
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
# shellcheck source=scripts/_postgres.sh
source scripts/_postgres.sh

LOAD_TEST_PGDATABASE="${LOAD_TEST_PGDATABASE:-wagtail_clinic_load}"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/wagtail-clinic-load.XXXXXX")"
pg_created=""
driver_pid=""

cleanup() {
    local rc=$?
    # On SIGTERM the driver stops gunicorn (and locust) itself.
    if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
        kill -TERM "$driver_pid" 2>/dev/null || true
        wait "$driver_pid" 2>/dev/null || true
    fi
    # A driver killed hard (SIGKILL) leaves gunicorn and locust behind.
    local name pid
    for name in locust gunicorn; do
        [ -s "$RUN_DIR/$name.pid" ] || continue
        pid="$(cat "$RUN_DIR/$name.pid")"
        if kill -0 "$pid" 2>/dev/null; then
            echo "Stopping $name (pid $pid) ..."
            kill -TERM "$pid" 2>/dev/null || true
            for _ in 1 2 3 4 5 6 7 8 9 10; do
                kill -0 "$pid" 2>/dev/null || break
                sleep 1
            done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "$pg_created" ]; then
        as_postgres psql -X -q -p "$PGPORT" -d postgres \
            -c "DROP DATABASE IF EXISTS \"$LOAD_TEST_PGDATABASE\" WITH (FORCE)" || true
    fi
    if [ "$rc" -eq 0 ] || [ -z "$(ls -A "$RUN_DIR")" ]; then
        rm -rf "$RUN_DIR"
    else
        echo "Logs kept in $RUN_DIR" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== Virtualenv =="
bootstrap_venv benchmark
echo "Using $(.venv/bin/python --version) in .venv"

if [[ ",$databases," == *",postgres,"* ]]; then
    echo "== PostgreSQL =="
    ensure_postgres
    if [ "$LOAD_TEST_PGDATABASE" = "$PG_APP_DB" ]; then
        echo "error: LOAD_TEST_PGDATABASE must not be the test database ($PG_APP_DB)" >&2
        exit 2
    fi
    # A fresh database every run, owned by the app role (which migrates it).
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres \
        -v db="$LOAD_TEST_PGDATABASE" -v role="$PGUSER" <<'SQL'
SET client_min_messages = warning;
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
CREATE DATABASE :"db" OWNER :"role";
SQL
    pg_created=1
    export PGDATABASE="$LOAD_TEST_PGDATABASE"
    echo "Database $PGDATABASE (re)created on 127.0.0.1:$PGPORT"
fi

echo "== Load test =="
# In the background and waited for, so that a signal to this script runs the
# traps at once (bash defers traps while a foreground command runs).
env -u DJANGO_SETTINGS_MODULE .venv/bin/python benchmarks/load_test.py \
    --run-dir "$RUN_DIR" "${args[@]}" &
driver_pid=$!
wait "$driver_pid"
driver_pid=""
