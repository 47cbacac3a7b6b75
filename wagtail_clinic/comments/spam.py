"""The comment spam and abuse rules, each configurable in ``WAGTAIL_CLINIC`` (layer 4b).

===========================  =====================================  ==========================
rule                         setting                                error code
===========================  =====================================  ==========================
honeypot                     ``COMMENTS_HONEYPOT``                  ``honeypot``
minimum fill time            ``COMMENTS_MIN_FILL_SECONDS``,         ``too_fast``,
                             ``COMMENTS_FORM_MAX_AGE``              ``token_expired``,
                                                                    ``token_invalid``
link count                   ``COMMENTS_MAX_LINKS``                 ``too_many_links``
per-client rate limit        ``COMMENTS_RATE_LIMIT``                (HTTP 429)
maximum length               ``COMMENTS_MAX_LENGTH``                ``max_length``
blocklist                    ``COMMENTS_BLOCKLIST``                 ``blocked``
===========================  =====================================  ==========================

The honeypot and rate limit live in ``wagtail_clinic.public_input``
(``honeypot``, ``ratelimit``: shared with appointment requests). Every rule answers with a message that says what to
do, except a "silent" honeypot, which answers bots as if all went well.

The minimum fill time needs a *form token*: a signed "page id : time the
form was shown" that the HTML form carries in a hidden field and headless
frontends fetch from ``GET /api/v3/clinic/pages/{id}/comments/token/``.
"""

import functools
import re
import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from wagtail_clinic.comments.rendering import count_links
from wagtail_clinic.conf import clinic_settings


TOKEN_SALT = "wagtail_clinic.comments.form-token"  # noqa: S105 (a salt)

HONEYPOT_SILENT = "silent"
HONEYPOT_REJECT = "reject"

MESSAGES = {
    "honeypot": _(
        "Your comment could not be sent: a hidden field that must stay empty "
        "was filled in, perhaps by your browser's autofill. Reload the page "
        "and send your comment again."
    ),
    "too_fast": _(
        "That was quick! Please take a few seconds to check your comment, "
        "then send it again."
    ),
    "token_expired": _(
        "This form has expired. Your comment is still here: check it and send it again."
    ),
    "token_invalid": _(
        "This form could not be verified. Reload the page and send your comment again."
    ),
    "blocked": _(
        "Your %(field)s contains words or links that are not allowed on this "
        "site. Please change it and try again."
    ),
    "rate_limited": _(
        "You have sent several comments from your connection recently. "
        "Please try again later."
    ),
    "database_busy": _(
        "We could not save your comment just now because our system is busy. "
        "Nothing was sent, and your comment is still here: please send it "
        "again in a few seconds."
    ),
}

TOO_MANY_LINKS = ngettext_lazy(
    "A comment may contain at most %(limit)d link (yours has %(count)d). "
    "Remove some links and try again.",
    "A comment may contain at most %(limit)d links (yours has %(count)d). "
    "Remove some links and try again.",
    "limit",
)
NO_LINKS = _("Links are not allowed in comments. Remove them and try again.")


# Minimum fill time -------------------------------------------------------


def _signer():
    return signing.Signer(salt=TOKEN_SALT)


def make_form_token(page_id, issued_at=None):
    """A signed token saying the form for ``page_id`` was shown at ``issued_at``."""
    issued_at = time.time() if issued_at is None else issued_at
    return _signer().sign(f"{int(page_id or 0)}:{issued_at:.3f}")


def check_form_token(token, page_id, now=None):
    """Check a form token: signature, page, age.

    Does nothing when ``COMMENTS_MIN_FILL_SECONDS`` is off.

    Raises:
        ValidationError: with code ``token_invalid``, ``token_expired`` or
            ``too_fast``.
    """
    minimum = clinic_settings.COMMENTS_MIN_FILL_SECONDS
    if not minimum:
        return
    now = time.time() if now is None else now
    try:
        value = _signer().unsign(str(token or ""))
        token_page, _sep, issued = value.partition(":")
        issued_at = float(issued)
        valid = int(token_page) == int(page_id or 0)
    except (signing.BadSignature, ValueError, OverflowError):
        valid = False
    if not valid:
        raise ValidationError(MESSAGES["token_invalid"], code="token_invalid")
    age = now - issued_at
    max_age = clinic_settings.COMMENTS_FORM_MAX_AGE
    if max_age and age > max_age:
        raise ValidationError(MESSAGES["token_expired"], code="token_expired")
    if age < minimum:
        raise ValidationError(MESSAGES["too_fast"], code="too_fast")


# Links -------------------------------------------------------------------


def check_links(text):
    """Raise ``ValidationError`` (``too_many_links``) over ``COMMENTS_MAX_LINKS``."""
    limit = clinic_settings.COMMENTS_MAX_LINKS
    if limit is None:
        return
    count = count_links(text)
    if count <= limit:
        return
    if limit == 0:
        raise ValidationError(NO_LINKS, code="too_many_links")
    raise ValidationError(
        TOO_MANY_LINKS % {"limit": limit, "count": count}, code="too_many_links"
    )


# Blocklist ---------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _blocklist_pattern(entries):
    words = sorted({entry.strip() for entry in entries if entry and entry.strip()})
    if not words:
        return None
    # "Whole" matches: not inside a longer word, so "spam.example" blocks
    # "www.spam.example" and "me@spam.example" but not "nospam.example".
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def blocklisted(text):
    """Whether ``text`` contains an entry of ``COMMENTS_BLOCKLIST``."""
    entries = clinic_settings.COMMENTS_BLOCKLIST or ()
    if isinstance(entries, str):
        entries = (entries,)
    pattern = _blocklist_pattern(tuple(str(entry) for entry in entries))
    return bool(pattern and text and pattern.search(str(text)))


def check_blocklist(text, field_label):
    """Raise ``ValidationError`` (``blocked``) if ``text`` is blocklisted."""
    if blocklisted(text):
        raise ValidationError(
            MESSAGES["blocked"] % {"field": field_label}, code="blocked"
        )


def honeypot_mode():
    """``"silent"``, ``"reject"`` or None (off), from ``COMMENTS_HONEYPOT``."""
    mode = clinic_settings.COMMENTS_HONEYPOT
    if mode in (None, False, ""):
        return None
    return HONEYPOT_REJECT if mode == HONEYPOT_REJECT else HONEYPOT_SILENT
