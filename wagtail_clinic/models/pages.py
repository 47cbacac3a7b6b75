"""Page types: condition articles, massage types and their index pages.

Each concrete page has an ``Abstract…`` base that a host site can subclass
to add fields of its own.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from wagtail_clinic.api import fields as api
from wagtail_clinic.api.structured_data import StructuredDataField
from wagtail_clinic.blocks import ArticleStreamBlock, MassageTypeStreamBlock, outline
from wagtail_clinic.blocks.choosers import loading_page_body, rendition_prefetch
from wagtail_clinic.citations import collect_citations
from wagtail_clinic.comments.mixins import CommentsMixin
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.fields import ClinicStreamField
from wagtail_clinic.jsonld import StructuredDataMixin
from wagtail_clinic.preview import HeadlessPreviewMixin
from wagtail_clinic.review import ReviewDatesMixin
from wagtail_clinic.richtext import expand_rich_text_in


INTRO_FEATURES = ["bold", "italic", "link"]

validate_minutes_list = RegexValidator(
    r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
    _("Enter minutes as whole numbers separated by commas, e.g. 30, 60, 90."),
)


def _paginate(request, queryset):
    paginator = Paginator(queryset, clinic_settings.INDEX_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


class PanelTabs:
    """An ``edit_handler`` built from the panel lists of the class it is read on.

    Wagtail reads ``edit_handler`` from the page class itself, so a host site
    subclassing an abstract page can extend ``content_panels`` (or any tab's
    list) and see its fields without rebuilding the tabs.

    Args:
        *tabs: ``(attribute name, heading)`` pairs, e.g.
            ``("content_panels", _("Content"))``; empty lists are skipped.
    """

    def __init__(self, *tabs):
        self.tabs = tabs

    def __get__(self, instance, owner):
        return TabbedInterface(
            [
                ObjectList(getattr(owner, attr), heading=heading)
                for attr, heading in self.tabs
                if getattr(owner, attr, None)
            ],
            base_form_class=owner.base_form_class,
        )


class AlsoKnownAsMixin:
    """Gives pages with an ``also_known_as`` field a list of alternate names."""

    @property
    def alternate_names(self):
        """``also_known_as`` as a list of names."""
        return [name.strip() for name in self.also_known_as.split(",") if name.strip()]


class ArticleContextMixin:
    """Prepares a StreamField body for rendering with a flat query count."""

    def get_context(self, request, *args, **kwargs):
        from wagtail_clinic.models.settings import get_clinic_settings

        context = super().get_context(request, *args, **kwargs)
        # The chosen objects of all blocks, with the renditions of all their
        # images in one query; a chosen default clinic is the one the site's
        # settings hold already (they are cached on the request).
        site_settings = get_clinic_settings(request)
        known_clinics = [site_settings.default_clinic] if site_settings else []
        with loading_page_body(self, known_clinics) as loaded:
            for _child in self.body:
                pass
        # Links to the pages the body chose cost no query.
        expand_rich_text_in(self.body, known_pages=loaded.pages)
        context["outline"] = outline(self.body)
        context["citations"] = collect_citations(self.body)
        return context


class AbstractConditionIndexPage(StructuredDataMixin, HeadlessPreviewMixin, Page):
    """Lists the condition articles below it."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_("A sentence or two shown above the list of conditions."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("structured_data", serializer=StructuredDataField()),
    ]

    subpage_types = ["wagtail_clinic.ConditionPage"]

    class Meta:
        abstract = True

    def get_conditions(self):
        """The live, public condition articles below this page, by title."""
        return (
            ConditionPage.objects.child_of(self)
            .live()
            .public()
            .select_related("hero_image")
            .prefetch_related(rendition_prefetch("hero_image__renditions"))
            .order_by("title")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["conditions"] = _paginate(request, self.get_conditions())
        return context


class ConditionIndexPage(AbstractConditionIndexPage):
    """The section of the site that holds the condition articles."""

    template = "wagtail_clinic/pages/condition_index_page.html"

    class Meta:
        verbose_name = _("condition index page")
        verbose_name_plural = _("condition index pages")


class AbstractConditionPage(
    StructuredDataMixin,
    ReviewDatesMixin,
    HeadlessPreviewMixin,
    AlsoKnownAsMixin,
    ArticleContextMixin,
    CommentsMixin,
    Page,
):
    """A health article about one condition, e.g. back pain."""

    condition_name = models.CharField(
        _("condition name"),
        max_length=150,
        help_text=_("The condition itself, e.g. 'Back pain'."),
    )
    also_known_as = models.CharField(
        _("also known as"),
        max_length=255,
        blank=True,
        help_text=_("Other names, separated by commas, e.g. 'lumbago, backache'."),
    )
    intro = models.TextField(
        _("lede"),
        max_length=600,
        help_text=_(
            "One or two sentences that sum up the article. Shown under the title, "
            "on cards and in search results."
        ),
    )
    hero_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("hero image alt text"),
        max_length=250,
        blank=True,
        help_text=_(
            "Describe the image for people who cannot see it. Leave blank if it "
            "is decorative."
        ),
    )
    body = ClinicStreamField(ArticleStreamBlock(), verbose_name=_("body"), blank=True)
    reviewed_by = models.ForeignKey(
        "wagtail_clinic.Therapist",
        verbose_name=_("medically reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The therapist who checked this article for accuracy."),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("The date of the last clinical review."),
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_("When the article should be checked again, usually a year later."),
    )
    comments_enabled = models.BooleanField(
        _("allow reader comments"),
        default=True,
        help_text=_("Comments also need to be allowed in Settings › Clinic settings."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("condition_name"), FieldPanel("also_known_as")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt")],
            heading=_("Hero image"),
        ),
        FieldPanel("body"),
    ]
    review_panels = [
        FieldPanel("reviewed_by"),
        FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("next_review_due")]),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("comments_enabled")]
    edit_handler = PanelTabs(
        ("content_panels", _("Content")),
        ("review_panels", _("Medical review")),
        ("promote_panels", _("Promote")),
        ("settings_panels", _("Settings")),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("condition_name", boost=2),
        index.SearchField("also_known_as"),
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("last_reviewed"),
        index.FilterField("next_review_due"),
    ]
    api_fields = [
        APIField("condition_name"),
        APIField("also_known_as"),
        APIField("alternate_names", serializer=api.StringListField()),
        APIField("intro"),
        APIField(
            "hero_image", serializer=api.PageImageField("hero_image", "hero_image_alt")
        ),
        APIField("body"),
        APIField("outline", serializer=api.OutlineField(source="body")),
        APIField("reviewed_by", serializer=api.TherapistField()),
        APIField("last_reviewed"),
        APIField("next_review_due"),
        APIField("comments_enabled"),
        APIField("structured_data", serializer=StructuredDataField()),
    ]

    parent_page_types = ["wagtail_clinic.ConditionIndexPage"]
    subpage_types = []

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if self.last_reviewed and self.last_reviewed > datetime.date.today():
            errors["last_reviewed"] = _("The review date cannot be in the future.")
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            errors["next_review_due"] = _(
                "The next review must be after the last review."
            )
        if self.last_reviewed and self.reviewed_by_id is None:
            errors["reviewed_by"] = _("Say who reviewed the article on that date.")
        if errors:
            raise ValidationError(errors)


class ConditionPage(AbstractConditionPage):
    """A condition article, e.g. "Relief from pain in the back"."""

    template = "wagtail_clinic/pages/condition_page.html"

    class Meta:
        verbose_name = _("condition article")
        verbose_name_plural = _("condition articles")


class AbstractMassageTypeIndexPage(StructuredDataMixin, HeadlessPreviewMixin, Page):
    """Lists its massage types as cards, optionally filtered by condition."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_("A sentence or two shown above the massage types."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("structured_data", serializer=StructuredDataField()),
    ]

    subpage_types = ["wagtail_clinic.MassageTypePage"]

    class Meta:
        abstract = True

    def get_massage_types(self, condition=None):
        """The live, public massage types below this page, optionally for a condition."""
        queryset = (
            MassageTypePage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .prefetch_related(rendition_prefetch("image__renditions"))
            .order_by("title")
        )
        if condition is not None:
            queryset = queryset.filter(conditions=condition)
        return queryset

    def get_condition_choices(self):
        """Live conditions that at least one massage type here helps."""
        return (
            ConditionPage.objects.live()
            .public()
            .filter(
                pk__in=MassageTypePage.conditions.through.objects.filter(
                    massagetypepage__in=MassageTypePage.objects.child_of(self)
                ).values("conditionpage")
            )
            .order_by("title")
            .only("pk", "title", "slug", "condition_name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        choices = list(self.get_condition_choices())
        slug = request.GET.get("condition", "")
        condition = next((c for c in choices if c.slug == slug), None)
        context.update(
            condition_choices=choices,
            selected_condition=condition,
            unknown_condition=bool(slug) and condition is None,
            massage_types=_paginate(request, self.get_massage_types(condition)),
        )
        return context


class MassageTypeIndexPage(AbstractMassageTypeIndexPage):
    """The section of the site that lists the clinic's massage types."""

    template = "wagtail_clinic/pages/massage_type_index_page.html"

    class Meta:
        verbose_name = _("massage type index page")
        verbose_name_plural = _("massage type index pages")


class AbstractMassageTypePage(
    StructuredDataMixin,
    HeadlessPreviewMixin,
    AlsoKnownAsMixin,
    ArticleContextMixin,
    CommentsMixin,
    Page,
):
    """One kind of massage the clinic offers, e.g. sports massage."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_(
            "One or two plain sentences describing this massage. Used on cards "
            "and wherever an article lists it."
        ),
    )
    also_known_as = models.CharField(
        _("also known as"),
        max_length=255,
        blank=True,
        help_text=_("Other names, separated by commas, e.g. 'myofascial release'."),
    )
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image. Leave blank if it is decorative."),
    )
    body = ClinicStreamField(
        MassageTypeStreamBlock(), verbose_name=_("body"), blank=True
    )
    session_lengths = models.CharField(
        _("session lengths"),
        max_length=100,
        blank=True,
        validators=[validate_minutes_list],
        help_text=_("In minutes, separated by commas, e.g. 30, 60, 90."),
    )
    conditions = ParentalManyToManyField(
        "wagtail_clinic.ConditionPage",
        verbose_name=_("conditions it helps"),
        blank=True,
        related_name="+",
        help_text=_("Used to filter the massage-type list by condition."),
    )
    comments_enabled = models.BooleanField(
        _("allow reader comments"),
        default=True,
        help_text=_("Comments also need to be allowed in Settings › Clinic settings."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("also_known_as"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")
        ),
        FieldPanel("body"),
    ]
    details_panels = [
        FieldPanel("session_lengths"),
        FieldPanel("conditions", widget=forms.CheckboxSelectMultiple),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("comments_enabled")]
    edit_handler = PanelTabs(
        ("content_panels", _("Content")),
        ("details_panels", _("Sessions and conditions")),
        ("promote_panels", _("Promote")),
        ("settings_panels", _("Settings")),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("also_known_as"),
        index.SearchField("body"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("also_known_as"),
        APIField("alternate_names", serializer=api.StringListField()),
        APIField("image", serializer=api.PageImageField("image", "image_alt")),
        APIField("body"),
        APIField("outline", serializer=api.OutlineField(source="body")),
        APIField(
            "session_lengths",
            serializer=api.IntegerListField(source="session_lengths_list"),
        ),
        APIField("conditions", serializer=api.PageLinksField()),
        APIField("comments_enabled"),
        APIField("structured_data", serializer=StructuredDataField()),
    ]

    parent_page_types = ["wagtail_clinic.MassageTypeIndexPage"]
    subpage_types = []

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        try:
            validate_minutes_list(self.session_lengths)
        except ValidationError:
            return  # The field validator reports the format error.
        lengths = self.session_lengths_list
        if any(not 5 <= n <= 240 for n in lengths):
            raise ValidationError(
                {"session_lengths": _("Each session length must be 5 to 240 minutes.")}
            )
        # Normalise "30, 60,90" to "30,60,90", in ascending order without repeats.
        self.session_lengths = ",".join(str(n) for n in sorted(set(lengths)))

    @property
    def session_lengths_list(self):
        """Session lengths in minutes, as integers."""
        return [int(n) for n in self.session_lengths.split(",") if n.strip()]


class MassageTypePage(AbstractMassageTypePage):
    """A massage type, e.g. "Deep tissue massage"."""

    template = "wagtail_clinic/pages/massage_type_page.html"

    class Meta:
        verbose_name = _("massage type")
        verbose_name_plural = _("massage types")
