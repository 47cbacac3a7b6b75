"""Write a WordPress ``Export`` as condition articles: pages, images, redirects, comments.

``WordPressImporter(parent, …).run(export)`` does everything in one
transaction: an error on any post stores nothing, and a dry run rolls the
transaction back and fetches no image. ``WordPressImport`` and
``WordPressImage`` rows make a second run update what the first made: a
page gets a new revision only when what the importer would write differs
from what it wrote last time (so an editor's later changes survive a
re-run of an unchanged export), comments and redirects are never duplicated.
"""

import hashlib
import io
import json
import re
import urllib.error
import urllib.request

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from wagtail_clinic.comments.models import (
    CommentSource,
    CommentStatus,
    ReaderComment,
)
from wagtail_clinic.comments.privacy import email_hash
from wagtail_clinic.models.imports import WordPressImage, WordPressImport
from wagtail_clinic.models.pages import AbstractConditionIndexPage, ConditionPage

from .html import HtmlMapper, collapse, first_paragraph, html_to_text
from .report import CREATED, SKIPPED, UNCHANGED, UPDATED, PostResult, Report


INTRO_MAX = 600
CONDITION_NAME_MAX = 150
SEO_TITLE_MAX = 255
MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
GENERIC_CATEGORIES = frozenset(
    {"uncategorized", "uncategorised", "blog", "news", "general", "articles"}
)
SEO_VARIABLE = re.compile(r"%%?([a-z_]+)%%?")
EXCERPT_MORE = re.compile(r"\s*(\[(…|\.\.\.|&hellip;)\]|…|\.\.\.)\s*$")
COMMENT_TYPES = frozenset({"", "comment"})


class ImportFailed(Exception):
    """A post cannot be stored; the whole import is rolled back."""


def find_parent(value):
    """The condition index page named by an id or a URL path.

    Raises:
        ImportFailed: no such page, or not a condition index page.
    """
    value = str(value).strip()
    page = None
    if value.isdigit():
        page = Page.objects.filter(pk=int(value)).first()
    else:
        path = "/" + "/".join(part for part in value.split("/") if part)
        path = path.rstrip("/") + "/"
        for site in Site.objects.select_related("root_page").order_by(
            "-is_default_site", "pk"
        ):
            page = Page.objects.filter(
                url_path=site.root_page.url_path + path.lstrip("/")
            ).first()
            if page is not None:
                break
    if page is None:
        raise ImportFailed(
            _("--parent %(value)r: no page has that id or URL path.") % {"value": value}
        )
    page = page.specific
    if not isinstance(page, AbstractConditionIndexPage) or ConditionPage not in (
        page.specific_class.allowed_subpage_models()
    ):
        raise ImportFailed(
            _(
                "--parent %(value)r is %(title)r, a %(type)s: choose a condition "
                "index page, which can hold condition articles."
            )
            % {
                "value": value,
                "title": page.title,
                "type": page._meta.verbose_name,
            }
        )
    return page


def url_key(url):
    """A URL's host, path and query: how links and permalinks are compared."""
    parts = urlsplit((url or "").strip())
    key = parts.netloc.lower() + unquote(parts.path).rstrip("/")
    return f"{key}?{parts.query}" if parts.query else key


class WordPressImporter:
    """Imports the posts of an ``Export`` under a condition index page.

    Args:
        parent: the ``ConditionIndexPage`` (see ``find_parent``).
        publish: publish the pages of published posts (else drafts).
        dry_run: do everything in a transaction that is rolled back, and
            fetch no image.
        keep_pending_comments: import comments awaiting moderation as
            pending (else they are skipped).
        images_from: a folder holding the export's uploads (``wp-content/
            uploads``); images are then read from it, never downloaded.
        timeout: seconds to wait for an image over HTTP.
        base_dir: where relative image paths of the export start.
    """

    def __init__(
        self,
        parent,
        *,
        publish=False,
        dry_run=False,
        keep_pending_comments=False,
        images_from=None,
        timeout=5.0,
        base_dir=None,
    ):
        self.parent = parent
        self.publish = publish
        self.dry_run = dry_run
        self.keep_pending = keep_pending_comments
        self.images_from = Path(images_from).resolve() if images_from else None
        self.timeout = timeout
        self.base_dir = Path(base_dir) if base_dir else Path.cwd()
        self.site = parent.get_site()
        self.image_cache = {}
        self.pending_skipped = 0

    # The run ---------------------------------------------------------------

    def run(self, export):
        """Import ``export``; returns a ``Report``. Raises ``ImportFailed``."""
        self.export = export
        self.site_key = export.site_key
        report = Report(
            dry_run=self.dry_run,
            source_site=self.site_key,
            parent_path=self.parent.url_path.replace(
                self.site.root_page.url_path if self.site else "/", "/", 1
            ),
            skipped_types=dict(export.skipped_types),
        )
        unmatched = export.unmatched_comments
        if unmatched:
            report.general_notes.append(
                _("%(count)s comment(s) belong to posts not in these files.")
                % {"count": unmatched}
            )
        with transaction.atomic():
            records = {
                record.post_id: record
                for record in WordPressImport.objects.filter(
                    source_site=self.site_key,
                    post_id__in=[post.id for post in export.posts],
                ).select_related("page")
            }
            work = []
            for post in export.posts:
                result = PostResult(post_id=post.id, title=post.title)
                report.results.append(result)
                if not post.title.strip() and not collapse(html_to_text(post.content)):
                    result.action = SKIPPED
                    result.note(_("The post has no title and no content."))
                    continue
                record = records.get(post.id) or WordPressImport(
                    source_site=self.site_key, post_id=post.id
                )
                page = self.page_for(post, record, result)
                work.append((post, record, page, result))
            self.link_targets = self.build_link_targets(work)
            for post, record, page, result in work:
                self.import_post(post, record, page, result)
            if self.pending_skipped:
                report.general_notes.append(
                    _(
                        "Comments awaiting moderation were skipped: run again with "
                        "--keep-pending-comments to keep them pending."
                    )
                )
            if self.dry_run:
                transaction.set_rollback(True)
        return report

    # Pages -----------------------------------------------------------------

    def page_for(self, post, record, result):
        """The page of ``post``: the one made before, or a new draft."""
        if record.pk and record.page_id:
            page = record.page.specific
            result.page_id = page.pk
            return page
        if record.pk:
            result.note(
                _("The page an earlier import made was deleted: it is made again.")
            )
        fields = self.page_fields(post, result)
        fields["slug"] = self.free_slug(fields["slug"], result)
        page = ConditionPage(**fields, live=False)
        self.save_or_fail(post, lambda: self.parent.add_child(instance=page))
        result.action = CREATED
        result.page_id = page.pk
        return page

    def free_slug(self, slug, result, page=None):
        siblings = Page.objects.child_of(self.parent)
        if page is not None:
            siblings = siblings.exclude(pk=page.pk)
        candidate, number = slug, 2
        while siblings.filter(slug=candidate).exists():
            candidate = f"{slug[:250]}-{number}"
            number += 1
        if candidate != slug:
            result.note(
                _("The slug %(slug)r was taken: the page is at %(new)r.")
                % {"slug": slug, "new": candidate}
            )
        return candidate

    def page_fields(self, post, result):
        """The page's fields other than its body, from the post."""
        title = collapse(post.title) or _("Untitled post %(id)s") % {"id": post.id}
        slug = slugify(unquote(post.slug or ""), allow_unicode=True) or slugify(
            title, allow_unicode=True
        )
        intro = self.intro(post, result)
        return {
            "title": title[:255],
            "slug": (slug or f"post-{post.id}")[:255],
            "condition_name": self.condition_name(post, title, result),
            "intro": intro,
            "seo_title": self.seo_text(post.seo_title, post, intro, result)[
                :SEO_TITLE_MAX
            ],
            "search_description": self.seo_text(
                post.seo_description, post, intro, result
            ),
            "comments_enabled": post.comment_status == "open",
        }

    def condition_name(self, post, title, result):
        categories = [
            name
            for name in post.categories
            if name
            and not name.startswith("#")
            and name.lower() not in GENERIC_CATEGORIES
        ]
        in_title = [name for name in categories if name.lower() in title.lower()]
        for candidates in (in_title, categories):
            if len(candidates) == 1 and len(candidates[0]) <= CONDITION_NAME_MAX:
                return candidates[0]
        result.note(
            _(
                "Condition name taken from the title: shorten it to the condition "
                "itself, e.g. 'Back pain'."
            )
        )
        return title[:CONDITION_NAME_MAX]

    def intro(self, post, result):
        text = EXCERPT_MORE.sub("", html_to_text(post.excerpt)).strip()
        if not text:
            text = first_paragraph(post.content)
            if text:
                result.note(_("No excerpt: the lede is the first paragraph."))
        if not text:
            result.note(_("No excerpt and no text: the lede is the title."))
            return collapse(post.title)[:INTRO_MAX] or "-"
        text = " ".join(text.split("\n\n"))
        if len(text) > INTRO_MAX:
            cut = text[: INTRO_MAX - 1]
            end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
            text = cut[: end + 1] if end > 0 else cut.rsplit(" ", 1)[0] + "…"
            result.note(
                _("The lede was shortened to %(max)s characters.") % {"max": INTRO_MAX}
            )
        return text

    def seo_text(self, template, post, intro, result):
        """A Yoast/RankMath title or description with its variables filled in."""
        values = {
            "title": collapse(post.title),
            "sitename": post.site_name,
            "sep": "–",
            "excerpt": intro,
            "page": "",
        }

        def fill(match):
            name = match.group(1)
            if values.get(name) or name in {"page", "sep"}:
                return values.get(name, "")
            result.note(
                _("SEO variable %(name)r removed from %(text)r.")
                % {"name": match.group(0), "text": template}
            )
            return ""

        text = collapse(SEO_VARIABLE.sub(fill, template or ""))
        return text.strip(" –-|")

    def build_link_targets(self, work):
        """``{url key: page id}`` for this run's posts and earlier imports."""
        targets, slugs = {}, {}
        earlier = WordPressImport.objects.filter(
            source_site=self.site_key, page__isnull=False
        ).values_list("original_url", "guid", "post_id", "page_id")
        for original_url, guid, post_id, page_id in earlier:
            for url in (original_url, guid):
                if url:
                    targets[url_key(url)] = page_id
            targets[f"?p={post_id}"] = page_id
        for post, _record, page, _result in work:
            for url in (post.link, post.guid):
                if url:
                    targets[url_key(url)] = page.pk
            targets[f"?p={post.id}"] = page.pk
            if post.slug:
                slugs[unquote(post.slug)] = page.pk
        self.slug_targets = slugs
        return targets

    def page_for_link(self, href):
        """The page id an ``href`` to an imported post now means, or None."""
        parts = urlsplit(href or "")
        site_host = urlsplit(self.export.site_url or "").netloc.lower()
        if parts.netloc and site_host and parts.netloc.lower() != site_host:
            return None
        found = self.link_targets.get(url_key(href))
        if found is None:
            post_id = re.search(r"(?:^|&)p=(\d+)", parts.query or "")
            if post_id:
                found = self.link_targets.get(f"?p={post_id.group(1)}")
        if found is None and parts.netloc:
            segment = unquote(parts.path).rstrip("/").rsplit("/", 1)[-1]
            found = self.slug_targets.get(segment)
        return found

    def import_post(self, post, record, page, result):
        """Map the post's content; write a revision if it changed; then the rest."""
        mapper = HtmlMapper(
            self.export.attachments,
            self.export.site_url,
            self.page_for_link,
            lambda url, attachment, alt: self.image_for(result, url, attachment, alt),
        )
        blocks, notes = mapper.convert(post.content)
        for message in notes:
            result.note(message)
        fields = self.page_fields(post, result)
        fields["slug"] = self.free_slug(fields["slug"], PostResult("", ""), page)
        fields["body"] = blocks
        hero = self.export.attachments.get(post.featured_image_id)
        fields["hero_image_id"] = None
        if hero is not None:
            fields["hero_image_id"] = self.image_for(result, hero.url, hero, hero.alt)
            if fields["hero_image_id"] and not hero.alt:
                result.note(_("The featured image has no alt text: add one in Images."))
        elif post.featured_image_id:
            result.note(
                _("The featured image #%(id)s is not in the export.")
                % {"id": post.featured_image_id}
            )
        content_hash = hashlib.sha256(
            json.dumps(fields, sort_keys=True, default=str).encode("utf-8")
        ).hexdigest()
        publish = self.publish and post.status == "publish"
        if self.publish and post.status != "publish":
            result.note(
                _("WordPress status %(status)r: left as a draft.")
                % {"status": post.status}
            )
        new_page = result.action == CREATED
        if new_page or record.content_hash != content_hash:
            self.write_revision(post, page, fields, publish, new_page)
            result.action = result.action or UPDATED
        elif publish and not page.live:
            self.save_or_fail(post, lambda: page.get_latest_revision().publish())
            result.action = UPDATED
            result.note(_("Published."))
        else:
            result.action = UNCHANGED
        page.refresh_from_db(fields=["live", "url_path"])
        result.live = page.live
        result.page_path = self.relative_path(page)
        self.redirect(post, page, result)
        self.import_comments(post, page, record, result)
        record.guid = post.guid
        record.page = page
        record.original_url = post.link
        record.categories = post.categories
        record.tags = post.tags
        record.content_hash = content_hash
        record.save()

    def write_revision(self, post, page, fields, publish, new_page):
        target = page if new_page else page.get_latest_revision_as_object()
        for name, value in fields.items():
            setattr(target, name, value)
        if publish and target.first_published_at is None and post.date:
            target.first_published_at = post.date

        def save():
            if new_page:
                target.save()
            revision = target.save_revision(log_action=True)
            if publish:
                revision.publish()

        self.save_or_fail(post, save)

    def save_or_fail(self, post, save):
        try:
            save()
        except ValidationError as exc:
            messages = (
                "; ".join(
                    f"{name}: {' '.join(str(m) for m in errors)}"
                    for name, errors in exc.message_dict.items()
                )
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            raise ImportFailed(
                _("Post #%(id)s %(title)r cannot be stored: %(errors)s")
                % {"id": post.id, "title": post.title, "errors": messages}
            ) from exc

    def relative_path(self, page):
        if self.site is None:
            return page.url_path
        return "/" + page.url_path[len(self.site.root_page.url_path) :]

    # Redirects -------------------------------------------------------------

    def redirect(self, post, page, result):
        """A permanent redirect from the post's old URL to the page."""
        if not post.link:
            return
        old_path = Redirect.normalise_path(post.link)
        if old_path in {"", "/"} or old_path == Redirect.normalise_path(
            result.page_path
        ):
            return
        existing = Redirect.objects.filter(old_path=old_path, site=self.site).first()
        if existing is None:
            Redirect.objects.create(
                old_path=old_path,
                site=self.site,
                redirect_page=page,
                is_permanent=True,
            )
            result.redirect = _("created")
        elif existing.redirect_page_id == page.pk:
            result.redirect = _("exists")
        else:
            result.redirect = _("conflict")
            result.note(
                _("A redirect from %(path)s already goes elsewhere: left alone.")
                % {"path": old_path}
            )

    # Comments --------------------------------------------------------------

    def import_comments(self, post, page, record, result):
        """Approved comments as approved reader comments; pending ones if kept."""
        imported = dict(record.comment_ids or {})
        pending_skipped = 0
        for comment in sorted(
            post.comments, key=lambda c: (c.date or timezone.now(), c.id)
        ):
            if comment.id in imported:
                result.comments_kept += 1
                continue
            if comment.type not in COMMENT_TYPES or comment.status not in {
                "approved",
                "pending",
            }:
                result.comments_skipped += 1
                continue
            if comment.status == "pending" and not self.keep_pending:
                result.comments_skipped += 1
                pending_skipped += 1
                continue
            imported[comment.id] = self.store_comment(page, comment, imported)
            result.comments_imported += 1
        self.pending_skipped += pending_skipped
        if pending_skipped:
            result.note(
                _("%(count)s comment(s) awaiting moderation skipped (pending).")
                % {"count": pending_skipped}
            )
        record.comment_ids = imported

    def store_comment(self, page, comment, imported):
        email = (comment.email or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        approved = comment.status == "approved"
        parent_id = imported.get(comment.parent_id) if comment.parent_id else None
        stored = ReaderComment.objects.create(
            page=page,
            parent_id=parent_id,
            author_name=collapse(comment.author)[:100] or _("Anonymous"),
            email=email,
            email_hash=email_hash(email),
            body=html_to_text(comment.content),
            status=CommentStatus.APPROVED if approved else CommentStatus.PENDING,
            created_at=comment.date or timezone.now(),
            moderated_at=timezone.now() if approved else None,
            source=CommentSource.IMPORT,
        )
        return stored.pk

    # Images ----------------------------------------------------------------

    def image_for(self, result, url, attachment, alt):
        """The id of the Wagtail image for ``url``: imported before, or now.

        Returns None (and reports why) when the image cannot be had; a dry
        run never fetches.
        """
        if url in self.image_cache:
            image_id, fetched = self.image_cache[url]
            if image_id is None and fetched is not None:
                result.images_missing += 1
                result.note(fetched)
            elif image_id is not None:
                result.images_reused += 1
            return image_id
        url_hash = hashlib.sha256(url.encode("utf-8")).hexdigest()
        known = (
            WordPressImage.objects.filter(source_site=self.site_key, url_hash=url_hash)
            .values_list("image_id", flat=True)
            .first()
        )
        if known is not None:
            result.images_reused += 1
            self.image_cache[url] = (known, None)
            return known
        if self.dry_run:
            problem = self.locate_problem(url)
            if problem:
                result.images_missing += 1
                result.note(problem)
            else:
                result.images_fetched += 1
            return None
        data, problem = self.read_image(url)
        if problem is None:
            image_id, problem = self.store_image(url, data, attachment, alt, url_hash)
        else:
            image_id = None
        if image_id is None:
            result.images_missing += 1
            result.note(problem)
        else:
            result.images_fetched += 1
        self.image_cache[url] = (image_id, problem)
        return image_id

    def local_candidates(self, url):
        path = unquote(urlsplit(url).path)
        names = []
        if "/wp-content/uploads/" in path:
            names.append(path.split("/wp-content/uploads/", 1)[1])
        names.append(path.rsplit("/", 1)[-1])
        for name in names:
            candidate = (self.images_from / name).resolve()
            if candidate.is_relative_to(self.images_from) and candidate.is_file():
                return candidate
        return None

    def local_path(self, url):
        """The file that holds ``url`` on this machine, or None if it is remote."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if self.images_from is not None:
            return self.local_candidates(url) or Path("/nonexistent")
        if scheme == "file":
            return Path(url2pathname(parts.path))
        if not scheme:
            return (self.base_dir / unquote(parts.path)).resolve()
        return None

    def locate_problem(self, url):
        """Why ``url`` would be missing, for a dry run (no download)."""
        path = self.local_path(url)
        if path is not None and not path.is_file():
            return self.missing_message(url, _("file not found"))
        return None

    def missing_message(self, url, reason):
        return _("Image not imported (%(reason)s): %(url)s") % {
            "reason": reason,
            "url": url,
        }

    def read_image(self, url):
        """``(bytes, None)`` or ``(None, why not)``."""
        path = self.local_path(url)
        scheme = urlsplit(url).scheme.lower()
        if path is not None:
            if not path.is_file():
                return None, self.missing_message(url, _("file not found"))
            if path.stat().st_size > MAX_IMAGE_BYTES:
                return None, self.missing_message(url, _("larger than 20 MB"))
            return path.read_bytes(), None
        if scheme not in {"http", "https"}:
            return None, self.missing_message(url, _("not an http, https or file URL"))
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, headers={"User-Agent": "wagtail-clinic-import"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data = response.read(MAX_IMAGE_BYTES + 1)
        except (OSError, ValueError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", None) or exc
            return None, self.missing_message(url, str(reason))
        if len(data) > MAX_IMAGE_BYTES:
            return None, self.missing_message(url, _("larger than 20 MB"))
        return data, None

    def store_image(self, url, data, attachment, alt, url_hash):
        """``(image id, None)`` or ``(None, why not)``."""
        try:
            with PILImage.open(io.BytesIO(data)) as opened:
                image_format = opened.format
                opened.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None, self.missing_message(url, _("not an image"))
        if image_format not in IMAGE_FORMATS:
            return None, self.missing_message(
                url, _("%(format)s images are not supported") % {"format": image_format}
            )
        name = unquote(urlsplit(url).path).rsplit("/", 1)[-1] or "image"
        stem = name.rsplit(".", 1)[0] or "image"
        filename = f"{stem[:80]}.{IMAGE_FORMATS[image_format]}"
        title = (attachment.title if attachment is not None else "") or stem
        image = get_image_model()(
            title=title[:255],
            description=alt[:255],
            file=ImageFile(io.BytesIO(data), name=filename),
        )
        image.save()
        WordPressImage.objects.create(
            source_site=self.site_key,
            url_hash=url_hash,
            source_url=url,
            attachment_id=attachment.id if attachment is not None else "",
            image=image,
        )
        return image.pk, None
