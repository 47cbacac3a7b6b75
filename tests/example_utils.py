"""The example project's ``manage.py``, run against a temporary database.

Shared by the tests that drive the example site as a user would
(tests/test_example_project.py, tests/test_example_i18n.py and the browser's
tests/browser/test_language_switcher.py).
"""

import os
import subprocess
import sys

from pathlib import Path


EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "example_project"


def example_env(tmp, **extra):
    """The environment of the example's development settings, with its
    SQLite database and media files in the folder ``tmp``; ``extra`` adds
    or replaces variables."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example.settings.dev",
        "DATABASE_PATH": str(tmp / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp / "media"),
        **extra,
    }


def example_manage(env, timeout=180):
    """``run(*args)``: ``manage.py *args`` of the example in ``env``; fails
    the test with both outputs unless it exits 0, else returns stdout."""

    def run(*args):
        result = subprocess.run(  # noqa: S603 (a fixed command line)
            [sys.executable, "manage.py", *args],
            cwd=EXAMPLE_PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, (
            f"manage.py {' '.join(args)} exited with {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
        return result.stdout

    return run
