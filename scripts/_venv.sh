# shellcheck shell=bash
# Shared virtualenv bootstrap, sourced by scripts/test.sh and scripts/demo.sh.
#
# Usage (after `cd` to the repository root):
#     source scripts/_venv.sh
#     bootstrap_venv testing     # pip install -e ".[testing]"
#     bootstrap_venv core        # pip install -e .
#     bootstrap_venv benchmark   # pip install -e ".[testing,benchmark]"
#
# Creates .venv with the system python3 (installing Debian's python3-venv when
# the venv/ensurepip machinery is missing) and installs the project into it.
# The install is skipped when a stamp file keyed on the sha256 of
# pyproject.toml says that exact pyproject has already been installed, so
# re-runs are fast and any dependency change triggers a reinstall.
#
# The version matrix (scripts/matrix.sh) sets, before calling bootstrap_venv:
#     VENV_DIR=.venv-lowest            another virtualenv directory
#     VENV_PYTHON=/path/to/python3.10  the interpreter to create it with
#     VENV_CONSTRAINTS=scripts/constraints/lowest.txt
#                                      a pip constraints file (part of the stamp)
#     VENV_UPGRADE=1                   install the newest allowed releases

VENV_DIR="${VENV_DIR:-.venv}"

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

# apt-get update once per script run; apt-get install without prompts.
_APT_UPDATED=""
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: apt-get not found; please install manually: $*" >&2
        return 1
    fi
    if [ -z "$_APT_UPDATED" ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        _APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

_create_venv() {
    # A .venv whose interpreter no longer runs (e.g. python3 was upgraded or
    # removed) is useless: start over.
    if [ -d "$VENV_DIR" ] && ! "$VENV_DIR/bin/python" -c "" >/dev/null 2>&1; then
        echo "Existing $VENV_DIR is broken; recreating it."
        rm -rf "$VENV_DIR"
    fi
    if [ -x "$VENV_DIR/bin/python" ]; then
        return 0
    fi
    echo "Creating virtualenv in $VENV_DIR ..."
    if [ -n "${VENV_PYTHON:-}" ]; then
        # A matrix interpreter (pyenv's or python3.X): no apt fallback.
        "$VENV_PYTHON" -m venv "$VENV_DIR"
        return
    fi
    if ! python3 -m venv "$VENV_DIR"; then
        # Debian splits venv/ensurepip into python3-venv (plus the
        # version-specific python3.X-venv); without it venv creation fails.
        rm -rf "$VENV_DIR"
        local pyver
        pyver="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        echo "python3 -m venv failed; installing python3-venv (python${pyver}-venv) with apt ..."
        apt_install python3-venv "python${pyver}-venv" || apt_install python3-venv
        python3 -m venv "$VENV_DIR"
    fi
}

# bootstrap_venv testing|core|benchmark
bootstrap_venv() {
    local flavour="${1:-testing}" spec stamp hash
    case "$flavour" in
        testing) spec=".[testing]" ;;
        core) spec="." ;;
        benchmark) spec=".[testing,benchmark]" ;;
        *)
            echo "bootstrap_venv: unknown flavour '$flavour'" >&2
            return 1
            ;;
    esac

    _create_venv

    hash="$(cat pyproject.toml ${VENV_CONSTRAINTS:+"$VENV_CONSTRAINTS"} | sha256sum | cut -d' ' -f1)"
    # One stamp per pyproject.toml, named after what was installed:
    #   ".installed-<hash>.benchmark"  testing + benchmark extras (satisfies all)
    #   ".installed-<hash>"            the testing extra (satisfies testing, core)
    #   ".installed-<hash>.core"       a plain `-e .` (satisfies core only)
    stamp="$VENV_DIR/.installed-$hash"
    local satisfied_by=()
    case "$flavour" in
        testing) satisfied_by=("$stamp" "$stamp.benchmark") ;;
        core) satisfied_by=("$stamp" "$stamp.core" "$stamp.benchmark") ;;
        benchmark) satisfied_by=("$stamp.benchmark") ;;
    esac
    local existing
    for existing in "${satisfied_by[@]}"; do
        if [ -e "$existing" ]; then
            return 0
        fi
    done
    case "$flavour" in
        core) stamp="$stamp.core" ;;
        benchmark) stamp="$stamp.benchmark" ;;
    esac

    echo "Installing $spec into $VENV_DIR (pyproject.toml changed or first run) ..."
    local pip_args=(install -q -e "$spec")
    if [ -n "${VENV_CONSTRAINTS:-}" ]; then
        pip_args+=(-c "$VENV_CONSTRAINTS")
    fi
    if [ "${VENV_UPGRADE:-0}" = "1" ]; then
        pip_args+=(--upgrade --upgrade-strategy eager)
    fi
    # Some machines' pip configuration names local indexes that may be
    # absent; pip says so once per package, which is only noise here.
    {
        "$VENV_DIR/bin/pip" install -q --upgrade pip
        "$VENV_DIR/bin/pip" "${pip_args[@]}"
    } 2> >(grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory.$" >&2)
    # Stamps for older pyproject.toml versions are stale now.
    rm -f "$VENV_DIR"/.installed-*
    touch "$stamp"
}
