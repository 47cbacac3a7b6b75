"""Accepting a comment, shared by the HTML form and the JSON API (layer 4b).

``submit_comment`` applies the honeypot, validates the form (every other
spam rule is a form rule), applies the rate limit, stores the comment in one
short write transaction (waiting for, and retrying on, a busy database:
``wagtail_clinic.db``) and, for a comment held for moderation, sends
``comment_received`` inside it, whose receiver (``comments.notifications``)
schedules the moderators' email for after the commit. Nothing is stored
when anything fails, a comment that is not stored does not count against
the rate limit, and nothing here logs what the reader wrote.
"""

from dataclasses import dataclass

from django.dispatch import Signal
from django.views.decorators.debug import sensitive_variables

from wagtail_clinic.comments import spam
from wagtail_clinic.comments.models import (
    CommentSource,
    CommentStatus,
    ReaderComment,
)
from wagtail_clinic.comments.privacy import email_hash, email_hashes
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.db import (
    DatabaseBusy,
    busy_errors_as_database_busy,
    write_with_retry,
)
from wagtail_clinic.public_input.client import client_key
from wagtail_clinic.public_input.ratelimit import (
    RateLimited,
    count_hit,
    give_back_hit,
)


__all__ = [
    "Accepted",
    "DatabaseBusy",
    "RateLimited",
    "comment_received",
    "submit_comment",
]

RATE_LIMIT_SCOPE = "comment"
RATE_LIMIT_SETTING = "COMMENTS_RATE_LIMIT"

#: Sent (``sender=ReaderComment``, ``comment_id=…``) inside the write
#: transaction of a stored comment that awaits moderation; receivers that
#: act on it (emails, tasks) must wait for the commit (``transaction.on_commit``).
comment_received = Signal()


@dataclass(frozen=True)
class Accepted:
    """What the reader is told: "pending" or "approved" (and which comment)."""

    status: str
    comment_id: int | None
    stored: bool

    @property
    def published(self):
        """Whether the comment was published at once (auto-approved)."""
        return self.status == CommentStatus.APPROVED


def is_returning_commenter(email):
    """Whether an approved comment was sent with this address before."""
    return ReaderComment.objects.filter(
        email_hash__in=email_hashes(email), status=CommentStatus.APPROVED
    ).exists()


@sensitive_variables()
def submit_comment(page, form, request, source=CommentSource.FORM):
    """Validate ``form`` and store the comment it holds.

    A silent honeypot (the default) answers bots like a held comment when
    the fields are valid; nothing is stored or sent. With ``COMMENTS_HONEYPOT = "reject"`` the
    form gets an error instead.

    Args:
        page: the (specific) page commented on.
        form: a bound ``CommentForm`` for ``page``.
        request: the HTTP request, for the rate limit and the client hash.
        source: ``CommentSource.FORM`` or ``CommentSource.API``.

    Returns:
        ``Accepted``, or None when the form is invalid (see ``form.errors``).

    Raises:
        RateLimited: the client has sent too many comments recently.
        DatabaseBusy: the database stayed busy (locked by another writer)
            for longer than ``WAGTAIL_CLINIC["DATABASE_BUSY_TIMEOUT"]``;
            nothing was stored and the rate limit was not spent.
    """
    mode = spam.honeypot_mode()
    if mode is not None and form.honeypot_filled:
        # The fields are validated first, as for anyone: a comment the form
        # refuses is refused (field errors, no hint of the honeypot), so the
        # silent answer is only ever given to what would have been held.
        with busy_errors_as_database_busy():
            valid = form.is_valid()
        if valid and mode == spam.HONEYPOT_SILENT:
            count_hit(request, scope=RATE_LIMIT_SCOPE, setting=RATE_LIMIT_SETTING)
            return Accepted(status=CommentStatus.PENDING, comment_id=None, stored=False)
        if mode != spam.HONEYPOT_SILENT:
            form.add_error(None, spam.MESSAGES["honeypot"])
        return None
    # Every read (the form's parent comment, a returning commenter) happens
    # before the write transaction: on SQLite a transaction that reads first
    # cannot wait for the write lock.
    with busy_errors_as_database_busy():
        if not form.is_valid():
            return None
        data = form.cleaned_data
        status = CommentStatus.PENDING
        if clinic_settings.COMMENTS_AUTO_APPROVE_RETURNING and is_returning_commenter(
            data["email"]
        ):
            status = CommentStatus.APPROVED
    hit = count_hit(request, scope=RATE_LIMIT_SCOPE, setting=RATE_LIMIT_SETTING)

    @sensitive_variables()
    def store():
        comment = ReaderComment.objects.create(
            page_id=page.pk,
            parent=form.parent,
            author_name=data["author_name"],
            email=data["email"],
            email_hash=email_hash(data["email"]),
            ip_hash=client_key(request),
            body=data["body"],
            status=status,
            source=source,
        )
        comment_id = comment.pk
        if status == CommentStatus.PENDING:
            comment_received.send(sender=ReaderComment, comment_id=comment_id)
        return comment_id

    try:
        comment_id = write_with_retry(store)
    except BaseException:
        # Not stored: the attempt does not spend the reader's quota.
        give_back_hit(hit)
        raise
    return Accepted(status=status, comment_id=comment_id, stored=True)
