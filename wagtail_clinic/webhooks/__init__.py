"""Signed publish notifications ("webhooks") for headless frontends.

When a page is published, unpublished, deleted or moved, every URL in
``WAGTAIL_CLINIC["WEBHOOKS"]`` receives a JSON POST listing the paths a
static or ISR frontend should rebuild: at most ``WEBHOOK_MAX_PATHS`` of
them, with ``paths_total``, ``purge_all`` and ``paths_url`` (the API's
``/pages/{id}/shown-on/``) for the rest. The flow:

1. A Wagtail signal handler (``signals``) registers a ``transaction.on_commit``
   callback, so nothing is sent for a change that is rolled back, and nothing
   is sent from inside the publishing transaction. (Deletions are described
   in ``pre_delete``, while the page and its references still exist, and
   sent on commit like the rest.)
2. On commit, one ``WebhookDelivery`` row (``models``) per endpoint
   (``endpoints``) is written and a ``django_tasks`` task is enqueued for
   each (``delivery``).
3. The task signs and POSTs the payload (``payloads``; ``urllib``, short
   timeout). A failure is recorded and retried with exponential backoff:
   re-enqueued with ``run_after`` when the task backend supports it,
   otherwise by the ``retry_webhooks`` management command (run it from cron).

Nothing here may break an editor's publish: every handler, callback and task
catches and logs its errors, and logs never contain secrets.

Signature: Standard Webhooks (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64>``, ``whsec_`` secrets; see ``signing``),
and while ``WEBHOOK_LEGACY_SIGNATURE`` is on (deprecated, removed in 0.2)
the old ``X-Clinic-Signature: sha256=<hex>``. The payload's JSON schema, as
published in the OpenAPI document's ``webhooks``, is in ``schema``.

This package imports nothing when it is imported, because loading the models
imports ``webhooks.models`` (and so this file) before the app registry is
ready. ``deliver_webhook_task``, the documented task path (queued tasks name
it), is looked up on first use.
"""


def __getattr__(name):
    """``wagtail_clinic.webhooks.deliver_webhook_task``, imported on first use.

    Importing it creates the django-tasks ``Task``, which must not happen
    while the models load.
    """
    if name == "deliver_webhook_task":
        # In-function: keeps this package light (see the module docstring).
        from wagtail_clinic.webhooks.delivery import deliver_webhook_task

        return deliver_webhook_task
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["deliver_webhook_task"]  # noqa: F822 (provided by __getattr__)
