"""The "Leave a Reply" form, shared by the HTML page and the JSON API (layer 4b).

Every rule is checked here, once: ``wagtail_clinic.comments.api`` turns its
JSON body into this form's data and reports this form's errors field by
field. Field names are the API's names (``author_name``, ``email``,
``body``, ``parent_id``, ``token``, and the honeypot ``website``).
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from wagtail_clinic.comments import spam
from wagtail_clinic.comments.models import (
    AUTHOR_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    CommentStatus,
    ReaderComment,
)
from wagtail_clinic.comments.rendering import count_links
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.public_input.forms import PublicFormMixin
from wagtail_clinic.public_input.honeypot import HONEYPOT_FIELD, HoneypotField
from wagtail_clinic.public_input.ids import MAX_BIG_ID
from wagtail_clinic.public_input.text import (
    validate_multiline_text,
    validate_single_line,
)


# Anything a browser could read as the start of a tag, comment or
# declaration: "<b", "</", "<!", "<?". A lone "<" ("I <3 this", "a < b") is fine.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


def validate_no_markup(value):
    """Comments and names are plain text: reject anything tag-like."""
    if _MARKUP.search(value):
        raise ValidationError(
            _(
                "Comments are plain text: remove anything that looks like an "
                "HTML tag, such as <b> or </p>."
            ),
            code="markup",
        )


def validate_name(value):
    """One line of plain text without links: a commenter's name."""
    # The one text policy: one line, no control characters and no invisible
    # or direction-changing ones (bidi overrides could make a name read
    # differently from what it is, e.g. hiding a URL).
    validate_single_line(value)
    if count_links(value):
        raise ValidationError(_("Enter your name without links."), code="link")


class CommentForm(PublicFormMixin, forms.Form):
    """A reader's comment on ``page``, optionally a reply.

    Render it with ``{% include "wagtail_clinic/includes/comment_form.html" %}``
    (it needs ``page`` and the request's CSRF token), not ``{{ form }}``.

    Args:
        page: the page commented on (its ``pk`` checks the form token and
            the comment replied to).
        reply_to: the approved comment the reader chose to reply to, if any
            (prefills ``parent_id``).
    """

    author_name = forms.CharField(
        label=_("Name"),
        max_length=AUTHOR_NAME_MAX_LENGTH,
        validators=[validate_name, validate_no_markup],
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Enter a name of at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Shown with your comment."),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_LENGTH,
        validators=[validate_single_line],
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _(
                "Enter an email address of at most %(limit_value)d characters."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text=_("Never published or shared."),
    )
    body = forms.CharField(
        label=_("Comment"),
        validators=[validate_multiline_text, validate_no_markup],
        error_messages={
            "required": _("Write your comment."),
            "max_length": _(
                "Keep your comment to at most %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    parent_id = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_BIG_ID,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("You can only reply to a published comment on this page."),
            "min_value": _("You can only reply to a published comment on this page."),
            "max_value": _("You can only reply to a published comment on this page."),
        },
    )
    token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # The honeypot: hidden from people and assistive technology (see the
    # template); anything typed into it marks the comment as spam.
    website = HoneypotField()

    #: Fields in the order the error summary lists them (hidden fields last).
    summary_order = ["author_name", "email", "body", "parent_id", "token"]
    #: Fields with no visible input to link to from the error summary.
    hidden_fields_without_anchor = {"parent_id", "token", HONEYPOT_FIELD}

    def __init__(self, *args, page, reply_to=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.reply_to = reply_to
        self.parent = None
        max_length = int(clinic_settings.COMMENTS_MAX_LENGTH)
        body = self.fields["body"]
        body.max_length = max_length
        body.validators.append(MaxLengthValidator(max_length))
        body.widget.attrs["maxlength"] = str(max_length)
        if not self.is_bound:
            self.initial.setdefault("token", spam.make_form_token(page.pk))
            if reply_to is not None:
                self.initial.setdefault("parent_id", reply_to.pk)

    # Field cleaning ---------------------------------------------------------

    def clean_author_name(self):
        """The name in Unicode NFC, unless blocklisted."""
        name = unicodedata.normalize("NFC", self.cleaned_data["author_name"])
        spam.check_blocklist(name, _("name"))
        return name

    def clean_email(self):
        """The address without surrounding spaces, unless blocklisted."""
        email = self.cleaned_data["email"].strip()
        spam.check_blocklist(email, _("email address"))
        return email

    def clean_body(self):
        """The comment in NFC with Unix line breaks, within the link and blocklist rules."""
        body = unicodedata.normalize("NFC", self.cleaned_data["body"])
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        spam.check_links(body)
        spam.check_blocklist(body, _("comment"))
        return body

    def clean_parent_id(self):
        """The id of the approved comment replied to (its thread's top), or None."""
        parent_id = self.cleaned_data.get("parent_id")
        if parent_id is None:
            return None
        parent = (
            ReaderComment.objects.filter(
                pk=parent_id,
                page_id=self.page.pk,
                status=CommentStatus.APPROVED,
            )
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise ValidationError(
                _("You can only reply to a published comment on this page."),
                code="invalid_parent",
            )
        # Threads are one level deep: a reply to a reply joins the thread of
        # its top-level comment (see docs/comments.md). A reply whose own
        # parent is no longer published shows as a top-level comment, so
        # replies to it stay with it.
        grandparent = parent.parent
        if grandparent is not None and grandparent.status == CommentStatus.APPROVED:
            parent = grandparent
        self.parent = parent
        return parent.pk

    def clean_token(self):
        """The form token, checked for the minimum fill time."""
        token = self.cleaned_data.get("token", "")
        spam.check_form_token(token, self.page.pk)
        return token

    def full_clean(self):
        """Validate; a bad or expired token is replaced by a fresh one."""
        super().full_clean()
        # A form shown again after an invalid or expired token carries a
        # fresh one, so that sending it again can succeed.
        if (
            self.is_bound
            and self.has_error("token")
            and not self.has_error("token", "too_fast")
        ):
            self.data = self.data.copy()
            self.data["token"] = spam.make_form_token(self.page.pk)
