"""Deliver the webhooks that are due: first attempts and retries.

Run it from cron (e.g. every minute) when the task backend cannot defer
tasks (Wagtail's default, the immediate backend, cannot): failed deliveries
then wait here for their next attempt. It is safe to run while workers are
delivering too: each attempt is claimed before it is made.
"""

from django.core.management.base import BaseCommand, CommandError

from wagtail_clinic.webhooks.delivery import deliver_due
from wagtail_clinic.webhooks.models import WebhookDelivery


class Command(BaseCommand):
    """``manage.py retry_webhooks [--limit N]``."""

    help = "Deliver due webhook notifications (first attempts and retries)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Attempt at most this many deliveries (oldest first).",
        )

    def handle(self, *args, limit=None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number.")
        deliveries = deliver_due(limit=limit)
        succeeded = sum(
            d.status == WebhookDelivery.Status.SUCCEEDED for d in deliveries
        )
        failed = len(deliveries) - succeeded
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Attempted {len(deliveries)} webhook deliveries: "
                f"{succeeded} succeeded, {failed} failed."
            )
