"""Numbered citations: the sources of an article, in one numbering (layer 3).

An article cites sources in two ways: the items of its ``references`` blocks
and the sources of its ``key_fact`` blocks. ``collect_citations`` gives them
one numbering for the whole page:

* reference items are numbered first, in order, 1, 2, 3 … — the numbers the
  editor sees in the references block (a second references block goes on
  counting);
* a key fact whose source is also a reference item (same link; or same title
  when the key fact has no link) cites that item's number;
* any other key-fact source gets the next number and is listed after the
  body, in a "Sources" list of its own (``includes/sources.html``).

Key facts show their number as a superscript link (``[3]``) to the entry.
Without a page context (a block used on its own), blocks render as before.
"""

from dataclasses import dataclass, field


@dataclass
class Citation:
    """One numbered source of a page."""

    number: int
    title: str
    url: str = ""
    publisher: str = ""
    year: int | None = None
    #: The id of the list entry that ``[n]`` links to.
    anchor: str = ""
    #: True if a references block lists it; else the page's sources list does.
    in_references: bool = False
    cited_by: list = field(default_factory=list, repr=False)


def _source_keys(title, url):
    """The keys two mentions of one source share: its link, then its title."""
    keys = []
    if url:
        keys.append(("url", url.strip().rstrip("/").casefold()))
    if title:
        keys.append(("title", " ".join(str(title).split()).casefold()))
    return keys


def reference_anchor(references_value, index):
    """The id the references block template gives its item at ``index`` (from 1)."""
    anchor_id = getattr(references_value, "anchor_id", "")
    return f"{anchor_id}-ref-{index}" if anchor_id else f"ref-{index}"


class Citations:
    """The numbered sources of a page; iterate for all of them, in number order."""

    def __init__(self):
        self.items = []
        self._by_key = {}
        self._by_value = {}

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __bool__(self):
        return bool(self.items)

    def for_value(self, value):
        """The ``Citation`` of a key fact or reference item value, or None."""
        entry = self._by_value.get(id(value))
        # The value itself is kept alongside, so its id() is never reused.
        return entry[1] if entry is not None and entry[0] is value else None

    @property
    def has_references(self):
        """Whether a references block lists any of the sources."""
        return any(c.in_references for c in self.items)

    @property
    def unlisted(self):
        """Sources no references block lists: the page shows them itself."""
        return [c for c in self.items if not c.in_references]

    def _add(self, value, citation):
        self._by_value[id(value)] = (value, citation)
        citation.cited_by.append(value)

    def add_reference(self, item, anchor):
        citation = Citation(
            number=len(self.items) + 1,
            title=item.get("title") or "",
            url=item.get("url") or "",
            publisher=item.get("publisher") or "",
            year=item.get("year"),
            anchor=anchor,
            in_references=True,
        )
        self.items.append(citation)
        for key in _source_keys(citation.title, citation.url):
            self._by_key.setdefault(key, citation)
        self._add(item, citation)
        return citation

    def add_key_fact(self, value):
        title, url = value.get("source_title") or "", value.get("source_url") or ""
        if not (title or url):
            return None
        keys = _source_keys(title, url)
        # Match by link when the key fact has one, else by title.
        citation = self._by_key.get(keys[0])
        if citation is None:
            number = len(self.items) + 1
            citation = Citation(
                number=number,
                title=title or url,
                url=url,
                anchor=f"clinic-source-{number}",
            )
            self.items.append(citation)
            for key in keys:
                self._by_key.setdefault(key, citation)
        self._add(value, citation)
        return citation


def collect_citations(stream_value):
    """The ``Citations`` of a stream's references and key-fact blocks.

    Works on the stream's values as loaded (no query). Accepts None.
    """
    citations = Citations()
    children = list(stream_value or ())
    for child in children:
        if child.block_type == "references":
            for index, item in enumerate(child.value.get("items") or (), start=1):
                citations.add_reference(item, reference_anchor(child.value, index))
    for child in children:
        if child.block_type == "key_fact":
            citations.add_key_fact(child.value)
    return citations
