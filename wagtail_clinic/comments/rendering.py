"""Comment text to HTML: escaped plain text, paragraphs, and safe links (layer 4b).

Comments are stored as the plain text the reader typed and are never
trusted as HTML. Rendering escapes everything first (Django's ``urlize``
with ``autoescape=True`` escapes all text it does not turn into a link, and
the URL and text of every link it makes), then marks links as user content
(``rel="nofollow ugc"``), then makes paragraphs and line breaks. Only
``http(s)`` URLs, ``www.`` and bare domains and email addresses ever become
links, so no ``javascript:``, ``vbscript:`` or ``data:`` URL can be a link.
"""

from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe


LINK_START = '<a href="'
SAFE_LINK_START = '<a rel="nofollow ugc" href="'


def _linkified(text):
    # With autoescape=True every "<" in the result belongs to a link urlize
    # made (the reader's own "<" are escaped), so this prefix only ever
    # matches those links.
    return urlize(str(text), nofollow=False, autoescape=True)


def count_links(text):
    """How many links ``text`` would show as (see :func:`render_comment_body`)."""
    return _linkified(text).count(LINK_START)


def render_comment_body(text):
    """The HTML of a comment's ``text``: safe to put anywhere in a page.

    Returns:
        A ``SafeString`` of ``<p>`` paragraphs with ``<br>`` line breaks and
        ``<a rel="nofollow ugc" href="…">`` links.
    """
    if not text:
        return SafeString("")
    html = _linkified(str(text).replace("\r\n", "\n").replace("\r", "\n").strip())
    html = html.replace(LINK_START, SAFE_LINK_START)
    return mark_safe(linebreaks(html, autoescape=False))  # noqa: S308 (escaped above)
