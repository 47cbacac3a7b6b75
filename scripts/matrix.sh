#!/usr/bin/env bash
# The version matrix: ./scripts/matrix.sh [lowest|highest|all] [pytest args...]
#
# Runs the fast subset of the suite (everything but the browser and load
# tests, on SQLite) in its own virtualenv for each supported extreme:
#
#   lowest   Python 3.10, Django 5.2, Wagtail 8.0 and the floor of every
#            declared range (scripts/constraints/lowest.txt), in .venv-lowest
#   highest  Python 3.13, Django 6.1, the newest Wagtail 8 and the newest
#            release of everything else (scripts/constraints/highest.txt),
#            in .venv-highest
#
# scripts/test.sh calls it after the whole suite (which runs on .venv, the
# machine's python3). Interpreters are looked up as python3.X on PATH, then
# under pyenv (${PYENV_ROOT:-~/.pyenv}/versions/3.X.*). A combination whose
# interpreter is missing is skipped, saying so; MATRIX_REQUIRE=1 makes that
# an error instead. Both combinations run at the same time (one per core),
# each logging to test-artifacts/matrix-<name>.log, printed when it ends;
# MATRIX_PARALLEL=0 runs them one after the other (scripts/test.sh does, on
# the core its own runs leave idle).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh

FAST_SUBSET="not browser and not load"

# name python-version constraints-file upgrade redis-port
COMBINATIONS=(
    "lowest 3.10 scripts/constraints/lowest.txt 0 6394"
    "highest 3.13 scripts/constraints/highest.txt 1 6395"
)

# find_python 3.10: the path of a working Python 3.10 interpreter, if any.
find_python() {
    local version="$1" candidate
    local candidates=()
    if command -v "python$version" >/dev/null 2>&1; then
        candidates+=("$(command -v "python$version")")
    fi
    # Newest patch release first.
    while IFS= read -r candidate; do
        candidates+=("$candidate")
    done < <(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version".*/bin/python 2>/dev/null | sort -V -r)
    for candidate in "${candidates[@]}"; do
        if "$candidate" -c "import sys, venv; assert '%d.%d' % sys.version_info[:2] == '$version'" >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

selected="${1:-all}"
case "$selected" in
    lowest | highest | all) shift || true ;;
    *) selected=all ;;
esac

mkdir -p test-artifacts
names=()
pids=()
codes=()
skipped=()
for combination in "${COMBINATIONS[@]}"; do
    read -r name version constraints upgrade redis_port <<<"$combination"
    if [ "$selected" != all ] && [ "$selected" != "$name" ]; then
        continue
    fi
    if ! python="$(find_python "$version")"; then
        message="$name: no Python $version found (python$version on PATH or ~/.pyenv/versions/$version.*)"
        if [ "${MATRIX_REQUIRE:-0}" = "1" ]; then
            echo "error: $message" >&2
            exit 1
        fi
        skipped+=("$message")
        continue
    fi
    printf '\n== Matrix: %s (%s) ==\n' "$name" "$("$python" --version)"
    VENV_DIR=".venv-$name" VENV_PYTHON="$python" VENV_CONSTRAINTS="$constraints" \
        VENV_UPGRADE="$upgrade" bootstrap_venv testing
    ".venv-$name/bin/python" -m pip list --format=freeze 2>/dev/null |
        grep -iE '^(django|wagtail|django-modelcluster|django-ninja|pydantic|django-tasks|djangorestframework)==' |
        paste -sd' ' -
    log="test-artifacts/matrix-$name.log"
    # Each run has its own pytest temporary directory and Redis port, so the
    # two can run side by side; SQLite test databases are in memory.
    env -u DATABASE_ENGINE -u WAGTAIL_CLINIC_REQUIRE_BROWSER \
        DJANGO_SETTINGS_MODULE=tests.settings \
        WAGTAIL_CLINIC_TEST_REDIS_PORT="$redis_port" \
        WAGTAIL_CLINIC_FUZZ_SCALE="${WAGTAIL_CLINIC_FUZZ_SCALE:-0.2}" \
        ".venv-$name/bin/python" -m pytest -q -m "$FAST_SUBSET" \
        --basetemp "$(mktemp -d)/pytest-$name" "$@" >"$log" 2>&1 &
    names+=("$name")
    pids+=("$!")
    if [ "${MATRIX_PARALLEL:-1}" = "0" ]; then
        rc=0
        wait "$!" || rc=$?
        codes+=("$rc")
    fi
done

failed=()
for i in "${!pids[@]}"; do
    if [ "${MATRIX_PARALLEL:-1}" = "0" ]; then
        rc="${codes[$i]}"
    else
        rc=0
        wait "${pids[$i]}" || rc=$?
    fi
    name="${names[$i]}"
    printf '\n== Matrix result: %s (exit %s; full log test-artifacts/matrix-%s.log) ==\n' \
        "$name" "$rc" "$name"
    if [ "$rc" -eq 0 ]; then
        tail -n 3 "test-artifacts/matrix-$name.log"
    else
        # The failures and the summary, not the progress dots.
        sed -n '/^=\+ \(FAILURES\|ERRORS\) =\+$/,$p' "test-artifacts/matrix-$name.log" | tail -n 200
        tail -n 5 "test-artifacts/matrix-$name.log"
        failed+=("$name")
    fi
done

for message in "${skipped[@]+"${skipped[@]}"}"; do
    echo "Matrix skipped: $message"
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "error: the matrix failed on: ${failed[*]}" >&2
    exit 1
fi
if [ "${#names[@]}" -eq 0 ]; then
    echo "Matrix: nothing ran (no interpreter found for any combination)."
fi
