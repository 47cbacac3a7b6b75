"""Read saved WordPress REST API JSON (``/wp-json/wp/v2/…``) into an ``Export``.

A file holds one object or a list of them, as the API answers: posts
(``/wp/v2/posts``, ideally with ``?_embed`` so categories, tags, the
featured image and the approved comments come along), media items
(``/wp/v2/media``) and comments (``/wp/v2/comments``). Each object is
recognised by its ``type``. Public REST answers carry no commenter emails
and only approved comments.
"""

import json
import re

from html import unescape
from urllib.parse import urlsplit

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


#: REST comment statuses (``approved``; ``hold`` for an authenticated export).
COMMENT_STATUSES = {"approved": "approved", "hold": "pending", "spam": "spam"}
_TAG = re.compile(r"<[^>]+>")


def parse_rest(data, source):
    """Parse saved REST JSON.

    Args:
        data: the file's bytes.
        source: the file's name, for messages.

    Raises:
        SourceError: not JSON, not WordPress REST objects, or an unknown
            post type.
    """
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            _("%(file)s: neither XML nor valid JSON (%(error)s).")
            % {"file": source, "error": exc}
        ) from exc
    objects = payload if isinstance(payload, list) else [payload]
    export = Export()
    comments = []
    for number, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict) or "id" not in obj:
            raise SourceError(
                _(
                    "%(file)s: item %(number)s is not a WordPress REST object "
                    "(no id). Save the answers of /wp-json/wp/v2/posts as they are."
                )
                % {"file": source, "number": number}
            )
        kind = obj.get("type", "")
        if kind == "attachment":
            attachment = _attachment(obj)
            export.attachments[attachment.id] = attachment
        elif kind == "comment" or ("post" in obj and "author_name" in obj):
            comments.append((str(obj.get("post", "")), _comment(obj)))
        elif kind in SKIPPED_POST_TYPES or (
            kind == "post" and obj.get("status") in SKIPPED_POST_STATUSES
        ):
            export.skipped_types[kind] = export.skipped_types.get(kind, 0) + 1
        elif kind == "post":
            export.posts.append(_post(obj, source, export))
        else:
            raise SourceError(
                _(
                    "%(file)s: unknown post type %(type)r (item %(number)s). Only "
                    "posts can be imported; save /wp-json/wp/v2/posts."
                )
                % {"file": source, "type": kind, "number": number}
            )
    export.loose_comments.extend(comments)
    return export


def rendered(value):
    """The ``rendered`` text of a REST field (or the value itself)."""
    if isinstance(value, dict):
        value = value.get("rendered", value.get("raw", ""))
    return str(value or "")


def plain(value):
    """``rendered(value)`` without tags or entities."""
    return unescape(_TAG.sub("", rendered(value))).strip()


def _attachment(obj):
    return Attachment(
        id=str(obj["id"]),
        url=obj.get("source_url") or rendered(obj.get("guid")),
        alt=obj.get("alt_text") or "",
        title=plain(obj.get("title")),
        caption=plain(obj.get("caption")),
    )


def _comment(obj):
    return Comment(
        id=str(obj["id"]),
        parent_id=str(obj.get("parent") or ""),
        author=obj.get("author_name") or "",
        email=obj.get("author_email") or "",
        date=parse_date(obj.get("date_gmt") or obj.get("date")),
        content=rendered(obj.get("content")),
        status=COMMENT_STATUSES.get(obj.get("status", "approved"), "pending"),
        type=obj.get("type") or "comment",
    )


def _site_url(link):
    parts = urlsplit(link or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _post(obj, source, export):
    embedded = obj.get("_embedded") or {}
    categories, tags = _terms(obj, embedded)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    yoast = obj.get("yoast_head_json") or {}
    featured = str(obj.get("featured_media") or "")
    for media in embedded.get("wp:featuredmedia") or []:
        if isinstance(media, dict) and "id" in media:
            attachment = _attachment(media)
            export.attachments.setdefault(attachment.id, attachment)
    export.site_url = export.site_url or _site_url(obj.get("link"))
    comments = []
    for thread in embedded.get("replies") or []:
        comments.extend(_comment(c) for c in thread if isinstance(c, dict))
    return Post(
        id=str(obj["id"]),
        title=plain(obj.get("title")),
        content=rendered(obj.get("content")),
        source=source,
        guid=rendered(obj.get("guid")),
        slug=obj.get("slug") or "",
        link=obj.get("link") or "",
        excerpt=rendered(obj.get("excerpt")),
        status=obj.get("status") or "publish",
        date=parse_date(obj.get("date_gmt") or obj.get("date")),
        comment_status=obj.get("comment_status") or "closed",
        categories=categories,
        tags=tags,
        seo_title=meta.get("_yoast_wpseo_title")
        or meta.get("rank_math_title")
        or yoast.get("title")
        or "",
        seo_description=meta.get("_yoast_wpseo_metadesc")
        or meta.get("rank_math_description")
        or yoast.get("description")
        or "",
        featured_image_id="" if featured == "0" else featured,
        comments=comments,
    )


def _terms(obj, embedded):
    categories, tags = [], []
    for group in embedded.get("wp:term") or []:
        for term in group or []:
            if not isinstance(term, dict):
                continue
            name = unescape(term.get("name") or "")
            if term.get("taxonomy") == "category":
                categories.append(name)
            elif term.get("taxonomy") == "post_tag":
                tags.append(name)
    if not embedded.get("wp:term"):
        # Without ``_embed`` only term ids are saved: kept as "#id".
        categories = [f"#{term}" for term in obj.get("categories") or []]
        tags = [f"#{term}" for term in obj.get("tags") or []]
    return categories, tags
