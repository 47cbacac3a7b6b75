#!/usr/bin/env bash
# Prove the production setup on one machine: ./scripts/cluster.sh [--short] [--write]
#
# Starts, on loopback only: PostgreSQL (Debian's cluster, a throwaway
# database), Redis, two gunicorn instances of the example site with
# example.settings.production (settings from the environment, DEBUG off),
# Varnish in front of both (round robin, PURGE from 127.0.0.1), and through
# scripts/cluster/scenarios.py a db_worker task worker and a webhook
# receiver. Loads the demo content, runs the scenarios (a)-(e) described in
# docs/deploy.md, prints PASS/FAIL with figures, and stops everything it
# started (PostgreSQL only if it was not already running); the database is
# dropped. Installs postgresql, redis-server and varnish with apt when
# missing.
#
#   --short   15 s of load in (e) (about 2 minutes in all); the default
#   --full    60 s of load in (e)
#   --write   append the figures to benchmarks/RESULTS.md
#
# Ports (override with the variables): CLUSTER_PORT_A=8305 CLUSTER_PORT_B=8306
# CLUSTER_RECEIVER_PORT=8307 CLUSTER_REDIS_PORT=6395 CLUSTER_VARNISH_PORT=6085.
# Exits non-zero when a scenario fails.
set -euo pipefail

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

mode=short
write=0
for arg in "$@"; do
    case "$arg" in
        --short) mode=short ;;
        --full) mode=full ;;
        --write) write=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "error: unknown argument: $arg" >&2
            usage >&2
            exit 2
            ;;
    esac
done

PORT_A="${CLUSTER_PORT_A:-8305}"
PORT_B="${CLUSTER_PORT_B:-8306}"
RECEIVER_PORT="${CLUSTER_RECEIVER_PORT:-8307}"
REDIS_PORT="${CLUSTER_REDIS_PORT:-6395}"
VARNISH_PORT="${CLUSTER_VARNISH_PORT:-6085}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
# shellcheck source=scripts/_postgres.sh
source scripts/_postgres.sh
# shellcheck source=scripts/_redis.sh
source scripts/_redis.sh

banner() {
    printf '\n== %s ==\n' "$*"
}

banner "Virtualenv and packages"
bootstrap_venv core
if ! .venv/bin/python -c "import dj_database_url, redis, django_tasks_db, whitenoise, gunicorn, psycopg" 2>/dev/null; then
    echo "Installing the production extra into .venv ..."
    .venv/bin/pip install -q -e ".[production]"
fi
ensure_redis_installed
if ! command -v varnishd >/dev/null 2>&1 && [ ! -x /usr/sbin/varnishd ]; then
    echo "varnishd not found; installing Debian's varnish with apt ..."
    apt_install varnish
fi
VARNISHD="$(command -v varnishd || echo /usr/sbin/varnishd)"

WORKDIR="$(mktemp -d /tmp/clinic-cluster.XXXXXX)"
# varnishd's unprivileged child must read the compiled VCL in here.
chmod 755 "$WORKDIR"
PID_DIR="$WORKDIR/pids"
LOG_DIR="$WORKDIR/logs"
mkdir -p "$PID_DIR" "$LOG_DIR" "$WORKDIR/static" "$WORKDIR/media"

pg_was_online=0
if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h | awk '$4 == "online"' | grep -q .; then
    pg_was_online=1
fi
PG_APP_DB="wagtail_clinic_cluster"
redis_started=0
status=1

cleanup() {
    local rc=$? pidfile pid i
    trap - EXIT INT TERM
    banner "Stopping the cluster"
    # gunicorn, db_worker, varnishd: TERM, then KILL after 10 s.
    for pidfile in "$PID_DIR"/*.pid; do
        [ -e "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        echo "stopped $(basename "$pidfile" .pid) ($pid)"
    done
    if [ "$redis_started" = 1 ]; then
        redis_stop "$REDIS_PORT" && echo "stopped redis ($REDIS_PORT)"
    fi
    if [ -n "${PGPORT:-}" ]; then
        as_postgres psql -X -q -p "$PGPORT" -d postgres \
            -c "DROP DATABASE IF EXISTS $PG_APP_DB WITH (FORCE)" || true
        echo "dropped database $PG_APP_DB"
    fi
    if [ "$pg_was_online" = 0 ] && [ -n "${PG_VERSION:-}" ]; then
        as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER_NAME" stop && echo "stopped PostgreSQL $PG_VERSION/$PG_CLUSTER_NAME"
    fi
    if [ "$status" = 0 ] && [ "$rc" = 0 ]; then
        rm -rf "$WORKDIR"
    else
        rm -rf "$WORKDIR/static" "$WORKDIR/media" "$WORKDIR/varnish"
        echo "Logs kept in $LOG_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT INT TERM

banner "PostgreSQL"
ensure_postgres
as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres \
    -c "DROP DATABASE IF EXISTS $PG_APP_DB WITH (FORCE)" \
    -c "CREATE DATABASE $PG_APP_DB OWNER $PG_APP_ROLE"

banner "Redis on 127.0.0.1:$REDIS_PORT"
redis_start "$REDIS_PORT"
redis_started=1

# The example's production settings, from the environment (docs/deploy.md).
export DJANGO_SETTINGS_MODULE=cluster_settings
export PYTHONPATH="$ROOT/scripts/cluster:$ROOT/example_project"
DJANGO_SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_SECRET_KEY
export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$PG_APP_DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export FRONTEND_CACHE_URL="http://127.0.0.1:$VARNISH_PORT"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_TASKS_BACKEND=database
export WAGTAILADMIN_BASE_URL="http://localhost:$VARNISH_PORT"
export MEDIA_ROOT="$WORKDIR/media"
export CLUSTER_STATIC_ROOT="$WORKDIR/static"
export CLUSTER_WEBHOOK_URL="http://127.0.0.1:$RECEIVER_PORT/hook"
CLUSTER_WEBHOOK_SECRET="$(.venv/bin/python -c 'from wagtail_clinic.webhooks.signing import generate_secret; print(generate_secret())')"
export CLUSTER_WEBHOOK_SECRET

banner "Database, demo content, static files"
(
    cd example_project
    ../.venv/bin/python manage.py migrate --noinput -v 0
    ../.venv/bin/python manage.py load_demo_content
    ../.venv/bin/python manage.py collectstatic --noinput -v 0
)

wait_http() {
    local url="$1" i
    for i in $(seq 1 100); do
        if .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    echo "error: $url did not answer" >&2
    return 1
}

banner "gunicorn A on :$PORT_A, B on :$PORT_B"
for name in a b; do
    port="$PORT_A"
    [ "$name" = b ] && port="$PORT_B"
    .venv/bin/gunicorn example.wsgi:application \
        --chdir example_project --bind "127.0.0.1:$port" --workers 2 \
        --pid "$PID_DIR/gunicorn-$name.pid" \
        --error-logfile "$LOG_DIR/gunicorn-$name.log" >>"$LOG_DIR/gunicorn-$name.log" 2>&1 &
done
wait_http "http://127.0.0.1:$PORT_A/about/"
wait_http "http://127.0.0.1:$PORT_B/about/"

banner "Varnish on :$VARNISH_PORT"
sed -e "s/@PORT_A@/$PORT_A/" -e "s/@PORT_B@/$PORT_B/" scripts/cluster/site.vcl >"$WORKDIR/site.vcl"
"$VARNISHD" -a "127.0.0.1:$VARNISH_PORT" -f "$WORKDIR/site.vcl" -n "$WORKDIR/varnish" \
    -s malloc,64m -P "$PID_DIR/varnish.pid" -T 127.0.0.1:0 >"$LOG_DIR/varnish.log" 2>&1
wait_http "http://127.0.0.1:$VARNISH_PORT/about/"

banner "Scenarios ($mode)"
results_file=""
[ "$write" = 1 ] && results_file="$ROOT/benchmarks/RESULTS.md"
status=0
CLUSTER_APP_A="http://127.0.0.1:$PORT_A" \
    CLUSTER_APP_B="http://127.0.0.1:$PORT_B" \
    CLUSTER_VARNISH="http://127.0.0.1:$VARNISH_PORT" \
    CLUSTER_RECEIVER_PORT="$RECEIVER_PORT" \
    CLUSTER_REDIS_PORT="$REDIS_PORT" \
    CLUSTER_REDIS_SCRIPT="$ROOT/scripts/_redis.sh" \
    CLUSTER_PID_DIR="$PID_DIR" \
    CLUSTER_LOG_DIR="$LOG_DIR" \
    CLUSTER_PYTHON="$ROOT/.venv/bin/python" \
    CLUSTER_PROJECT_DIR="$ROOT/example_project" \
    CLUSTER_MODE="$mode" \
    CLUSTER_RESULTS_FILE="$results_file" \
    .venv/bin/python scripts/cluster/scenarios.py || status=$?
exit "$status"
