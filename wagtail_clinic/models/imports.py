"""What ``manage.py import_wordpress`` brought in, and from where (layer 4a).

One ``WordPressImport`` row per imported post and one ``WordPressImage`` per
imported attachment make the importer idempotent: a second run finds the
page and the images it made before, updates them (a new revision only when
the content changed) and never duplicates them. The rows also keep what the
page model has no field for: the post's categories and tags, its original
URL and its WordPress ids. Commenters' names and emails are not kept here:
only the ids of the comments made from the post's comments.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model_string


class WordPressImport(models.Model):
    """One WordPress post imported as a page.

    ``source_site`` and ``post_id`` identify the post: the same site's WXR
    export and REST JSON name the same posts, so either updates the page.
    """

    source_site = models.CharField(
        _("WordPress site"),
        max_length=255,
        help_text=_("The site's host and path, e.g. southside.example/blog."),
    )
    post_id = models.CharField(_("WordPress post id"), max_length=32)
    guid = models.TextField(_("WordPress GUID"), blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    original_url = models.TextField(_("original URL"), blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    content_hash = models.CharField(
        _("content fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("A hash of what the importer last wrote to the page."),
    )
    comment_ids = models.JSONField(
        _("imported comments"),
        default=dict,
        blank=True,
        help_text=_("WordPress comment id → reader comment id."),
    )
    imported_at = models.DateTimeField(_("first imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last imported at"), auto_now=True)

    class Meta:
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        constraints = [
            models.UniqueConstraint(
                fields=["source_site", "post_id"],
                name="wagtail_clinic_wp_import_post",
            )
        ]

    def __str__(self):
        return f"{self.source_site} #{self.post_id}"


class WordPressImage(models.Model):
    """One WordPress attachment (or image URL) imported as a Wagtail image."""

    source_site = models.CharField(_("WordPress site"), max_length=255)
    url_hash = models.CharField(
        _("URL fingerprint"), max_length=64, help_text=_("SHA-256 of the source URL.")
    )
    source_url = models.TextField(_("source URL"))
    attachment_id = models.CharField(
        _("WordPress attachment id"), max_length=32, blank=True
    )
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("WordPress image")
        verbose_name_plural = _("WordPress images")
        constraints = [
            models.UniqueConstraint(
                fields=["source_site", "url_hash"],
                name="wagtail_clinic_wp_image_url",
            )
        ]

    def __str__(self):
        return f"{self.source_site} {self.source_url}"
