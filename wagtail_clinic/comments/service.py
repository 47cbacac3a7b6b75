"""Accepting a comment, shared by the HTML form and the JSON API.

``submit_comment`` applies the honeypot, validates the form (every other
spam rule is a form rule), applies the rate limit, stores the comment in one
transaction and, for a comment held for moderation, schedules the
moderators' email for after the commit. Nothing is stored when anything
fails, and nothing here logs what the reader wrote.
"""

from dataclasses import dataclass

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from wagtail_clinic.antispam import RateLimited, client_hash, count_hit
from wagtail_clinic.comments import spam
from wagtail_clinic.comments.notifications import notify_moderators
from wagtail_clinic.comments.privacy import email_hash, email_hashes
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.models.comments import (
    CommentSource,
    CommentStatus,
    ReaderComment,
)


__all__ = ["Accepted", "RateLimited", "submit_comment"]

RATE_LIMIT_SCOPE = "comment"
RATE_LIMIT_SETTING = "COMMENTS_RATE_LIMIT"


@dataclass(frozen=True)
class Accepted:
    """What the reader is told: "pending" or "approved" (and which comment)."""

    status: str
    comment_id: int | None
    stored: bool

    @property
    def published(self):
        return self.status == CommentStatus.APPROVED


def is_returning_commenter(email):
    """Whether an approved comment was sent with this address before."""
    return ReaderComment.objects.filter(
        email_hash__in=email_hashes(email), status=CommentStatus.APPROVED
    ).exists()


@sensitive_variables()
def submit_comment(page, form, request, source=CommentSource.FORM):
    """Validate ``form`` and store the comment it holds.

    A silent honeypot (the default) answers bots like a held comment;
    nothing is stored or sent. With ``COMMENTS_HONEYPOT = "reject"`` the
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
    """
    mode = spam.honeypot_mode()
    if mode is not None and form.honeypot_filled:
        if mode == spam.HONEYPOT_SILENT:
            count_hit(request, scope=RATE_LIMIT_SCOPE, setting=RATE_LIMIT_SETTING)
            return Accepted(status=CommentStatus.PENDING, comment_id=None, stored=False)
        form.is_valid()  # Collect the other errors too.
        form.add_error(None, spam.MESSAGES["honeypot"])
        return None
    if not form.is_valid():
        return None
    count_hit(request, scope=RATE_LIMIT_SCOPE, setting=RATE_LIMIT_SETTING)
    data = form.cleaned_data
    status = CommentStatus.PENDING
    if clinic_settings.COMMENTS_AUTO_APPROVE_RETURNING and is_returning_commenter(
        data["email"]
    ):
        status = CommentStatus.APPROVED
    with transaction.atomic():
        comment = ReaderComment.objects.create(
            page_id=page.pk,
            parent=form.parent,
            author_name=data["author_name"],
            email=data["email"],
            email_hash=email_hash(data["email"]),
            ip_hash=client_hash(request),
            body=data["body"],
            status=status,
            source=source,
        )
        comment_id = comment.pk
        if status == CommentStatus.PENDING:
            transaction.on_commit(lambda: notify_moderators.enqueue(comment_id))
    return Accepted(status=status, comment_id=comment_id, stored=True)
