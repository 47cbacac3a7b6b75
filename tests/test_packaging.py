"""The built wheel ships everything a host site needs."""

import shutil
import subprocess
import sys
import zipfile

from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def source_copy(destination):
    """What an sdist holds, copied to ``destination``: the build writes its
    ``build/`` and ``*.egg-info`` there, never into the checkout (where
    scripts/matrix.sh may be building at the same time)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    destination.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "setup.cfg"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "wagtail_clinic", destination / "wagtail_clinic", ignore=ignore
    )
    return destination


def test_wheel_ships_templates_static_migrations_and_locale(tmp_path):
    source = source_copy(tmp_path / "source")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("wagtail_clinic-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    for expected in [
        "wagtail_clinic/migrations/0001_initial.py",
        "wagtail_clinic/templates/wagtail_clinic/base.html",
        "wagtail_clinic/templates/wagtail_clinic/pages/condition_page.html",
        "wagtail_clinic/templates/wagtail_clinic/blocks/booking_cta_block.html",
        "wagtail_clinic/templatetags/wagtail_clinic_tags.py",
        "wagtail_clinic/static/wagtail_clinic/css/clinic.css",
        "wagtail_clinic/locale/en/LC_MESSAGES/django.po",
        "wagtail_clinic/locale/en/LC_MESSAGES/django.mo",
        "wagtail_clinic/locale/fr/LC_MESSAGES/django.po",
        "wagtail_clinic/locale/fr/LC_MESSAGES/django.mo",
    ]:
        assert expected in names, f"{expected} is missing from {wheel.name}"
    # Every template and static file in the source tree is in the wheel.
    for folder in ("templates", "static"):
        for path in (ROOT / "wagtail_clinic" / folder).rglob("*"):
            if path.is_file():
                name = path.relative_to(ROOT).as_posix()
                assert name in names, f"{name} is missing from {wheel.name}"
    # The test suite and the example project stay out of the package.
    assert not any(name.startswith(("tests/", "example_project/")) for name in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: BSD-3-Clause" in text
