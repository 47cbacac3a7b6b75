"""Reader comments ("Leave a Reply") and their moderation states (layer 4a).

A comment belongs to a page and, for a reply, to a top-level comment of the
same page: threads are one level deep (see ``wagtail_clinic.comments.service``).
The commenter's email address is kept for moderators and for erasure
requests, and never published: no template, API response or log line shows
it. ``email_hash`` (an HMAC of the normalised address, keyed with
``SECRET_KEY``) finds a commenter's comments without comparing raw
addresses; the client's IP address is only ever stored as a keyed hash.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


AUTHOR_NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
HASH_LENGTH = 64


class CommentStatus(models.TextChoices):
    """Where a comment is in moderation; only approved ones are shown."""

    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")


class CommentSource(models.TextChoices):
    """The channel a comment came through."""

    FORM = "form", _("Web form")
    API = "api", _("API")
    IMPORT = "import", _("Imported")


class ReaderCommentQuerySet(models.QuerySet):
    """Shortcuts for the comments that pages show."""

    def approved(self):
        """The approved (published) comments."""
        return self.filter(status=CommentStatus.APPROVED)

    def for_page(self, page):
        """The comments on ``page``."""
        return self.filter(page_id=page.pk)


class ReaderComment(models.Model):
    """One reader's comment on a page.

    Named ``ReaderComment`` to keep it apart from Wagtail's own editorial
    ``wagtail.models.Comment`` (editors' notes in the page editor).
    ``__str__`` carries no personal data: it is what the admin history,
    audit log, bulk-action confirmations and messages show.
    """

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        # Like WordPress: deleting a comment keeps its replies, which then
        # show as top-level comments.
        on_delete=models.SET_NULL,
        related_name="replies",
        editable=False,
    )
    author_name = models.CharField(
        _("name"), max_length=AUTHOR_NAME_MAX_LENGTH, editable=False
    )
    email = models.EmailField(
        _("email"),
        max_length=EMAIL_MAX_LENGTH,
        editable=False,
        help_text=_("Never published."),
    )
    email_hash = models.CharField(
        _("email fingerprint"), max_length=HASH_LENGTH, db_index=True, editable=False
    )
    ip_hash = models.CharField(
        _("client fingerprint"),
        max_length=HASH_LENGTH,
        blank=True,
        editable=False,
        help_text=_("A keyed hash of the sender's IP address, not the address."),
    )
    body = models.TextField(_("comment"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    source = models.CharField(
        _("received through"),
        max_length=10,
        choices=CommentSource.choices,
        default=CommentSource.FORM,
        editable=False,
    )
    created_at = models.DateTimeField(
        _("received at"), default=timezone.now, db_index=True, editable=False
    )
    moderated_at = models.DateTimeField(
        _("moderated at"), null=True, blank=True, editable=False
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ReaderCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader comment")
        verbose_name_plural = _("reader comments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["page", "status", "created_at"],
                name="wagtail_cli_comment_page_idx",
            )
        ]
        # One permission covers the whole moderation queue: listing,
        # approving, rejecting, marking as spam and deleting. Nobody "adds"
        # comments in the admin; readers send them.
        default_permissions = ()
        permissions = [
            ("moderate_readercomment", _("Can moderate reader comments")),
        ]

    def __str__(self):
        # No name either: admin history and audit log entries keep this
        # label after a commenter's comments are erased.
        return str(_("Comment #%(id)s") % {"id": self.pk})

    @property
    def is_reply(self):
        """Whether the comment answers another one."""
        return self.parent_id is not None
