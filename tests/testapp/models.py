"""Models of a minimal "host site" used only by the test suite.

They prove that a host can use wagtail_clinic's blocks in its own StreamField
and subclass the abstract page models.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from wagtail_clinic.blocks import BookingCTABlock, FaqBlock, ImageBlock, KeyFactBlock
from wagtail_clinic.models import AbstractConditionPage


class HostStreamPage(Page):
    """A host page type whose own StreamField picks a few of our blocks."""

    body = StreamField(
        [
            ("fact", KeyFactBlock()),
            ("cta", BookingCTABlock()),
            ("picture", ImageBlock()),
            ("faq", FaqBlock()),
        ],
        blank=True,
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]


class HostConditionPage(AbstractConditionPage):
    """A host's own condition article with one extra field."""

    video_url = models.URLField(blank=True)

    content_panels = [*AbstractConditionPage.content_panels, FieldPanel("video_url")]
    # No edit_handler needed: the abstract base builds its tabs from the
    # subclass's own panel lists.

    parent_page_types = ["wagtailcore.Page"]
    template = "wagtail_clinic/pages/condition_page.html"


class PlainArticlePage(Page):
    """A plain page with one RichTextField: the baseline of benchmarks/."""

    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    api_fields = [APIField("body")]
    subpage_types = []
