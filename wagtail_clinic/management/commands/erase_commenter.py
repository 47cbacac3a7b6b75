"""``manage.py erase_commenter --email ADDRESS [--dry-run]``: erase one commenter.

Deletes every reader comment sent with an email address (a right-to-erasure
request). Comments are found by the keyed hash of the normalised address
(with the current and fallback ``SECRET_KEY``\\s) and, for rows stored
before a key change, by the stored address itself. Replies other readers
wrote to the erased comments stay, as top-level comments.

Prints counts only: never the address, names or comments, so the output can
go in a ticket or a log.
"""

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from wagtail_clinic.comments.models import ReaderComment
from wagtail_clinic.comments.privacy import email_hashes, normalise_email


class Command(BaseCommand):
    help = (
        "Delete every reader comment sent with an email address. Prints counts "
        "only. Use --dry-run to count without deleting."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", required=True, help="The commenter's email address."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the comments that would be deleted.",
        )

    @sensitive_variables("email", "options")
    def handle(self, *args, email, dry_run=False, **options):
        address = normalise_email(email)
        try:
            validate_email(address)
        except Exception as exc:
            # Do not echo the value: it may be personal data.
            raise CommandError("--email is not a valid email address.") from exc
        comments = ReaderComment.objects.filter(
            Q(email_hash__in=email_hashes(address)) | Q(email__iexact=address)
        )
        with transaction.atomic():
            count = comments.count()
            pages = comments.values("page_id").distinct().count()
            if dry_run:
                self.stdout.write(
                    f"Dry run: {count} comment(s) on {pages} page(s) would be deleted."
                )
                return
            deleted, _per_model = comments.delete()
        self.stdout.write(
            self.style.SUCCESS(f"Deleted {deleted} comment(s) on {pages} page(s).")
        )
