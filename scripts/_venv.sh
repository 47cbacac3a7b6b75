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

    hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
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
    "$VENV_DIR/bin/pip" install -q --upgrade pip
    "$VENV_DIR/bin/pip" install -q -e "$spec"
    # Stamps for older pyproject.toml versions are stale now.
    rm -f "$VENV_DIR"/.installed-*
    touch "$stamp"
}
