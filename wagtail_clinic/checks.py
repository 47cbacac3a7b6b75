"""Every system check of wagtail-clinic, registered once (layer 6).

``register_all()`` is called from ``WagtailClinicAppConfig.ready()``, after
``api.v3.install()`` (whose outcome two of the checks report). The checks
themselves live beside what they check; none registers itself on import.

=====================  =====================================================
``W004``               ``conf.check_settings``: unknown ``WAGTAIL_CLINIC`` keys
``W301``               ``db.check_sqlite_settings``: risky SQLite settings
``W001``-``W003``      ``api.v3``: app order, install failures, untyped bodies
``E201``               ``serialisation.cache.check_cache_alias``
``I201``, ``W201``     ``serialisation.cache.check_shared_cache`` (deploy)
``E101``, ``W101``,    ``webhooks.checks.check_webhooks_setting``: endpoints,
``W102``               secrets, the deprecated legacy signature
``W401``-``W404``,     ``frontend_cache.checks`` (deploy): rate limits on a
``I401``, ``I402``     per-process cache, Redis outages, ImmediateBackend,
                       edge-cache purge
``E601``-``E605``      ``preview.frontends``: malformed ``HEADLESS_FRONTENDS``
                       or ``HEADLESS_PREVIEW_URL``
``W501``-``W503``      ``checks_urls``: the default Site and the base URL
                       settings name one origin
=====================  =====================================================
"""

from django.core import checks

from wagtail_clinic import checks_urls, conf, db
from wagtail_clinic.api import v3
from wagtail_clinic.frontend_cache import checks as deploy_checks
from wagtail_clinic.preview.frontends import check_headless_frontends
from wagtail_clinic.serialisation import cache
from wagtail_clinic.webhooks.checks import check_webhooks_setting


def register_all():
    """Register every check with Django's check framework.

    Registering the same function twice is harmless (the registry is a
    set), so calling this again, e.g. from tests, changes nothing.
    """
    checks.register(conf.check_settings)
    # Not Tags.database: those only run with `check --database`.
    checks.register(db.check_sqlite_settings)
    checks.register(v3.check_app_order, checks.Tags.compatibility)
    checks.register(v3.check_install, checks.Tags.compatibility)
    checks.register(cache.check_cache_alias, checks.Tags.caches)
    checks.register(cache.check_shared_cache, checks.Tags.caches, deploy=True)
    checks.register(check_webhooks_setting)
    checks.register(check_headless_frontends)
    checks.register(
        deploy_checks.check_rate_limit_cache, checks.Tags.caches, deploy=True
    )
    checks.register(deploy_checks.check_cache_outage, checks.Tags.caches, deploy=True)
    checks.register(deploy_checks.check_task_backend, deploy=True)
    checks.register(deploy_checks.check_frontend_cache, deploy=True)
    # Not Tags.database (only with `check --database`): they read the default
    # Site, and report nothing before `migrate` has created its table.
    for url_check in (
        checks_urls.check_default_site,
        checks_urls.check_admin_base_url,
        checks_urls.check_api_base_url,
    ):
        checks.register(url_check)
