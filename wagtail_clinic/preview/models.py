"""``PagePreview``: stored drafts for headless previews (layer 4a).

Tokens and the page mixin that create and read them are in
``wagtail_clinic.preview.tokens`` and ``wagtail_clinic.preview.mixins``.
"""

import datetime
import json
import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PagePreviewQuerySet(models.QuerySet):
    """The queryset of ``PagePreview``."""

    def expired(self, max_age):
        """Previews created more than ``max_age`` seconds ago."""
        cutoff = timezone.now() - datetime.timedelta(seconds=max_age)
        return self.filter(created_at__lt=cutoff)


class PagePreview(models.Model):
    """The unsaved state of a page, as the editor saw it when clicking Preview.

    A headless frontend fetches it with the signed token it is sent (see
    ``wagtail_clinic.preview``). Rows are short-lived: every new preview
    deletes those older than ``HEADLESS_PREVIEW_MAX_AGE``.
    """

    key = models.CharField(
        _("key"), max_length=64, unique=True, default=secrets.token_urlsafe
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("page type"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    content_json = models.TextField(_("page content"))
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, db_index=True, editable=False
    )

    objects = PagePreviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("page preview")
        verbose_name_plural = _("page previews")
        default_permissions = []  # Internal: never edited in the admin.

    def __str__(self):
        return f"{self.content_type} preview {self.created_at:%Y-%m-%d %H:%M}"

    def as_page(self):
        """The previewed page, rebuilt from the stored state (never saved).

        An existing page is taken from the database and given the previewed
        content (``with_content_json``), so tree position, ``live`` and the
        like are current. A page that was never saved (a preview from the
        "add page" form) has no database row: it is rebuilt from the JSON
        alone and gets ``pk`` 0 so it still fits the API's page shape.
        """
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        content = json.loads(self.content_json)
        pk = content.get("pk")
        page = model.objects.filter(pk=pk).first() if pk else None
        if page is not None:
            return page.with_content_json(content)
        page = model.from_json(self.content_json)
        if page.pk is None:
            page.id = page.pk = 0
        return page
