"""System check of the ``WAGTAIL_CLINIC["WEBHOOKS"]`` setting (layer 5).

Registered once by ``wagtail_clinic.checks.register_all()``.
"""

from django.core import checks

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.webhooks.endpoints import endpoint_problems


def check_webhooks_setting(app_configs=None, **kwargs):
    """System check ``wagtail_clinic.E101``: every ``WEBHOOKS`` entry is usable."""
    webhooks = clinic_settings.WEBHOOKS
    if not webhooks:
        return []
    if not isinstance(webhooks, list | tuple):
        return [
            checks.Error(
                'WAGTAIL_CLINIC["WEBHOOKS"] must be a list of dicts.',
                id="wagtail_clinic.E101",
            )
        ]
    errors = []
    for index, endpoint in enumerate(webhooks):
        for problem in endpoint_problems(endpoint):
            errors.append(
                checks.Error(
                    f'WAGTAIL_CLINIC["WEBHOOKS"][{index}]: {problem}.',
                    id="wagtail_clinic.E101",
                )
            )
    return errors
