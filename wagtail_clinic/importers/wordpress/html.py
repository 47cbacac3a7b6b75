"""Map a WordPress post's HTML to raw ``ArticleStreamBlock`` data.

What maps to what (docs/importing.md has the editors' version):

* ``h1``–``h6`` → ``heading`` (H2, or H3 below an H2);
* paragraphs, classic-editor text separated by blank lines, and lists →
  ``paragraph`` rich text (bold, italic, links, lists);
* a list whose every item is a bold title followed by a sentence →
  ``benefits``;
* ``blockquote`` → ``quote`` (its ``cite`` or ``footer`` as attribution);
* ``img``, ``figure``, ``[caption]`` and ``[gallery]`` → ``image`` blocks;
* a paragraph of one sentence with one percentage and one source link →
  ``key_fact``; any other paragraph with a percentage stays a paragraph and
  is reported;
* links to other imported posts → links to their pages.

Gutenberg block comments are dropped; shortcodes are mapped (caption,
gallery, embed, video, audio) or reported. Anything dropped or guessed is
added to ``notes``: the importer never loses text silently.
"""

import re

from html import escape
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.utils.translation import gettext as _


HEADING_MAX = 150
QUOTE_MAX = 1000
ATTRIBUTION_MAX = 150
CAPTION_MAX = 250
ALT_MAX = 250
BENEFIT_TITLE_MAX = 100
BENEFIT_DESCRIPTION_MAX = 500
KEY_FACT_VALUE_MAX = 20
KEY_FACT_STATEMENT_MAX = 300

GUTENBERG_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
ENCLOSING_SHORTCODE = re.compile(
    r"\[([a-zA-Z][\w-]*)((?:\s[^\]]*)?)\](.*?)\[/\1\]", re.DOTALL
)
SELF_CLOSING_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)((?:\s[^\]]*)?)/?\]")
SHORTCODE_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
PERCENTAGE = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d+)?\s?%")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
BLANK_LINES = re.compile(r"\n\s*\n")
WHITESPACE = re.compile(r"\s+")
IMAGE_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
WP_IMAGE_CLASS = re.compile(r"^wp-image-(\d+)$")
TITLE_SEPARATORS = " \t:–—-."

INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "br",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    }
)
CONTAINER_TAGS = frozenset(
    {"div", "section", "article", "main", "aside", "header", "footer", "center"}
)
DROPPED_TAGS = frozenset(
    {
        "audio",
        "button",
        "canvas",
        "embed",
        "form",
        "iframe",
        "input",
        "noscript",
        "object",
        "script",
        "select",
        "style",
        "svg",
        "textarea",
        "video",
    }
)
SILENT_TAGS = frozenset({"hr", "link", "meta"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def collapse(text):
    """``text`` with runs of whitespace made single spaces, trimmed."""
    return WHITESPACE.sub(" ", text or "").strip()


def html_to_text(html):
    """The plain text of an HTML fragment, paragraphs separated by blank lines."""
    soup = BeautifulSoup(GUTENBERG_COMMENT.sub("", html or ""), "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = [
        collapse(element.get_text())
        for element in soup.find_all(["p", "li", "h2", "h3", "blockquote"])
        if not element.find_parent(["p", "li", "blockquote"])
    ]
    blocks = [block for block in blocks if block]
    if blocks:
        return "\n\n".join(blocks)
    return "\n\n".join(
        collapse(chunk)
        for chunk in BLANK_LINES.split(soup.get_text())
        if collapse(chunk)
    )


def shortcode_attributes(text):
    """The ``name="value"`` attributes of a shortcode, as a dict."""
    return {
        match.group(1).lower(): next(g for g in match.groups()[1:] if g is not None)
        for match in SHORTCODE_ATTRIBUTE.finditer(text or "")
    }


class HtmlMapper:
    """Turns one post's HTML into raw article blocks.

    Args:
        attachments: ``{attachment id: source.Attachment}``.
        site_url: the WordPress site's URL, to resolve relative links.
        page_for_link: ``href → page id or None``: links to imported posts.
        image_for: ``(url, attachment, alt) → image id or None``; reports
            why an image is missing itself.
    """

    def __init__(self, attachments, site_url, page_for_link, image_for):
        self.attachments = attachments
        self.by_url = {}
        for attachment in attachments.values():
            self.by_url[attachment.url] = attachment
            self.by_url[IMAGE_SIZE_SUFFIX.sub("", attachment.url)] = attachment
        self.site_url = site_url
        self.page_for_link = page_for_link
        self.image_for = image_for
        self.notes = []
        self.blocks = []
        self.seen_h2 = False

    # Entry point -----------------------------------------------------------

    def convert(self, html):
        """Return ``(blocks, notes)`` for ``html`` (a post's content)."""
        self.notes, self.blocks, self.seen_h2 = [], [], False
        html = GUTENBERG_COMMENT.sub("", html or "")
        html = self.expand_shortcodes(html)
        soup = BeautifulSoup(html, "html.parser")
        self.walk(soup)
        return self.blocks, self.notes

    def note(self, message):
        """Report something an editor should look at."""
        if message not in self.notes:
            self.notes.append(message)

    # Shortcodes ------------------------------------------------------------

    def expand_shortcodes(self, html):
        """Replace shortcodes with HTML the walk understands, or report them."""
        previous = None
        while previous != html:  # Enclosing shortcodes may nest.
            previous = html
            html = ENCLOSING_SHORTCODE.sub(self._enclosing, html)
        return SELF_CLOSING_SHORTCODE.sub(self._self_closing, html)

    def _enclosing(self, match):
        name, attributes, inner = match.group(1).lower(), match.group(2), match.group(3)
        if name in {"caption", "wp_caption"}:
            return f"<figure data-wp-caption>{inner}</figure>"
        if name in {"embed", "video", "audio"}:
            url = collapse(inner) or shortcode_attributes(attributes).get("src", "")
            return self._link_instead(name, url)
        self.note(
            _("Shortcode [%(name)s] removed; its content was kept.") % {"name": name}
        )
        return inner

    def _self_closing(self, match):
        name, attributes = match.group(1).lower(), match.group(2)
        values = shortcode_attributes(attributes)
        if name == "gallery":
            ids = [i.strip() for i in values.get("ids", "").split(",") if i.strip()]
            if not ids:
                self.note(
                    _(
                        "A [gallery] without ids (it showed the post's attached "
                        "images) was not imported: add the images by hand."
                    )
                )
                return ""
            return f'<div data-wp-gallery="{escape(",".join(ids))}"></div>'
        if name in {"video", "audio", "embed"}:
            return self._link_instead(name, values.get("src") or values.get("mp4", ""))
        self.note(
            _("Unknown shortcode [%(name)s] left in the text: replace it or remove it.")
            % {"name": name}
        )
        return match.group(0)

    def _link_instead(self, name, url):
        if not url:
            self.note(_("An empty [%(name)s] was removed.") % {"name": name})
            return ""
        self.note(
            _("[%(name)s] %(url)s became a link: embedded media are not imported.")
            % {"name": name, "url": url}
        )
        url = escape(url)
        return f'<p><a href="{url}">{url}</a></p>'

    # The walk --------------------------------------------------------------

    def walk(self, container):
        """Map the children of ``container`` to blocks, in order."""
        run = []
        for child in list(container.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                run.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in INLINE_TAGS and not child.find("img"):
                run.append(child)
                continue
            self.flush(run)
            run = []
            self.element(child, name)
        self.flush(run)

    def flush(self, run):
        """Paragraphs from loose text and inline elements (classic editor)."""
        if not run:
            return
        html = "".join(str(node) for node in run)
        for chunk in BLANK_LINES.split(html):
            chunk = chunk.strip().replace("\n", "<br/>")
            if chunk:
                self.paragraph(BeautifulSoup(f"<p>{chunk}</p>", "html.parser").p)

    def element(self, tag, name):
        """Map one block-level element."""
        if re.fullmatch(r"h[1-6]", name):
            self.heading(tag, int(name[1]))
        elif name == "p":
            self.paragraph(tag)
        elif name in {"ul", "ol"}:
            self.listing(tag, name)
        elif name == "blockquote":
            self.quote(tag)
        elif name == "figure":
            self.figure(tag)
        elif name == "img":
            self.image(tag)
        elif name == "table":
            self.table(tag)
        elif name == "div" and tag.has_attr("data-wp-gallery"):
            for attachment_id in tag["data-wp-gallery"].split(","):
                self.gallery_image(attachment_id)
        elif name in CONTAINER_TAGS or name in INLINE_TAGS:
            self.walk(tag)
        elif name in {"pre", "dl", "address", "details"}:
            self.text_paragraph(tag)
        elif name in DROPPED_TAGS:
            self.dropped(tag, name)
        elif name not in SILENT_TAGS:
            self.note(
                _("<%(tag)s> kept as plain text: check its layout.") % {"tag": name}
            )
            self.text_paragraph(tag)

    def dropped(self, tag, name):
        source = tag.get("src") or ""
        if not source and tag.find("source"):
            source = tag.find("source").get("src") or ""
        if name in {"script", "style", "noscript"}:
            self.note(_("<%(tag)s> removed.") % {"tag": name})
            return
        self.note(
            _("<%(tag)s> %(src)s removed: embedded media are not imported.")
            % {"tag": name, "src": source}
        )

    # Text ------------------------------------------------------------------

    def heading(self, tag, level):
        text = collapse(tag.get_text())
        if not text:
            return
        if len(text) > HEADING_MAX:
            self.note(
                _("A heading longer than %(max)s characters became a bold paragraph.")
                % {"max": HEADING_MAX}
            )
            self.blocks.append(
                {"type": "paragraph", "value": f"<p><b>{escape(text)}</b></p>"}
            )
            return
        wanted = 2 if level <= 2 else 3
        if level == 1 or level > 3:
            self.note(
                _("Heading H%(from)s %(text)r became an H%(to)s.")
                % {"from": level, "text": text, "to": wanted}
            )
        if wanted == 3 and not self.seen_h2:
            wanted = 2
            self.note(
                _("Subheading %(text)r came before any section heading: made an H2.")
                % {"text": text}
            )
        self.seen_h2 = self.seen_h2 or wanted == 2
        self.blocks.append(
            {
                "type": "heading",
                "value": {"text": text, "level": str(wanted), "anchor": ""},
            }
        )

    def paragraph(self, tag):
        images = tag.find_all("img")
        for image in images:
            self.image(image)
            image.decompose()
        for anchor in tag.find_all("a"):
            if not collapse(anchor.get_text()):
                anchor.decompose()  # A link that only wrapped an image.
        text = collapse(tag.get_text())
        if not text:
            return
        if self.key_fact(tag, text):
            return
        self.blocks.append({"type": "paragraph", "value": f"<p>{self.inner(tag)}</p>"})

    def text_paragraph(self, tag):
        for br in tag.find_all("br"):
            br.replace_with("\n")
        lines = [collapse(line) for line in tag.get_text().splitlines()]
        lines = [escape(line) for line in lines if line]
        if lines:
            self.blocks.append(
                {"type": "paragraph", "value": f"<p>{'<br/>'.join(lines)}</p>"}
            )

    def table(self, tag):
        self.note(_("A table became a paragraph, one line per row: check it."))
        rows = []
        for row in tag.find_all("tr"):
            cells = [
                collapse(cell.get_text(" ")) for cell in row.find_all(["th", "td"])
            ]
            if any(cells):
                rows.append(escape(" | ".join(cells)))
        if rows:
            self.blocks.append(
                {"type": "paragraph", "value": f"<p>{'<br/>'.join(rows)}</p>"}
            )

    def listing(self, tag, name):
        if self.benefits(tag):
            return
        html = self.list_html(tag, name)
        if html:
            self.blocks.append({"type": "paragraph", "value": html})

    def list_html(self, tag, name):
        items = []
        for item in tag.find_all("li", recursive=False):
            for image in item.find_all("img"):
                self.image(image)
                image.decompose()
            inner = self.inner(item).strip()
            if inner:
                items.append(f"<li>{inner}</li>")
        return f"<{name}>{''.join(items)}</{name}>" if items else ""

    def benefits(self, tag):
        """A ``benefits`` block if every item is "bold title + sentence"."""
        items = []
        for item in tag.find_all("li", recursive=False):
            if item.find(["ul", "ol", "a", "img"]):
                return False
            title_tag = next(
                (
                    child
                    for child in item.descendants
                    if isinstance(child, Tag) and child.name in {"strong", "b"}
                ),
                None,
            )
            if title_tag is None:
                return False
            before = ""
            for node in item.descendants:
                if node is title_tag:
                    break
                if isinstance(node, NavigableString):
                    before += node
            if collapse(before):
                return False  # The item does not start with its bold title.
            title = collapse(title_tag.get_text()).strip(TITLE_SEPARATORS)
            full = collapse(item.get_text())
            bold = collapse(title_tag.get_text())
            description = collapse(full[len(bold) :]).lstrip(TITLE_SEPARATORS).strip()
            if (
                not title
                or not description
                or len(title) > BENEFIT_TITLE_MAX
                or len(description) > BENEFIT_DESCRIPTION_MAX
            ):
                return False
            items.append({"title": title, "description": description})
        if len(items) < 2:
            return False
        self.blocks.append(
            {"type": "benefits", "value": {"heading": "", "intro": "", "items": items}}
        )
        return True

    def quote(self, tag):
        attribution = ""
        for cite in tag.find_all(["cite", "footer"]):
            attribution = collapse(cite.get_text()).lstrip("—–- ").strip()
            cite.decompose()
        paragraphs = [collapse(p.get_text()) for p in tag.find_all("p")]
        paragraphs = [p for p in paragraphs if p] or [collapse(tag.get_text())]
        text = "\n\n".join(p for p in paragraphs if p)
        if not text:
            return
        if len(text) > QUOTE_MAX or len(attribution) > ATTRIBUTION_MAX:
            self.note(
                _("A quotation too long for a quote block was kept as paragraphs.")
            )
            for paragraph in paragraphs:
                self.blocks.append(
                    {"type": "paragraph", "value": f"<p>{escape(paragraph)}</p>"}
                )
            if attribution:
                self.blocks.append(
                    {"type": "paragraph", "value": f"<p>— {escape(attribution)}</p>"}
                )
            return
        self.blocks.append(
            {"type": "quote", "value": {"text": text, "attribution": attribution}}
        )

    def key_fact(self, tag, text):
        """A ``key_fact`` when the paragraph maps to one without guessing."""
        found = PERCENTAGE.findall(text)
        if not found:
            return False
        sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
        links = [
            anchor
            for anchor in tag.find_all("a", href=True)
            if self.external_url(anchor["href"])
        ]
        reasons = []
        if len(found) > 1:
            reasons.append(_("it has several percentages"))
        if len(sentences) > 1:
            reasons.append(_("it has several sentences"))
        if len(links) != 1:
            reasons.append(_("it does not link to exactly one source"))
        if len(text) > KEY_FACT_STATEMENT_MAX:
            reasons.append(_("it is too long for a key fact"))
        if reasons:
            self.note(
                _(
                    "Paragraph with %(value)s kept as text (%(reasons)s): make a "
                    "key fact by hand if it is one: %(text)s"
                )
                % {
                    "value": ", ".join(found),
                    "reasons": "; ".join(reasons),
                    "text": shorten(text),
                }
            )
            return False
        value = found[0].replace(" ", "")
        statement = text
        if text.startswith(found[0]):
            statement = text[len(found[0]) :].strip()
        link = links[0]
        self.blocks.append(
            {
                "type": "key_fact",
                "value": {
                    "value": value[:KEY_FACT_VALUE_MAX],
                    "statement": statement,
                    "source_title": collapse(link.get_text())[:255]
                    or self.external_url(link["href"]),
                    "source_url": self.external_url(link["href"]),
                },
            }
        )
        self.note(
            _("Key fact %(value)s made from a paragraph: check its wording: %(text)s")
            % {"value": value, "text": shorten(text)}
        )
        return True

    # Images ----------------------------------------------------------------

    def figure(self, tag):
        images = tag.find_all("img")
        if tag.find("table"):
            self.table(tag.find("table"))
            return
        if not images or tag.find("figure"):
            if tag.find(list(DROPPED_TAGS)):
                for dropped in tag.find_all(list(DROPPED_TAGS)):
                    self.dropped(dropped, dropped.name)
                return
            self.walk(tag)
            return
        caption = ""
        figcaption = tag.find("figcaption")
        if figcaption is not None:
            caption = collapse(figcaption.get_text())
        elif tag.has_attr("data-wp-caption"):
            for image in images:
                image.extract()
            caption = collapse(tag.get_text())
        for image in images:
            self.image(image, caption if len(images) == 1 else "")

    def gallery_image(self, attachment_id):
        attachment = self.attachments.get(attachment_id.strip())
        if attachment is None:
            self.note(
                _("Gallery image #%(id)s is not in the export: add it by hand.")
                % {"id": attachment_id}
            )
            return
        self.add_image(attachment.url, attachment, "", attachment.caption)

    def image(self, tag, caption=""):
        attachment = None
        for css_class in tag.get("class") or []:
            match = WP_IMAGE_CLASS.match(css_class)
            if match:
                attachment = self.attachments.get(match.group(1))
        source = self.absolute(tag.get("src") or "")
        if attachment is None and source:
            attachment = self.by_url.get(source) or self.by_url.get(
                IMAGE_SIZE_SUFFIX.sub("", source)
            )
        url = attachment.url if attachment is not None else source
        if not url:
            self.note(_("An image without a source was removed."))
            return
        self.add_image(url, attachment, collapse(tag.get("alt") or ""), caption)

    def add_image(self, url, attachment, alt, caption):
        alt = alt or (attachment.alt if attachment is not None else "")
        image_id = self.image_for(url, attachment, alt)
        if image_id is None:
            return
        if not alt:
            self.note(
                _("Image %(url)s has no alt text: describe it, or tick 'Decorative'.")
                % {"url": url}
            )
        if len(caption) > CAPTION_MAX:
            self.note(
                _("A caption was shortened to %(max)s characters.")
                % {"max": CAPTION_MAX}
            )
        self.blocks.append(
            {
                "type": "image",
                "value": {
                    "image": image_id,
                    "decorative": False,
                    "alt_text": alt[:ALT_MAX],
                    "caption": caption[:CAPTION_MAX],
                },
            }
        )

    # Rich text -------------------------------------------------------------

    def inner(self, tag):
        """The rich text (Wagtail's stored format) of ``tag``'s children."""
        return "".join(self.rich(child) for child in tag.children).strip()

    def rich(self, node):
        """One node as Wagtail rich text: b, i, links, lists and line breaks."""
        if isinstance(node, Comment):
            return ""
        if isinstance(node, NavigableString):
            return escape(str(node), quote=False)
        name = node.name.lower()
        if name in {"strong", "b"}:
            return self.wrap("b", node)
        if name in {"em", "i"}:
            return self.wrap("i", node)
        if name == "br":
            return "<br/>"
        if name in {"ul", "ol"}:
            return self.list_html(node, name)
        if name == "a":
            return self.link(node)
        if name in DROPPED_TAGS or name == "img":
            return ""
        return self.inner(node)

    def wrap(self, tag_name, node):
        inner = self.inner(node)
        return f"<{tag_name}>{inner}</{tag_name}>" if collapse(inner) else inner

    def link(self, node):
        inner = self.inner(node)
        href = (node.get("href") or "").strip()
        if not href or not collapse(inner):
            return inner
        page_id = self.page_for_link(self.absolute(href))
        if page_id is not None:
            return f'<a linktype="page" id="{page_id}">{inner}</a>'
        if href.startswith("#"):
            self.note(
                _("A link to #%(anchor)s on the same page was kept as text.")
                % {"anchor": href[1:]}
            )
            return inner
        url = self.absolute(href)
        if urlsplit(url).scheme.lower() not in SAFE_SCHEMES:
            self.note(_("A link to %(href)r was removed.") % {"href": href})
            return inner
        return f'<a href="{escape(url)}">{inner}</a>'

    def absolute(self, href):
        """``href`` resolved against the WordPress site's URL."""
        href = (href or "").strip()
        if not href or href.startswith("#") or not self.site_url:
            return href
        return urljoin(self.site_url.rstrip("/") + "/", href)

    def external_url(self, href):
        """``href`` as an absolute http(s) URL outside the imported posts, or ""."""
        url = self.absolute(href)
        if urlsplit(url).scheme.lower() not in {"http", "https"}:
            return ""
        if self.page_for_link(url) is not None:
            return ""
        return url


def shorten(text, length=80):
    """``text`` cut at ``length`` characters, with an ellipsis."""
    text = collapse(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def first_paragraph(html):
    """The text of the first paragraph of a post's HTML (for a missing excerpt).

    The paragraph the mapping would make first, so classic-editor text and
    Gutenberg blocks give the same answer.
    """
    mapper = HtmlMapper({}, "", lambda href: None, lambda url, attachment, alt: None)
    blocks, _notes = mapper.convert(html)
    for block in blocks:
        if block["type"] == "paragraph":
            return html_to_text(block["value"]).split("\n\n", 1)[0]
        if block["type"] == "key_fact":
            return block["value"]["statement"]
    return ""
