"""Rich text that can be expanded in one batch for a whole StreamField (layer 2).

Wagtail expands the links in each ``RichTextBlock`` separately, which costs
two queries per block containing a page link. ``expand_rich_text_in`` walks a
stream value, expands every rich text value it holds in a single
``expand_db_html`` call and hands each value its share of the result, so a
page's query count no longer grows with the number of paragraphs.
"""

from django.template.loader import render_to_string
from django.utils.html import escape
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText, expand_db_html, features
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs


# An HTML comment cannot occur inside a tag, and Wagtail's rewriters only touch
# <a linktype> and <embed> tags, so it survives expansion unchanged.
_SEPARATOR = "<!--wagtail-clinic:rich-text-boundary-->"


class BatchedRichText(RichText):
    """A ``RichText`` that uses pre-expanded HTML when it has been given one."""

    expanded_html = None

    def __html__(self):
        if self.expanded_html is None:
            return super().__html__()
        return render_to_string(
            "wagtailcore/shared/richtext.html", {"html": self.expanded_html}
        )


def iter_rich_text(value):
    """Yield every ``RichText`` inside a block value, depth first."""
    if isinstance(value, RichText):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            yield from iter_rich_text(child.value)
    elif isinstance(value, StructValue):
        for child in value.values():
            yield from iter_rich_text(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from iter_rich_text(child)


def _link_known_pages(html, pages):
    """Expand the page links of ``html`` to the pages of ``pages`` (by pk).

    Writes exactly what Wagtail's ``PageLinkHandler`` writes, so only when it
    is the handler of page links (a site may register its own); other links
    are left to ``expand_db_html``.
    """
    from wagtail.rich_text.pages import PageLinkHandler  # Needs the models.

    if not pages or features.get_link_types().get("page") is not PageLinkHandler:
        return html
    by_id = {str(pk): page for pk, page in pages.items()}

    def replace(match):
        attrs = extract_attrs(match.group(1))
        page = by_id.get(attrs.get("id")) if attrs.get("linktype") == "page" else None
        if page is None:
            return match.group(0)
        return f'<a href="{escape(page.localized.url)}">'

    return FIND_A_TAG.sub(replace, html)


def expand_rich_text_in(value, known_pages=None):
    """Expand all batched rich text inside ``value`` with one rewriter pass.

    Args:
        value: a block value (e.g. a page's StreamField value).
        known_pages: specific pages already loaded for this request, by pk
            (e.g. the body's chosen pages): links to them cost no query.
    """
    pending = [
        rt
        for rt in iter_rich_text(value)
        if isinstance(rt, BatchedRichText) and rt.expanded_html is None
    ]
    if not pending:
        return
    expanded = expand_db_html(
        _link_known_pages(_SEPARATOR.join(rt.source for rt in pending), known_pages)
    )
    parts = expanded.split(_SEPARATOR)
    if len(parts) != len(pending):
        # A source contained the separator itself: fall back to one pass each.
        parts = [
            expand_db_html(_link_known_pages(rt.source, known_pages)) for rt in pending
        ]
    for rt, html in zip(pending, parts, strict=True):
        rt.expanded_html = html
