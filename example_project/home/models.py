"""The example site's own page models: the home page and a plain text page."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from wagtail_clinic.models import ClinicSettings
from wagtail_clinic.serialisation.translations import in_locale, object_locale


class HomePage(Page):
    """The site root: an introduction and the clinic's two main sections."""

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="A short welcome shown under the page title.",
    )
    conditions_page = models.ForeignKey(
        "wagtail_clinic.ConditionIndexPage",
        verbose_name="conditions section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its newest articles are featured on the home page.",
    )
    massage_types_page = models.ForeignKey(
        "wagtail_clinic.MassageTypeIndexPage",
        verbose_name="massage types section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its massage types are featured on the home page.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("conditions_page"), FieldPanel("massage_types_page")],
            heading="Featured sections",
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "wagtail_clinic.ConditionIndexPage",
        "wagtail_clinic.MassageTypeIndexPage",
        "wagtail_clinic.AppointmentRequestPage",
        "home.StandardPage",
    ]
    max_count = 1

    # Cards shown per featured section.
    featured_count = 4

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        conditions_page = self._live(self.conditions_page)
        massage_types_page = self._live(self.massage_types_page)
        # The site's default clinic, in this page's language when translated.
        clinic = ClinicSettings.for_request(request).default_clinic
        context.update(
            clinic=in_locale(clinic, object_locale(self)) if clinic else None,
            conditions_page=conditions_page,
            featured_conditions=(
                conditions_page.get_conditions()[: self.featured_count]
                if conditions_page
                else []
            ),
            massage_types_page=massage_types_page,
            featured_massage_types=(
                massage_types_page.get_massage_types()[: self.featured_count]
                if massage_types_page
                else []
            ),
        )
        return context

    @staticmethod
    def _live(page):
        """The page if visitors can see it, else None."""
        if page is None or not page.live or page.get_view_restrictions().exists():
            return None
        return page


class StandardPage(Page):
    """A plain page: a title and one rich text body, e.g. "About the clinic".

    It is also the baseline of benchmarks/load_test.py: a page as cheap as
    Wagtail pages get, to compare the clinic's article with.
    """

    body = RichTextField(
        blank=True,
        help_text="The page's text. Use headings to break up long pages.",
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    api_fields = [APIField("body")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
