"""The moderators' "comment awaiting moderation" email, a background task (layer 5).

The email names the page and links to the moderation queue, filtered to
that page's pending comments. It never contains the commenter's name, email
address, IP address or words: moderators sign in to read the comment. It
is written in the site's ``LANGUAGE_CODE``, whatever language the reader used.

``on_comment_received`` enqueues ``notify_moderators`` after the comment's
transaction commits; ``connect_signals()`` (called once by
``WagtailClinicAppConfig.ready()``) connects it to
``comments.service.comment_received``.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from wagtail_clinic.comments.models import CommentStatus, ReaderComment
from wagtail_clinic.comments.permissions import MODERATE, get_permission_policy
from wagtail_clinic.comments.service import comment_received
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.representations import absolute_url


QUEUE_URL_NAME = "clinic_comments:index"
DISPATCH_UID = "wagtail_clinic.comments.notifications"


def notification_recipients():
    """The setting's addresses, else every active moderator with an email."""
    configured = clinic_settings.COMMENTS_NOTIFICATION_EMAIL
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    users = get_permission_policy().users_with_any_permission([MODERATE])
    return sorted(
        set(users.exclude(email="").values_list("email", flat=True).order_by())
    )


def queue_url(page_id=None, status="pending"):
    """The absolute URL of the moderation queue (relative without a base URL)."""
    query = {}
    if status:
        query["status"] = status
    if page_id is not None:
        query["page"] = page_id
    path = reverse(QUEUE_URL_NAME)
    if query:
        path += "?" + urlencode(query)
    return absolute_url(path)


def _one_line(text):
    return " ".join(str(text).split())


def notification_message(page_title, page_id):
    """``(subject, body)``: the page title and a link to the queue only."""
    title = _one_line(page_title)
    subject = _("New comment awaiting moderation on “%(title)s”") % {"title": title}
    body = _(
        "A reader has left a comment on “%(title)s”. It is waiting for "
        "moderation and is not shown until it is approved.\n\n"
        "Review it in the moderation queue:\n%(url)s\n\n"
        "This email deliberately contains no details of the comment or its author."
    ) % {"title": title, "url": queue_url(page_id)}
    return subject, body


@task()
def notify_moderators(comment_id):
    """Email the moderators that comment ``comment_id`` awaits moderation.

    Returns the number of emails sent (0 if the comment was moderated or
    deleted before the task ran, or nobody is to be told).
    """
    comment = (
        ReaderComment.objects.filter(pk=comment_id, status=CommentStatus.PENDING)
        .select_related("page")
        .only("pk", "page__id", "page__title")
        .first()
    )
    if comment is None:
        return 0
    recipients = notification_recipients()
    if not recipients:
        return 0
    # Staff read the site's language, not the patient's (who may have
    # written in another): the same whichever task backend runs this.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = notification_message(comment.page.title, comment.page_id)
    return send_mail(subject, body, None, recipients)


def on_comment_received(sender, comment_id, **kwargs):
    """Enqueue ``notify_moderators`` once the stored comment is committed.

    ``robust``: the comment is stored; a failing queue must not turn that
    into an error page (and a reader sending it twice).
    """
    transaction.on_commit(lambda: notify_moderators.enqueue(comment_id), robust=True)


def connect_signals():
    """Connect the receiver (``AppConfig.ready()``; safe to call twice)."""
    comment_received.connect(on_comment_received, dispatch_uid=DISPATCH_UID)
