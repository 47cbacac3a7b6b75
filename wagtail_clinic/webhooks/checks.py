"""System checks of the webhook settings (layer 5).

Registered once by ``wagtail_clinic.checks.register_all()``:

* ``wagtail_clinic.E101``: a ``WEBHOOKS`` entry (or
  ``WEBHOOK_LEGACY_SIGNATURE``) is unusable;
* ``wagtail_clinic.W101``: a secret is not in the Standard Webhooks form
  ``whsec_<base64>`` (it still works, as its UTF-8 bytes) or is short;
* ``wagtail_clinic.W102``: the deprecated ``X-Clinic-Signature`` headers are
  still sent (``WEBHOOK_LEGACY_SIGNATURE``, removed in 0.2).
"""

from django.core import checks

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.webhooks.endpoints import endpoint_problems, endpoint_warnings


SETTING = 'WAGTAIL_CLINIC["WEBHOOKS"]'
LEGACY_SETTING = 'WAGTAIL_CLINIC["WEBHOOK_LEGACY_SIGNATURE"]'


def check_webhooks_setting(app_configs=None, **kwargs):
    """System checks ``E101``, ``W101`` and ``W102`` (see the module docstring)."""
    webhooks = clinic_settings.WEBHOOKS
    legacy = clinic_settings.WEBHOOK_LEGACY_SIGNATURE
    messages = []
    if not isinstance(legacy, bool):
        messages.append(
            checks.Error(
                f"{LEGACY_SETTING} must be True or False.",
                id="wagtail_clinic.E101",
            )
        )
    if not webhooks:
        return messages
    if not isinstance(webhooks, list | tuple):
        messages.append(
            checks.Error(
                f"{SETTING} must be a list of dicts.", id="wagtail_clinic.E101"
            )
        )
        return messages
    for index, endpoint in enumerate(webhooks):
        for problem in endpoint_problems(endpoint):
            messages.append(
                checks.Error(
                    f"{SETTING}[{index}]: {problem}.", id="wagtail_clinic.E101"
                )
            )
        for warning, hint in endpoint_warnings(endpoint):
            messages.append(
                checks.Warning(
                    f"{SETTING}[{index}]: {warning}.",
                    hint=hint,
                    id="wagtail_clinic.W101",
                )
            )
    if legacy is True:
        messages.append(
            checks.Warning(
                "Webhooks also carry the deprecated X-Clinic-Signature, "
                "X-Clinic-Timestamp and X-Clinic-Delivery headers; wagtail-clinic "
                "0.2 stops sending them.",
                hint=(
                    "Verify the Standard Webhooks headers (webhook-id, "
                    "webhook-timestamp, webhook-signature) in every receiver, "
                    f"then set {LEGACY_SETTING} = False (docs/headless.md, "
                    '"Publish notifications").'
                ),
                id="wagtail_clinic.W102",
            )
        )
    return messages
