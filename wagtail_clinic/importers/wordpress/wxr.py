"""Read a WordPress eXtended RSS export (Tools › Export) into an ``Export``.

The XML is parsed with defusedxml and document type declarations are
refused outright: a WXR file never has one, and entity expansion ("billion
laughs") or external entities are how a hostile file attacks a parser.
"""

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _

from .source import (
    SKIPPED_POST_STATUSES,
    SKIPPED_POST_TYPES,
    Attachment,
    Comment,
    Export,
    Post,
    SourceError,
    parse_date,
)


CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
EXCERPT_PREFIX = "http://wordpress.org/export/"
WP_PREFIX = "http://wordpress.org/export/"

#: WordPress's ``comment_approved`` values.
COMMENT_STATUSES = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
SEO_TITLE_KEYS = ("_yoast_wpseo_title", "rank_math_title")
SEO_DESCRIPTION_KEYS = ("_yoast_wpseo_metadesc", "rank_math_description")


def looks_like_wxr(data):
    """Whether ``data`` (bytes) starts like an XML document."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def parse_wxr(data, source):
    """Parse a WXR export.

    Args:
        data: the file's bytes.
        source: the file's name, for messages.

    Raises:
        SourceError: the XML is malformed, declares entities (an XML bomb)
            or a DTD, is not a WordPress export, or holds an unknown post type.
    """
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SourceError(
            _(
                "%(file)s: refused: the XML declares a DTD or entities (%(kind)s). "
                "A WordPress export never does; this may be an XML bomb."
            )
            % {"file": source, "kind": type(exc).__name__}
        ) from exc
    except ParseError as exc:
        raise SourceError(
            _("%(file)s: malformed XML (%(error)s).") % {"file": source, "error": exc}
        ) from exc
    channel = root.find("channel")
    wp = _wp_namespace(root)
    if root.tag != "rss" or channel is None or wp is None:
        raise SourceError(
            _(
                "%(file)s: not a WordPress export (WXR): expected an RSS file with "
                "wp: elements, as Tools › Export makes."
            )
            % {"file": source}
        )
    export = Export(
        site_url=_text(channel, f"{{{wp}}}base_blog_url")
        or _text(channel, "link")
        or _text(channel, f"{{{wp}}}base_site_url"),
        site_name=_text(channel, "title"),
    )
    reader = _Reader(wp, source, export.site_name)
    for item in channel.findall("item"):
        reader.read_item(item, export)
    return export


def _wp_namespace(root):
    for element in root.iter():
        if element.tag.startswith("{" + WP_PREFIX) and "excerpt" not in element.tag:
            return element.tag[1:].split("}", 1)[0]
    return None


def _text(element, path):
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


class _Reader:
    def __init__(self, wp, source, site_name):
        self.wp = wp
        self.source = source
        self.site_name = site_name

    def wp_text(self, element, name):
        return _text(element, f"{{{self.wp}}}{name}")

    def read_item(self, item, export):
        post_type = self.wp_text(item, "post_type")
        status = self.wp_text(item, "status")
        if post_type == "attachment":
            attachment = self.read_attachment(item)
            export.attachments[attachment.id] = attachment
            return
        if post_type in SKIPPED_POST_TYPES or (
            post_type == "post" and status in SKIPPED_POST_STATUSES
        ):
            key = post_type if post_type != "post" else f"post ({status})"
            export.skipped_types[key] = export.skipped_types.get(key, 0) + 1
            return
        if post_type != "post":
            raise SourceError(
                _(
                    "%(file)s: unknown post type %(type)r (item %(title)r). Only "
                    "posts can be imported; export Posts only (Tools › Export › "
                    "Posts) or remove these items."
                )
                % {
                    "file": self.source,
                    "type": post_type,
                    "title": _text(item, "title"),
                }
            )
        export.posts.append(self.read_post(item, status))

    def meta(self, item):
        values = {}
        for meta in item.findall(f"{{{self.wp}}}postmeta"):
            key = self.wp_text(meta, "meta_key")
            values[key] = self.wp_text(meta, "meta_value")
        return values

    def read_attachment(self, item):
        meta = self.meta(item)
        return Attachment(
            id=self.wp_text(item, "post_id"),
            url=self.wp_text(item, "attachment_url") or _text(item, "guid"),
            alt=meta.get("_wp_attachment_image_alt", ""),
            title=_text(item, "title"),
            caption=_excerpt(item),
        )

    def read_post(self, item, status):
        meta = self.meta(item)
        categories, tags = [], []
        for category in item.findall("category"):
            name = (category.text or "").strip()
            if category.get("domain") == "category":
                categories.append(name)
            elif category.get("domain") == "post_tag":
                tags.append(name)
        return Post(
            id=self.wp_text(item, "post_id"),
            title=_text(item, "title"),
            content=_text(item, f"{{{CONTENT_NS}}}encoded"),
            source=self.source,
            site_name=self.site_name,
            guid=_text(item, "guid"),
            slug=self.wp_text(item, "post_name"),
            link=_text(item, "link"),
            excerpt=_excerpt(item),
            status=status,
            date=parse_date(self.wp_text(item, "post_date_gmt")),
            comment_status=self.wp_text(item, "comment_status") or "closed",
            categories=categories,
            tags=tags,
            seo_title=_first(meta, SEO_TITLE_KEYS),
            seo_description=_first(meta, SEO_DESCRIPTION_KEYS),
            featured_image_id=meta.get("_thumbnail_id", ""),
            comments=[
                self.read_comment(element)
                for element in item.findall(f"{{{self.wp}}}comment")
            ],
        )

    def read_comment(self, element):
        approved = self.wp_text(element, "comment_approved")
        return Comment(
            id=self.wp_text(element, "comment_id"),
            parent_id=self.wp_text(element, "comment_parent").lstrip("0"),
            author=self.wp_text(element, "comment_author"),
            email=self.wp_text(element, "comment_author_email"),
            date=parse_date(self.wp_text(element, "comment_date_gmt")),
            content=self.wp_text(element, "comment_content"),
            status=COMMENT_STATUSES.get(approved, "pending"),
            type=self.wp_text(element, "comment_type") or "comment",
        )


def _excerpt(item):
    for child in item:
        if child.tag.startswith("{" + EXCERPT_PREFIX) and child.tag.endswith(
            "}encoded"
        ):
            return (child.text or "").strip()
    return ""


def _first(meta, keys):
    for key in keys:
        if meta.get(key):
            return meta[key]
    return ""
