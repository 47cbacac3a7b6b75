#!/usr/bin/env bash
# Run the example site: ./scripts/demo.sh [--no-serve]
#
# Bootstraps .venv with the project installed in editable mode, migrates the
# example project's SQLite database, loads the demo content (which also
# creates the admin/changeme superuser) and starts Django's dev server.
#
#   HOST  address to bind (default 127.0.0.1)
#   PORT  port to bind (default 8000)
#   --no-serve  do everything except starting the server (for CI/tests)
set -euo pipefail

usage() {
    # The header comment of this file, without the leading "# ".
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

serve=1
for arg in "$@"; do
    case "$arg" in
        --no-serve) serve=0 ;;
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

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
bootstrap_venv core

# Every absolute URL (canonical links, JSON-LD, API images, emails) names
# where the demo is served: the Site record takes this address too.
export WAGTAILADMIN_BASE_URL="${WAGTAILADMIN_BASE_URL:-http://$HOST:$PORT}"

cd example_project
../.venv/bin/python manage.py migrate --noinput
../.venv/bin/python manage.py load_demo_content

base="http://$HOST:$PORT"
cat <<MSG

Site:  $base/
Admin: $base/admin/  (user: admin, password: changeme)
Article: $base/conditions/back-pain/
French:  $base/fr/affections/mal-de-dos/

MSG

if [ "$serve" -eq 0 ]; then
    echo "--no-serve given: not starting the development server."
    exit 0
fi

exec ../.venv/bin/python manage.py runserver "$HOST:$PORT"
