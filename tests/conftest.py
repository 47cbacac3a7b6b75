import pytest

from django.test import override_settings


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
