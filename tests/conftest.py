import importlib.util

import django
import pytest

from django.test import override_settings


#: Modules not collected when what they test with is missing: schemathesis 4
#: needs Python 3.11+ (scripts/matrix.sh's lowest combination is 3.10).
OPTIONAL_MODULES = {"test_openapi_contract.py": "schemathesis"}
collect_ignore = [
    module
    for module, package in OPTIONAL_MODULES.items()
    if importlib.util.find_spec(package) is None
]


def pytest_configure(config):
    """On Django 6.1 and later, what Django 2028 removes is an error when
    the package or its tests use it (the version matrix's highest run)."""
    if django.VERSION >= (6, 1):
        config.addinivalue_line(
            "filterwarnings",
            "error::django.utils.deprecation.RemovedInDjango2028Warning:"
            "(wagtail_clinic|tests)",
        )


def pytest_terminal_summary(terminalreporter):
    """Say which test modules were left out, and why."""
    for module in collect_ignore:
        terminalreporter.write_line(
            f"not collected: tests/{module} ({OPTIONAL_MODULES[module]} is not installed)"
        )


@pytest.fixture(scope="session", autouse=True)
def _isolated_media_root(tmp_path_factory):
    """Point MEDIA_ROOT at a fresh directory for the whole test session.

    Session-wide rather than per test: images created in ``setUpTestData``
    (which runs before any function-scoped fixture) must still find their
    files when a test renders them. Wagtail gives clashing upload names a
    random suffix, so tests cannot overwrite each other's files.
    """
    media_root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media_root)):
        yield media_root


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache.

    Wagtail caches the site root paths, renditions and settings there; a test
    that adds a second Site must not change the URLs a later test sees.
    """
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
