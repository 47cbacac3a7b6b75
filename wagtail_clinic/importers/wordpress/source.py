"""The one shape both WordPress readers (WXR and REST JSON) produce.

Every value is plain text or a list of these dataclasses, so the HTML
mapping and the page writer never see which file format a post came from.
"""

import datetime

from dataclasses import dataclass, field
from urllib.parse import urlsplit


#: Post types of WordPress itself that are not articles: skipped, counted.
SKIPPED_POST_TYPES = frozenset(
    {
        "page",
        "nav_menu_item",
        "revision",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
        "wp_font_family",
        "wp_font_face",
    }
)
#: WordPress post statuses that hold nothing to import.
SKIPPED_POST_STATUSES = frozenset({"trash", "auto-draft", "inherit"})


class SourceError(ValueError):
    """A file cannot be read as a WordPress export; nothing is imported."""


@dataclass
class Comment:
    """A reader comment on a post. ``status``: approved, pending, spam or trash."""

    id: str
    parent_id: str
    author: str
    email: str
    date: datetime.datetime | None
    content: str
    status: str
    type: str = "comment"


@dataclass
class Attachment:
    """A media library item: an image the posts may show."""

    id: str
    url: str
    alt: str = ""
    title: str = ""
    caption: str = ""


@dataclass
class Post:
    """One WordPress post, read from either format."""

    id: str
    title: str
    content: str
    source: str
    guid: str = ""
    slug: str = ""
    link: str = ""
    excerpt: str = ""
    status: str = "publish"
    date: datetime.datetime | None = None
    comment_status: str = "closed"
    categories: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    seo_title: str = ""
    seo_description: str = ""
    featured_image_id: str = ""
    comments: list = field(default_factory=list)
    #: The WordPress site's name, where the file gives it (WXR does).
    site_name: str = ""


@dataclass
class Export:
    """What one or more files hold: the site, its posts and attachments."""

    site_url: str = ""
    site_name: str = ""
    posts: list = field(default_factory=list)
    attachments: dict = field(default_factory=dict)
    #: ``{post type: count}`` of the items skipped (pages, menus, …).
    skipped_types: dict = field(default_factory=dict)
    #: ``(post id, Comment)`` read from comment lists, not yet on their post.
    loose_comments: list = field(default_factory=list)
    #: Comments read from comment lists whose post is in none of the files.
    unmatched_comments: int = 0

    def merge(self, other):
        """Add ``other``'s posts and attachments (a later file wins a clash)."""
        self.site_url = self.site_url or other.site_url
        self.site_name = self.site_name or other.site_name
        known = {post.id: index for index, post in enumerate(self.posts)}
        for post in other.posts:
            if post.id in known:
                self.posts[known[post.id]] = post
            else:
                known[post.id] = len(self.posts)
                self.posts.append(post)
        self.attachments.update(other.attachments)
        for name, count in other.skipped_types.items():
            self.skipped_types[name] = self.skipped_types.get(name, 0) + count
        self.loose_comments.extend(other.loose_comments)

    def attach_comments(self):
        """Put the comments read from comment lists on their posts.

        Returns the number of comments whose post is not among the posts.
        """
        by_id = {post.id: post for post in self.posts}
        unmatched = 0
        for post_id, comment in self.loose_comments:
            post = by_id.get(post_id)
            if post is None:
                unmatched += 1
            elif all(known.id != comment.id for known in post.comments):
                post.comments.append(comment)
        self.loose_comments = []
        return unmatched

    @property
    def site_key(self):
        """The site's host and path without scheme: the identity of its posts."""
        parts = urlsplit(self.site_url or "")
        return f"{parts.netloc.lower()}{parts.path.rstrip('/')}" or "wordpress"


def parse_date(value):
    """A UTC datetime from WordPress's GMT date text, or None.

    Accepts ``2024-03-05 14:30:00`` (WXR) and ``2024-03-05T14:30:00`` (REST);
    the "zero date" of unpublished drafts gives None.
    """
    text = (value or "").strip()
    if not text or text.startswith("0000"):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed
