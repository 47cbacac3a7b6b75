"""The Django app configuration of wagtail-clinic (layer 6).

``ready()`` wires the app up, in this order: API v3 typing and mounting
(before the Wagtail apps listed after us freeze the v3 schemas), the system
checks, then the signal receivers (webhooks before the representation-cache
invalidation, the conditions summaries, then the notifications). Its imports are inside ``ready()``:
this module is imported before the models exist, and each of them imports
models.
"""

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
        """Install API v3, register the checks and connect the receivers."""
        # Here, not at the top: must run before Wagtail's apps freeze the v3 schemas.
        from wagtail_clinic.api import v3

        v3.install()  # Never raises.

        # Here: the checked modules import models, not loaded when apps.py is.
        from wagtail_clinic import checks

        checks.register_all()

        # Here: receivers import models. Webhooks before the cache invalidation (kept order).
        from wagtail_clinic.webhooks import signals as webhook_signals

        webhook_signals.connect_signals()

        # Here: the edge-cache purge receivers import the page models.
        from wagtail_clinic.frontend_cache import signals as frontend_cache_signals

        frontend_cache_signals.connect_signals()

        # Here: the invalidation receivers import the models they watch.
        from wagtail_clinic.api import cache_invalidation

        cache_invalidation.connect_signals()

        # Here: the conditions summaries' receivers import the page models.
        from wagtail_clinic import summaries

        summaries.connect_signals()

        # Here: notification receivers import models and create django-tasks tasks.
        from wagtail_clinic.booking import notifications as booking_notifications
        from wagtail_clinic.comments import notifications as comment_notifications

        booking_notifications.connect_signals()
        comment_notifications.connect_signals()
