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
from wagtail.models import Page
from wagtail.rich_text import RichText, expand_db_html, features
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from wagtail_clinic.serialisation.translations import in_locale_bulk


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


def _page_link_ids(html):
    ids = []
    for match in FIND_A_TAG.finditer(html):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page" and attrs.get("id"):
            ids.append(attrs["id"])
    return ids


def _load_linked_pages(html, pages, locale):
    """The pages ``html`` links to, by str pk, in ``locale``.

    ``pages`` (loaded already, by pk, and in ``locale`` or its fallback
    already) cost no query and are used as given; the others are loaded
    as their specific classes from their base rows (one query) and moved to
    ``locale`` in bulk (one query per page type, only for those in another
    locale). Missing pages map to None.
    """
    by_id = {str(pk): page for pk, page in (pages or {}).items()}
    linked = set(_page_link_ids(html))
    unknown = {pk for pk in linked if pk not in by_id}
    numeric = [int(pk) for pk in unknown if pk.isdigit()]
    if numeric:
        # Their specific classes (for their URLs), from the base rows only.
        loaded = Page.objects.filter(id__in=numeric).specific(defer=True)
        by_id.update((str(page.pk), page) for page in loaded)
    if locale is not None:
        # Known pages are shown as given (the choosers moved them already).
        keys = [pk for pk in unknown if by_id.get(pk) is not None]
        for pk, page in zip(
            keys, in_locale_bulk([by_id[pk] for pk in keys], locale), strict=True
        ):
            by_id[pk] = page
    return by_id


def _link_known_pages(html, pages, locale=None):
    """Expand the page links of ``html`` (to ``pages`` or others) in ``locale``.

    Writes exactly what Wagtail's ``PageLinkHandler`` writes, so only when it
    is the handler of page links (a site may register its own); other links
    are left to ``expand_db_html``. Each link points at the linked page's
    translation in ``locale`` (else in the default locale, else the page as
    linked); without ``locale``, at the page as linked.
    """
    from wagtail.rich_text.pages import PageLinkHandler  # Needs the models.

    if features.get_link_types().get("page") is not PageLinkHandler:
        return html
    if "linktype" not in html:
        return html
    by_id = _load_linked_pages(html, pages, locale)

    def replace(match):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") != "page":
            return match.group(0)
        page = by_id.get(attrs.get("id"))
        if page is None:
            return "<a>"
        return f'<a href="{escape(page.url)}">'

    return FIND_A_TAG.sub(replace, html)


def expand_rich_text_in(value, known_pages=None, locale=None):
    """Expand all batched rich text inside ``value`` with one rewriter pass.

    Args:
        value: a block value (e.g. a page's StreamField value).
        known_pages: specific pages already loaded for this request, by pk
            (e.g. the body's chosen pages): links to them cost no query;
            links to other pages cost two queries in all.
        locale: the Locale (or its pk) the links point into, e.g. the
            page's own: each linked page is replaced by its live
            translation there (``in_locale_bulk``). None keeps the links
            as they are.
    """
    pending = [
        rt
        for rt in iter_rich_text(value)
        if isinstance(rt, BatchedRichText) and rt.expanded_html is None
    ]
    if not pending:
        return
    sources = _SEPARATOR.join(rt.source for rt in pending)
    expanded = expand_db_html(_link_known_pages(sources, known_pages, locale))
    parts = expanded.split(_SEPARATOR)
    if len(parts) != len(pending):
        # A source contained the separator itself: fall back to one pass each.
        parts = [
            expand_db_html(_link_known_pages(rt.source, known_pages, locale))
            for rt in pending
        ]
    for rt, html in zip(pending, parts, strict=True):
        rt.expanded_html = html
