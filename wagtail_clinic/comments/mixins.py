"""``CommentsMixin``: a page that shows its reader comments and takes new ones (layer 4b).

The form posts to the page itself, so host sites add no URLs. A POST
carrying ``clinic_form=comment`` is handled here; any other request is
served as usual. Flow (POST-redirect-GET): a valid comment redirects to the
page with ``?comment=pending`` (or ``?comment=published`` for an
auto-approved one) and the "#respond" anchor, so no personal data ever ends
up in a URL; an invalid one re-renders the page with the errors.
"""

from dataclasses import dataclass, field

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from wagtail_clinic.comments import service
from wagtail_clinic.comments.forms import CommentForm
from wagtail_clinic.comments.models import CommentSource, CommentStatus, ReaderComment
from wagtail_clinic.comments.rendering import render_comment_body
from wagtail_clinic.comments.spam import MESSAGES
from wagtail_clinic.db import DatabaseBusy
from wagtail_clinic.public_input.ratelimit import RateLimited
from wagtail_clinic.serialisation.site import get_clinic_settings, settings_for_site


COMMENT_FORM_MARKER = "clinic_form"
COMMENT_FORM_MARKER_VALUE = "comment"
#: ``?comment=…`` values after a comment was accepted.
STATUS_PENDING = "pending"
STATUS_PUBLISHED = "published"
REPLY_PARAM = "reply_to"
FORM_AUTO_ID = "clinic-comment-%s"


def build_threads(comments):
    """Nest approved ``comments`` (oldest first) one level deep.

    A comment whose parent is among ``comments`` is shown under the
    top-level comment of that parent's thread; any other comment (no parent,
    or a parent that is no longer published) is a top-level comment. Sets
    ``thread_replies`` (a list) on every top-level comment and returns the
    top-level comments, in order. Costs no query.
    """
    by_id = {comment.pk: comment for comment in comments}
    top_level = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        root, seen = comment, set()
        while root.parent_id in by_id and root.pk not in seen:
            seen.add(root.pk)
            root = by_id[root.parent_id]
        if root is comment:
            top_level.append(comment)
        else:
            root.thread_replies.append(comment)
    return top_level


@dataclass
class CommentSection:
    """Everything the comments template needs (``comment_section`` in context)."""

    open: bool
    comments: list = field(default_factory=list)
    count: int = 0
    form: object = None
    reply_to: object = None
    status: str | None = None
    closed_notice: bool = False

    @property
    def pending(self):
        """Whether a comment was just sent and held for moderation."""
        return self.status == STATUS_PENDING

    @property
    def published(self):
        """Whether a comment was just sent and published at once."""
        return self.status == STATUS_PUBLISHED


class CommentsMixin:
    """Reader comments below a page: the approved ones, and a form for more.

    Put it before ``Page`` in the bases of a page model with a
    ``comments_enabled`` field. Comments are open only when that field and
    the site's ``ClinicSettings.comments_enabled`` are both on (a site with
    no ``ClinicSettings`` row yet has them off, as the field's default);
    otherwise the page shows neither comments nor form (nothing is deleted).

    Context: ``comment_section`` (a ``CommentSection``), which
    ``wagtail_clinic/includes/comments.html`` renders.
    """

    #: The form readers fill in (see ``get_comment_form_class``).
    comment_form_class = CommentForm

    def comments_open(self, request=None, site=None):
        """Whether this page takes (and shows) comments now.

        Args:
            request: the request, whose site's settings apply.
            site: the site whose settings apply instead (e.g. an API's
                ``?site=``).
        """
        if not getattr(self, "comments_enabled", False):
            return False
        if site is not None:
            site_settings = settings_for_site(site)
        else:
            site_settings = get_clinic_settings(request)
        return site_settings is not None and site_settings.comments_enabled

    def get_approved_comments(self):
        """The page's approved comments, oldest first, in one query."""
        if self.pk is None:
            return []
        return list(
            ReaderComment.objects.filter(page_id=self.pk, status=CommentStatus.APPROVED)
            .only("pk", "parent_id", "author_name", "body", "created_at")
            .order_by("created_at", "pk")
        )

    def get_comment_threads(self):
        """``(top-level comments with thread_replies, total count)``, with ``body_html``."""
        comments = self.get_approved_comments()
        for comment in comments:
            comment.body_html = render_comment_body(comment.body)
        return build_threads(comments), len(comments)

    def get_comment_form_class(self):
        """The comment form class (``comment_form_class``)."""
        return self.comment_form_class

    def get_comment_form(self, data=None, reply_to=None):
        """The comment form for this page, bound to ``data`` if given.

        Args:
            data: the submitted data (``request.POST`` or the API's), or None.
            reply_to: the approved comment replied to, if any.
        """
        return self.get_comment_form_class()(
            data=data, page=self, reply_to=reply_to, auto_id=FORM_AUTO_ID
        )

    def get_comment_section(self, request, form=None):
        """The ``CommentSection`` to render (``form``: a bound one with errors)."""
        if not self.comments_open(request):
            return CommentSection(open=False)
        threads, count = self.get_comment_threads()
        by_id = {c.pk: c for c in threads}
        by_id.update({r.pk: r for c in threads for r in c.thread_replies})
        reply_to = None
        wanted = form.data.get("parent_id") if form is not None else None
        if wanted is None:
            wanted = request.GET.get(REPLY_PARAM)
        wanted = str(wanted or "")
        if wanted.isascii() and wanted.isdigit() and len(wanted) < 20:
            reply_to = by_id.get(int(wanted))
        if form is None:
            form = self.get_comment_form(reply_to=reply_to)
        status = request.GET.get("comment")
        return CommentSection(
            open=True,
            comments=threads,
            count=count,
            form=form,
            reply_to=reply_to,
            status=status if status in (STATUS_PENDING, STATUS_PUBLISHED) else None,
        )

    def get_context(self, request, *args, **kwargs):
        """The page's context, with ``comment_section``."""
        context = super().get_context(request, *args, **kwargs)
        if "comment_section" not in context:
            context["comment_section"] = self.get_comment_section(
                request, form=kwargs.get("comment_form")
            )
        return context

    # Serving -------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        """A comment POST goes to ``serve_comment``; anything else as usual."""
        if request.method == "POST" and self._is_comment_post(request):
            return self.serve_comment(request)
        return super().serve(request, *args, **kwargs)

    @staticmethod
    def _is_comment_post(request):
        return request.POST.get(COMMENT_FORM_MARKER) == COMMENT_FORM_MARKER_VALUE

    def serve_comment(self, request):
        """Handle a posted comment: redirect when accepted, else show errors."""
        # Error reports (500 emails, Sentry) must not carry what readers typed.
        request.sensitive_post_parameters = "__ALL__"
        if not self.comments_open(request):
            response = self.render_with_comments(request, None, status=403)
            response["Cache-Control"] = "no-store"
            return response
        form = self.get_comment_form(data=request.POST)
        status, retry_after = 200, None
        try:
            accepted = service.submit_comment(
                self, form, request, source=CommentSource.FORM
            )
        except RateLimited:
            form.add_error(None, MESSAGES["rate_limited"])
            accepted, status = None, 429
        except DatabaseBusy as busy:
            # Nothing was stored: the form comes back as the reader filled it.
            form.add_error(None, MESSAGES["database_busy"])
            accepted, status, retry_after = None, 503, busy.retry_after
        if accepted is not None:
            response = HttpResponseRedirect(
                self.get_comment_sent_url(request, accepted)
            )
        else:
            response = self.render_with_comments(request, form, status=status)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response

    def get_comment_sent_url(self, request, accepted):
        """Where an accepted comment redirects to (no personal data in it)."""
        base = self.get_url(request) or request.path
        if accepted.published:
            return f"{base}?comment={STATUS_PUBLISHED}#comment-{accepted.comment_id}"
        return f"{base}?comment={STATUS_PENDING}#respond"

    def render_with_comments(self, request, form, *, status=200):
        """The page, with ``form`` (bound, with errors) in its comment section."""
        context = self.get_context(request, comment_form=form)
        if form is None:
            context["comment_section"].closed_notice = True
        return TemplateResponse(
            request, self.get_template(request), context, status=status
        )
