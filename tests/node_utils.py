"""Running pinned npm packages from tests (TypeScript checks of the docs' code).

Usage::

    from tests.node_utils import NPX, npm_project, requires_npx

    @requires_npx
    def test_something(tmp_path):
        node = npm_project(tmp_path, {"typescript": "5.9.3", "openapi-fetch": "0.17.0"})
        node.write("good.ts", "…")
        result = node.tsc("good.ts")
        assert result.returncode == 0, result.output

Everything stays in the test's directory: the packages (``node_modules``)
and the npm cache, so nothing is read from or written to the user's
``~/.npm``. Tests skip with a reason when ``npx`` (Node.js) is missing; they
need the npm registry (CI has it).
"""

import json
import os
import shutil
import subprocess

from dataclasses import dataclass
from pathlib import Path

import pytest


#: ``npx`` on PATH, or None (tests using it are then skipped).
NPX = shutil.which("npx")
#: ``npm`` on PATH, or None.
NPM = shutil.which("npm")

#: Marks a test that needs Node.js (npm and npx).
requires_npx = pytest.mark.skipif(
    NPX is None or NPM is None, reason="npx/npm (Node.js) is not installed"
)

#: Versions the TypeScript tests pin, in one place.
TYPESCRIPT = "5.9.3"
OPENAPI_TYPESCRIPT = "7.13.0"
OPENAPI_FETCH = "0.17.0"

#: ``tsc`` options of every type check: strict, no output, modern modules.
TSC_OPTIONS = (
    "--noEmit",
    "--strict",
    "--target",
    "es2022",
    "--module",
    "esnext",
    "--moduleResolution",
    "bundler",
    "--lib",
    "es2022,dom",
    "--skipLibCheck",
)


@dataclass
class Result:
    """The outcome of a command run in an ``NpmProject``."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self):
        """stdout and stderr together (``tsc`` writes its errors to stdout)."""
        return self.stdout + self.stderr


class NpmProject:
    """A directory with pinned npm packages installed; runs their binaries."""

    def __init__(self, directory, env):
        self.directory = Path(directory)
        self.env = env

    def run(self, *args, timeout=300):
        """Run ``args`` (the first one a program) in the project directory."""
        completed = subprocess.run(
            list(args),
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def bin(self, name, *args, timeout=300):
        """Run an installed package's binary (``node_modules/.bin/<name>``)."""
        return self.run(
            str(self.directory / "node_modules" / ".bin" / name),
            *args,
            timeout=timeout,
        )

    def node(self, *args, timeout=300):
        """Run ``node`` with ``args`` (e.g. a script written with ``write``)."""
        return self.run(shutil.which("node") or "node", *args, timeout=timeout)

    def tsc(self, *files, options=TSC_OPTIONS):
        """Type-check ``files`` with the installed ``typescript`` (``--strict``)."""
        return self.bin("tsc", *options, *files)

    def write(self, name, text):
        """Write ``text`` to ``name`` in the project directory; return its path."""
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


def npm_env(directory):
    """The environment for npm/npx with the cache inside ``directory``."""
    return {
        **os.environ,
        "npm_config_cache": str(Path(directory) / ".npm-cache"),
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
        "npm_config_loglevel": "error",
    }


def npm_project(directory, packages, *, module=True):
    """Install pinned npm packages into ``directory``; return an ``NpmProject``.

    Args:
        directory: where ``package.json``, ``node_modules`` and the npm cache
            go (a pytest ``tmp_path``).
        packages: ``{"name": "exact version"}``.
        module: declare the package an ES module (``"type": "module"``), so
            ``node`` runs ``.js`` files with ``import``.

    Raises:
        AssertionError: ``npm install`` failed (its output is the message).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"name": "clinic-test", "version": "0.0.0", "private": True}
    if module:
        manifest["type"] = "module"
    (directory / "package.json").write_text(json.dumps(manifest))
    project = NpmProject(directory, npm_env(directory))
    specs = [f"{name}@{version}" for name, version in packages.items()]
    installed = project.run(
        NPM, "install", "--no-save", "--ignore-scripts", "--no-package-lock", *specs
    )
    assert installed.returncode == 0, installed.output
    return project
