from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailClinicAppConfig(AppConfig):
    """App configuration for wagtail-clinic.

    ``default_auto_field`` is set explicitly so that a host site's
    ``DEFAULT_AUTO_FIELD`` never makes Django want new migrations for this app.
    """

    name = "wagtail_clinic"
    label = "wagtail_clinic"
    verbose_name = _("Clinic")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from wagtail_clinic.api import v3

        # Before any Wagtail app's ready() builds the v3 schemas; never raises.
        v3.install()
        checks.register(v3.check_app_order, checks.Tags.compatibility)
        checks.register(v3.check_install, checks.Tags.compatibility)

        from wagtail_clinic import db

        # Not Tags.database: those only run with `check --database`.
        checks.register(db.check_sqlite_settings)

        from wagtail_clinic import webhooks
        from wagtail_clinic.api import representation_cache

        webhooks.connect_signals()
        representation_cache.connect_signals()
