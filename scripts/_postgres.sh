# shellcheck shell=bash
# PostgreSQL bootstrap for the test suite, sourced by scripts/test.sh.
#
#     source scripts/_venv.sh      # for as_root / apt_install
#     source scripts/_postgres.sh
#     ensure_postgres              # exports PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
#
# Uses Debian's postgresql-common tooling (pg_lsclusters / pg_ctlcluster),
# installing the `postgresql` package when it is missing. Picks a cluster
# (PG_CLUSTER="VER/NAME" overrides; otherwise 15/main when present, else the
# first one listed), starts it if it is down, waits for it to accept TCP
# connections on 127.0.0.1 and (idempotently) creates the role and database
# the test settings expect. Debian's default pg_hba.conf allows password
# (scram-sha-256) logins over 127.0.0.1, so no pg_hba edits are needed.

PG_APP_ROLE="${PG_APP_ROLE:-wagtail_clinic}"
PG_APP_PASSWORD="${PG_APP_PASSWORD:-wagtail_clinic}"
PG_APP_DB="${PG_APP_DB:-wagtail_clinic}"

# Run a command as the postgres OS user (peer auth on the unix socket).
# `cd /` avoids "could not change directory" noise when postgres cannot read
# the current directory.
as_postgres() {
    # As the postgres superuser over the Unix socket: never with the app
    # role's PGHOST/PGUSER/PGPASSWORD/PGDATABASE that ensure_postgres exports
    # (a second ensure_postgres, e.g. scripts/cluster.sh run by test.sh, would
    # otherwise connect as the app role and get "permission denied").
    local clean=(env -u PGHOST -u PGUSER -u PGPASSWORD -u PGDATABASE)
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "${clean[@]}" "$@")
    else
        (cd / && sudo -u postgres -- "${clean[@]}" "$@")
    fi
}

_pg_select_cluster() {
    # pg_lsclusters -h: "VER NAME PORT STATUS OWNER DATADIR LOG", no header.
    local line="" wanted="${PG_CLUSTER:-}"
    if [ -n "$wanted" ]; then
        line="$(pg_lsclusters -h | awk -v v="${wanted%/*}" -v n="${wanted#*/}" '$1 == v && $2 == n' | head -n1)"
        if [ -z "$line" ]; then
            echo "error: PG_CLUSTER=$wanted not found in pg_lsclusters" >&2
            return 1
        fi
    else
        line="$(pg_lsclusters -h | awk '$1 == "15" && $2 == "main"' | head -n1)"
        [ -n "$line" ] || line="$(pg_lsclusters -h | head -n1)"
    fi
    PG_VERSION="$(echo "$line" | awk '{print $1}')"
    PG_CLUSTER_NAME="$(echo "$line" | awk '{print $2}')"
    PG_PORT="$(echo "$line" | awk '{print $3}')"
    PG_STATUS="$(echo "$line" | awk '{print $4}')"
}

ensure_postgres() {
    if ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "PostgreSQL tooling not found; installing the postgresql package with apt ..."
        apt_install postgresql
    fi

    _pg_select_cluster
    if [ -z "${PG_VERSION:-}" ]; then
        # Package installed but no cluster (e.g. create_main_cluster = false
        # in /etc/postgresql-common/createcluster.conf): make one.
        local ver
        ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)"
        echo "No PostgreSQL cluster found; creating $ver/main ..."
        as_root pg_createcluster "$ver" main
        _pg_select_cluster
    fi
    echo "Using PostgreSQL cluster $PG_VERSION/$PG_CLUSTER_NAME on port $PG_PORT (status: $PG_STATUS)"

    if [ "$PG_STATUS" != "online" ]; then
        # No systemd in containers/CI, so start it directly (pg_ctlcluster
        # drops privileges to the cluster owner itself).
        echo "Starting cluster $PG_VERSION/$PG_CLUSTER_NAME ..."
        as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER_NAME" start
    fi

    local waited=0
    until pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; do
        if [ "$waited" -ge 30 ]; then
            echo "error: PostgreSQL on 127.0.0.1:$PG_PORT not ready after 30 s" >&2
            pg_isready -h 127.0.0.1 -p "$PG_PORT" >&2 || true
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done

    # Idempotent: create the role only when missing, but (re)apply its
    # attributes and password every time; create the database only when
    # missing (CREATE DATABASE cannot run inside a DO block, hence \gexec).
    # CREATEDB is needed because Django creates/destroys test_<name>.
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres \
        -v role="$PG_APP_ROLE" -v pw="$PG_APP_PASSWORD" -v db="$PG_APP_DB" <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
\gexec
ALTER ROLE :"role" WITH LOGIN CREATEDB PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
SQL

    export PGHOST=127.0.0.1
    export PGPORT="$PG_PORT"
    export PGUSER="$PG_APP_ROLE"
    export PGPASSWORD="$PG_APP_PASSWORD"
    export PGDATABASE="$PG_APP_DB"
}
