# shellcheck shell=bash
# Throwaway Redis servers on loopback, for tests and scripts/cluster.sh.
#
# Sourced (after scripts/_venv.sh, for as_root / apt_install):
#     ensure_redis_installed       # Debian's redis-server when missing
#     redis_start 6391             # a fresh server on 127.0.0.1:6391, no persistence
#     redis_stop 6391              # shutdown nosave; nothing is left behind
# or run directly: scripts/_redis.sh install|start PORT|stop PORT|ping PORT
# (tests/test_cache_outage.py does, stopping and restarting its server).
#
# The server runs daemonized, bound to 127.0.0.1, with no RDB snapshots and
# no append-only file: a restart starts empty, as a cache may.

_REDIS_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

ensure_redis_installed() {
    if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
        return 0
    fi
    if ! command -v apt_install >/dev/null 2>&1; then
        # shellcheck source=scripts/_venv.sh
        source "$_REDIS_SCRIPTS_DIR/_venv.sh"
    fi
    echo "redis-server not found; installing Debian's redis-server with apt ..."
    apt_install redis-server redis-tools
    # Debian's package may start a system instance on 6379 where an init
    # system runs; ours never use that port.
}

redis_ping() {
    [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]
}

redis_start() {
    local port="${1:?redis_start PORT}" i
    ensure_redis_installed
    if redis_ping "$port"; then
        echo "error: something already answers on 127.0.0.1:$port" >&2
        return 1
    fi
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
        --save "" --appendonly no --dir /tmp \
        --pidfile "/tmp/wagtail-clinic-redis-$port.pid" \
        --logfile "/tmp/wagtail-clinic-redis-$port.log" >/dev/null
    for i in $(seq 1 50); do
        redis_ping "$port" && return 0
        sleep 0.1
    done
    echo "error: redis-server on 127.0.0.1:$port did not answer" >&2
    return 1
}

redis_stop() {
    local port="${1:?redis_stop PORT}" i
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    for i in $(seq 1 50); do
        redis_ping "$port" || { rm -f "/tmp/wagtail-clinic-redis-$port.pid"; return 0; }
        sleep 0.1
    done
    echo "error: redis-server on 127.0.0.1:$port did not stop" >&2
    return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        install) ensure_redis_installed ;;
        start) redis_start "${2:?port}" ;;
        stop) redis_stop "${2:?port}" ;;
        ping) redis_ping "${2:?port}" ;;
        *)
            echo "usage: $0 install | start PORT | stop PORT | ping PORT" >&2
            exit 2
            ;;
    esac
fi
