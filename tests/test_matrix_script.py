"""scripts/matrix.sh runs what it can and names what it skipped (issue 17).

Only the interpreter lookup is exercised here (no virtualenv is built): the
matrix itself is run by scripts/test.sh.
"""

import os
import shutil
import subprocess

from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "matrix.sh"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(
    Path("/usr/bin/python3.10").exists() or Path("/bin/python3.10").exists(),
    reason="this machine has a system Python 3.10: nothing to skip",
)


def run_matrix(tmp_path, *args, **env):
    """matrix.sh with no pyenv and only the system directories on PATH."""
    environment = {
        **os.environ,
        "PATH": "/usr/bin:/bin",
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        **env,
    }
    return subprocess.run(
        [BASH, str(SCRIPT), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_missing_interpreter_is_skipped_and_named(tmp_path):
    result = run_matrix(tmp_path, "lowest")
    assert result.returncode == 0, result.stderr
    assert (
        "Matrix skipped: lowest: no Python 3.10 found (python3.10 on PATH or "
        "~/.pyenv/versions/3.10.*)" in result.stdout
    )
    assert "Matrix: nothing ran" in result.stdout
    assert "Installing" not in result.stdout  # no virtualenv was built


def test_matrix_require_makes_a_missing_interpreter_an_error(tmp_path):
    result = run_matrix(tmp_path, "lowest", MATRIX_REQUIRE="1")
    assert result.returncode == 1
    assert "error: lowest: no Python 3.10 found" in result.stderr


def test_a_pyenv_interpreter_of_another_version_is_not_taken(tmp_path):
    # A directory named 3.10.x whose python is not 3.10 (here: a script
    # that fails the version check) is passed over, and the run still skips.
    fake = tmp_path / "no-pyenv" / "versions" / "3.10.99" / "bin"
    fake.mkdir(parents=True)
    (fake / "python").write_text("#!/bin/sh\nexit 1\n")
    (fake / "python").chmod(0o755)
    result = run_matrix(tmp_path, "lowest")
    assert result.returncode == 0, result.stderr
    assert "Matrix skipped: lowest" in result.stdout
