"""The log of publish notifications sent to headless frontends (layer 4a).

``WebhookDelivery`` is re-exported by ``wagtail_clinic.models``.
"""

import uuid

from urllib.parse import urlsplit, urlunsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookDeliveryQuerySet(models.QuerySet):
    """Queries over the webhook log."""

    def due(self, now=None):
        """Deliveries waiting for an attempt whose time has come."""
        now = now or timezone.now()
        return self.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
            next_attempt_at__lte=now,
        )


class WebhookDelivery(models.Model):
    """One webhook (an event for one frontend URL) and how its delivery went.

    ``status`` is ``pending`` until the first attempt, then ``succeeded``
    or ``failed``. A failed delivery with ``next_attempt_at`` set will be
    retried then; one without has used all its attempts (or its URL is no
    longer configured).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Event(models.TextChoices):
        PUBLISHED = "page.published", _("Page published")
        UNPUBLISHED = "page.unpublished", _("Page unpublished")
        DELETED = "page.deleted", _("Page deleted")
        MOVED = "page.moved", _("Page moved")

    delivery_id = models.UUIDField(
        _("delivery id"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Sent as the X-Clinic-Delivery header; the same on every retry."),
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    url = models.URLField(_("URL"), max_length=2000)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        # The log is written by the app only: no add/change/delete.
        default_permissions = ["view"]

    def __str__(self):
        return f"{self.event} → {self.display_url}"

    @property
    def display_url(self):
        """The URL without credentials or query string, safe to show and log."""
        parts = urlsplit(self.url)
        netloc = parts.netloc.rpartition("@")[2]
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    @property
    def page_title(self):
        """The title of the page the event is about."""
        return (self.payload or {}).get("page", {}).get("title", "")

    page_title.fget.short_description = _("page")

    @property
    def will_retry(self):
        """Whether a failed delivery will be attempted again."""
        return self.status == self.Status.FAILED and self.next_attempt_at is not None
