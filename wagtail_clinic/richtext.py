"""Rich text that can be expanded in one batch for a whole StreamField.

Wagtail expands the links in each ``RichTextBlock`` separately, which costs
two queries per block containing a page link. ``expand_rich_text_in`` walks a
stream value, expands every rich text value it holds in a single
``expand_db_html`` call and hands each value its share of the result, so a
page's query count no longer grows with the number of paragraphs.
"""

from django.template.loader import render_to_string
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText, expand_db_html


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


def expand_rich_text_in(value):
    """Expand all batched rich text inside ``value`` with one rewriter pass."""
    pending = [
        rt
        for rt in iter_rich_text(value)
        if isinstance(rt, BatchedRichText) and rt.expanded_html is None
    ]
    if not pending:
        return
    expanded = expand_db_html(_SEPARATOR.join(rt.source for rt in pending))
    parts = expanded.split(_SEPARATOR)
    if len(parts) != len(pending):
        # A source contained the separator itself: fall back to one pass each.
        parts = [expand_db_html(rt.source) for rt in pending]
    for rt, html in zip(pending, parts, strict=True):
        rt.expanded_html = html
