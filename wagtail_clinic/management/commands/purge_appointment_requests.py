"""Delete appointment requests older than the retention period.

    ./manage.py purge_appointment_requests [--older-than DAYS] [--dry-run]

DAYS defaults to ``WAGTAIL_CLINIC["APPOINTMENT_RETENTION_DAYS"]``. Only counts
are printed and logged (an entry in Wagtail's audit log, "Purge expired
appointment requests"): never anything a request holds. Run it daily, e.g.
from cron or a scheduled task.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_clinic.booking.models import AppointmentRequest
from wagtail_clinic.booking.viewsets import PURGE_ACTION
from wagtail_clinic.conf import clinic_settings


def purge_appointment_requests(older_than_days, dry_run=False):
    """Delete requests received more than ``older_than_days`` days ago.

    Returns:
        The number of requests deleted (or that would be, with ``dry_run``).
    """
    cutoff = timezone.now() - timedelta(days=older_than_days)
    expired = AppointmentRequest.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return expired.count()
    with transaction.atomic():
        _total, by_model = expired.delete()
        count = by_model.get(AppointmentRequest._meta.label, 0)
        ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(AppointmentRequest),
            object_id="retention-purge",
            label=str(AppointmentRequest._meta.verbose_name_plural),
            action=PURGE_ACTION,
            timestamp=timezone.now(),
            data={
                "deleted": count,
                "older_than_days": older_than_days,
                "cutoff": cutoff.isoformat(),
            },
        )
    return count


class Command(BaseCommand):
    help = (
        "Delete appointment requests older than the retention period "
        '(WAGTAIL_CLINIC["APPOINTMENT_RETENTION_DAYS"]). Prints counts only.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            default=None,
            help="Delete requests received more than DAYS days ago (default: "
            "the APPOINTMENT_RETENTION_DAYS setting).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the requests that would be deleted.",
        )

    def handle(self, *args, older_than=None, dry_run=False, **options):
        days = older_than
        if days is None:
            days = clinic_settings.APPOINTMENT_RETENTION_DAYS
        if days is None or int(days) < 1:
            raise CommandError(
                "--older-than must be a whole number of days, 1 or more."
            )
        days = int(days)
        count = purge_appointment_requests(days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would delete {count} appointment request(s) older than {days} days."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Deleted {count} appointment request(s) older than {days} days."
                )
            )
