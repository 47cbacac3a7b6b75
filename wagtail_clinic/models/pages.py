"""Page types: condition articles, massage types and their index pages (layer 4c).

Each concrete page has an ``Abstract…`` base that a host site can subclass
to add fields of its own. The pages compose the behaviour of the feature
modules below them (structured data, previews, medical review, comments),
as Wagtail's own page types compose mixins; nothing below imports this
module.

The abstract pages are extension points: an index page lists the children
whose page types are among its ``subpage_types`` and subclass the abstract
article page (``AbstractConditionPage`` / ``AbstractMassageTypePage``), so a
host's subclasses are listed without overriding anything, and each page type
describes itself in schema.org terms (``structured_data_entities``).
"""

import datetime

from collections import Counter
from functools import reduce
from operator import or_

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
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

from wagtail_clinic.blocks.choosers import (
    MassageTypeChooserBlock,
    defer_renditions,
    loading_page_body,
    rendition_prefetch,
)
from wagtail_clinic.blocks.citations import collect_citations
from wagtail_clinic.blocks.clinic import MassageTypesBlock
from wagtail_clinic.blocks.raw import chosen_ids
from wagtail_clinic.blocks.streams import (
    ArticleStreamBlock,
    MassageTypeStreamBlock,
    outline,
)
from wagtail_clinic.blocks.text import CountedTextarea
from wagtail_clinic.comments.mixins import CommentsMixin
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.edge.pages import EdgeCacheMixin, body_left_out
from wagtail_clinic.fields import ClinicStreamField
from wagtail_clinic.models.api_fields import (
    IntegerListField,
    OutlineField,
    PageImageField,
    StringListField,
    TherapistField,
    TranslationsField,
)
from wagtail_clinic.models.condition_summary import (
    EMBEDDED_CONDITIONS,
    FILTER_CONDITIONS,
    ConditionLinksField,
    ConditionsSummary,
    conditions_table,
    page_site_trees_q,
    prefixed_q,
    schedule_refresh,
)
from wagtail_clinic.models.pagination import IdsFirstPaginator
from wagtail_clinic.models.panels import ChoosingArticlesPanel
from wagtail_clinic.models.sitemaps import SitemapMixin
from wagtail_clinic.preview.mixins import HeadlessPreviewMixin
from wagtail_clinic.review.status import ReviewDatesMixin, count_unsourced_facts
from wagtail_clinic.serialisation.cache import invalidate_pages
from wagtail_clinic.serialisation.richtext import expand_rich_text_in
from wagtail_clinic.serialisation.site import (
    get_clinic_settings,
    localized_default_clinic,
)
from wagtail_clinic.structured_data.entities import (
    condition_page_entities,
    index_entities,
    massage_type_page_entities,
)
from wagtail_clinic.structured_data.fields import StructuredDataField
from wagtail_clinic.structured_data.mixins import StructuredDataMixin


INTRO_FEATURES = ["bold", "italic", "link"]

validate_minutes_list = RegexValidator(
    r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
    _("Enter minutes as whole numbers separated by commas, e.g. 30, 60, 90."),
)


def index_intro_field(help_text):
    """The ``intro`` field of an index page: a short rich text introduction.

    Each index page declares its own (the help texts differ).
    """
    return RichTextField(
        _("introduction"), blank=True, features=INTRO_FEATURES, help_text=help_text
    )


#: ``{(registry, base): (registry's model list, subclasses)}``.
_CONCRETE_SUBCLASSES = {}


def concrete_subclasses(base, registry=apps):
    """The installed concrete models that subclass ``base``, in registry order.

    What the API listings and the medical review show: every page type a
    host derives from an abstract page (``AbstractConditionPage``…), not only
    Wagtail Clinic's own. Proxy models, and subclasses of a model already
    listed, are left out: querying that model covers their pages. Cached per
    registry until its model list changes (``Apps.clear_cache()``).
    """
    models = registry.get_models()  # The same list until the registry changes.
    cached = _CONCRETE_SUBCLASSES.get((registry, base))
    if cached is not None and cached[0] is models:
        return cached[1]
    found = [
        model for model in models if issubclass(model, base) and not model._meta.proxy
    ]
    found = [
        model
        for model in found
        if not any(other is not model and issubclass(model, other) for other in found)
    ]
    _CONCRETE_SUBCLASSES[(registry, base)] = (models, found)
    return found


def listed_page_types(index_page, page_type):
    """The concrete subclasses of ``page_type`` that ``index_page`` lists.

    Those of its allowed child page types (Wagtail's ``subpage_types``) that
    subclass ``page_type``: Wagtail Clinic's index pages list its own
    concrete pages, a host's index page subclass the host's pages.
    """
    return [
        model
        for model in index_page.allowed_subpage_models()
        if issubclass(model, page_type)
    ]


def pages_of_types(page_types, image_field=None, *prefetches, **filters):
    """A queryset of the pages of ``page_types``, with their card images.

    Args:
        page_types: concrete page models (``listed_page_types``,
            ``concrete_subclasses``).
        image_field: the card image's foreign key, if any; the images and
            their renditions are loaded with the pages (no query per card).
        *prefetches: further ``prefetch_related`` lookups.
        **filters: lookups on the page types' own fields.

    Returns:
        Of the page type itself when there is one (one table, the image
        joined), else of specific pages through ``Page``: one more query per
        page type, whatever the number of pages.
    """
    lookups = list(prefetches)
    if image_field:
        lookups.insert(0, rendition_prefetch(f"{image_field}__renditions"))
    related = [image_field] if image_field else []
    if len(page_types) == 1:
        queryset = page_types[0].objects.filter(**filters)
        if related:
            queryset = queryset.select_related(*related)
        return queryset.prefetch_related(*lookups) if lookups else queryset
    queryset = Page.objects.type(*page_types).specific()
    if filters:
        queryset = queryset.filter(
            pk_in_any(page_types, lambda model: model.objects.filter(**filters))
        )
    if related:
        queryset = queryset.select_related(*related, for_specific_subqueries=True)
    if lookups:
        queryset = queryset.prefetch_related(*lookups, for_specific_subqueries=True)
    return queryset


def pk_in_any(models, queryset_of):
    """A ``Q``: the pk is among those of ``queryset_of(model)`` for one of ``models``."""
    return reduce(
        or_,
        (Q(pk__in=queryset_of(model).values("pk")) for model in models),
        Q(pk__in=[]),
    )


def listed_children(index_page, page_types, image_field, **filters):
    """The live, public children of ``index_page`` of ``page_types``, by title,
    without their StreamField bodies.

    Args:
        index_page: the parent page.
        page_types: concrete page models (see ``listed_page_types``).
        image_field: the card image's foreign key (see ``pages_of_types``).
        **filters: lookups on the page types' own fields.
    """
    queryset = pages_of_types(page_types, image_field, **filters)
    # Without the bodies: sorting a deep ``?page=`` by title otherwise copies
    # every article's body into the sort (cards never show the body).
    return (
        queryset.child_of(index_page)
        .live()
        .public()
        .defer_streamfields()
        .order_by("title")
    )


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


def loaded_foreign_keys(page, names):
    """The objects of ``page``'s foreign keys ``names`` that are loaded already.

    Keys the page's model does not have, empty ones and those not loaded
    yet are left out: reading them costs no query.
    """
    objects = []
    for name in names:
        try:
            field = page._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_cached(page) and getattr(page, name) is not None:
            objects.append(getattr(page, name))
    return objects


class AlsoKnownAsMixin:
    """Gives pages with an ``also_known_as`` field a list of alternate names."""

    @property
    def alternate_names(self):
        """``also_known_as`` as a list of names."""
        return [name.strip() for name in self.also_known_as.split(",") if name.strip()]


class ArticleContextMixin:
    """Prepares a StreamField body for rendering with a flat query count."""

    def get_context(self, request, *args, **kwargs):
        """Add ``outline`` and ``citations``; load the body's objects in bulk."""
        context = super().get_context(request, *args, **kwargs)
        # The chosen objects of all blocks, with the renditions of all their
        # images in one query; a chosen default clinic is the one the site's
        # settings hold already (they are cached on the request).
        # In the page's locale: the default clinic's translation stands in
        # for it in clinic blocks (no query when it is in that locale).
        site_settings = get_clinic_settings(request)
        default = site_settings.default_clinic if site_settings else None
        known_clinics = (
            {default.pk: localized_default_clinic(site_settings, self.locale_id)}
            if default is not None
            else {}
        )
        with loading_page_body(self, known_clinics) as loaded:
            # The page's own image (meta tags, JSON-LD, hero) with the rest,
            # when it is loaded and shown (not when the HTML built from it
            # is cached).
            if not body_left_out(self):
                defer_renditions(loaded_foreign_keys(self, ("image", "hero_image")))
            for _child in self.body:
                pass
        # Links to the pages the body chose cost no query.
        expand_rich_text_in(self.body, known_pages=loaded.pages, locale=self.locale_id)
        context["outline"] = outline(self.body)
        context["citations"] = collect_citations(self.body)
        return context


class AbstractClinicIndexPage(
    EdgeCacheMixin, StructuredDataMixin, HeadlessPreviewMixin, SitemapMixin, Page
):
    """An index page: an introduction above its children's cards, a page at a time.

    Subclasses define ``intro`` (a ``RichTextField``), name the context key of
    the paginated children (``children_context_name``) and say what is listed
    (``get_listed_pages``). The template gets the children under that key and
    as ``page_obj`` (see ``wagtail_clinic/index_base.html``).
    """

    #: The template context key of the Django ``Page`` of children.
    children_context_name = "page_obj"

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("structured_data", serializer=StructuredDataField()),
        APIField("translations", serializer=TranslationsField()),
    ]

    class Meta:
        abstract = True

    def route(self, request, path_components):
        """Wagtail's routing, a child of the one page type this index allows
        loaded in one query (its own model's) rather than two (the generic
        page, then its specific one): one query less for every article."""
        child_models = self.allowed_subpage_models()
        if path_components and len(child_models) == 1:
            model = child_models[0]
            child = model.objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                if child.specific_class is not model:  # A subclass's page.
                    child = child.specific
                # As Wagtail's route: get_parent() reuses this page.
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        # Another type of child (allowed before), or none: Wagtail's way.
        return super().route(request, path_components)

    def get_listed_pages(self):
        """The live, public pages this index lists (a queryset), unfiltered."""
        raise NotImplementedError

    def get_listing(self, request):
        """What to list for ``request``: ``(queryset, extra context)``.

        The default lists ``get_listed_pages()``; override to filter by the
        request's query (as the massage-type index does).
        """
        return self.get_listed_pages(), {}

    def paginate(self, request, queryset):
        """The ``?page=`` page of ``queryset``, ``INDEX_PAGE_SIZE`` items long
        (its ids sorted first, see ``IdsFirstPaginator``)."""
        paginator = IdsFirstPaginator(queryset, clinic_settings.INDEX_PAGE_SIZE)
        return paginator.get_page(request.GET.get("page"))

    def get_cached_paths(self):
        """``/`` and each ``?page=`` of the listing: what an edge cache may
        hold for this page (purged with it, see docs/deploy.md)."""
        paginator = Paginator(self.get_listed_pages(), clinic_settings.INDEX_PAGE_SIZE)
        pages = paginator.num_pages if paginator.num_pages > 1 else 0
        return ["/", *(f"/?page={number}" for number in range(1, pages + 1))]

    def get_context(self, request, *args, **kwargs):
        """Add the page of children (and the listing's extra context)."""
        context = super().get_context(request, *args, **kwargs)
        queryset, extra = self.get_listing(request)
        children = self.paginate(request, queryset)
        context.update(extra)
        context[self.children_context_name] = context["page_obj"] = children
        return context

    def structured_data_entities(self, ld, context=None):
        """A ``CollectionPage`` listing the children the page shows."""
        return index_entities(
            ld, context, self.children_context_name, self.get_listed_pages()
        )


class AbstractConditionIndexPage(AbstractClinicIndexPage):
    """Lists the condition articles below it."""

    intro = index_intro_field(
        _("A sentence or two shown above the list of conditions.")
    )

    children_context_name = "conditions"
    subpage_types = ["wagtail_clinic.ConditionPage"]

    class Meta:
        abstract = True

    def get_conditions(self):
        """The live, public condition articles below this page, by title.

        Of the child page types that are condition articles (subclasses of
        ``AbstractConditionPage``).
        """
        return listed_children(
            self, listed_page_types(self, AbstractConditionPage), "hero_image"
        )

    def get_listed_pages(self):
        """The condition articles (``get_conditions()``)."""
        return self.get_conditions()


class ConditionIndexPage(AbstractConditionIndexPage):
    """The section of the site that holds the condition articles."""

    template = "wagtail_clinic/pages/condition_index_page.html"

    class Meta:
        verbose_name = _("condition index page")
        verbose_name_plural = _("condition index pages")


class AbstractConditionPage(
    EdgeCacheMixin,
    StructuredDataMixin,
    SitemapMixin,
    ReviewDatesMixin,
    HeadlessPreviewMixin,
    AlsoKnownAsMixin,
    ArticleContextMixin,
    CommentsMixin,
    Page,
):
    """A health article about one condition, e.g. back pain."""

    #: The sitemap's ``lastmod`` is the later of publication and this review.
    sitemap_review_date_field = "last_reviewed"

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
            "Only if this page needs a different description than the image's "
            "own alt text (set in Images). Leave both blank if it is decorative."
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
        db_index=True,
        help_text=_("The date of the last clinical review."),
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the article should be checked again, usually a year later."),
    )
    unsourced_facts = models.PositiveIntegerField(
        _("unsourced key facts"),
        default=0,
        editable=False,
        db_index=True,
        help_text=_(
            "How many key facts of the saved body cite no source (kept by save())."
        ),
    )
    comments_enabled = models.BooleanField(
        _("allow reader comments"),
        default=False,
        help_text=_(
            "Show a comment form on this page. Comments also need to be allowed "
            "in Settings › Clinic settings."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("condition_name"), FieldPanel("also_known_as")]),
        FieldPanel("intro", widget=CountedTextarea),
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
        APIField("alternate_names", serializer=StringListField()),
        APIField("intro"),
        APIField(
            "hero_image", serializer=PageImageField("hero_image", "hero_image_alt")
        ),
        APIField("body"),
        APIField("outline", serializer=OutlineField(source="body")),
        APIField("reviewed_by", serializer=TherapistField()),
        APIField("last_reviewed"),
        APIField("next_review_due"),
        APIField("comments_enabled"),
        APIField("structured_data", serializer=StructuredDataField()),
        APIField("translations", serializer=TranslationsField()),
    ]

    parent_page_types = ["wagtail_clinic.ConditionIndexPage"]
    subpage_types = []

    #: Open Graph ``og:type`` (see ``clinic_page_meta``).
    open_graph_type = "article"

    class Meta:
        abstract = True

    def structured_data_entities(self, ld, context=None):
        """A ``MedicalWebPage`` about a ``MedicalCondition``, and its FAQ."""
        return condition_page_entities(ld)

    def clean(self):
        """Check the review dates and the reviewer."""
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

    def save(self, *args, **kwargs):
        """Save, keeping what the body says in columns the reports query.

        ``unsourced_facts`` (the medical review report's filter) and the
        massage types' ``conditions`` (the articles whose "Massage types"
        sections choose them) follow the body stored on the page row: the
        live content once published, as every public listing shows it.
        """
        update_fields = kwargs.get("update_fields")
        body_saved = update_fields is None or "body" in update_fields
        if body_saved:
            self.unsourced_facts = count_unsourced_facts(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "unsourced_facts"}
        result = super().save(*args, **kwargs)
        if body_saved:
            self.record_chosen_massage_types()
        return result

    def chosen_massage_type_ids(self):
        """Ids of the pages the body's "Massage types" sections choose (no query)."""
        return chosen_ids(self.body, MassageTypeChooserBlock, within=MassageTypesBlock)

    def record_chosen_massage_types(self):
        """Make this article one of the ``conditions`` of exactly the massage
        types its body chooses (one relation, entered once, in the article).

        A few queries per massage type model, whatever the size of the site;
        the massage types that gained or lost the article have their cached
        API values invalidated.
        """
        chosen = self.chosen_massage_type_ids()
        changed = set()
        for model in concrete_subclasses(AbstractMassageTypePage):
            field = model._meta.get_field("conditions")
            if not isinstance(self, field.related_model):
                continue
            through = field.remote_field.through
            source = f"{field.m2m_field_name()}_id"
            target = f"{field.m2m_reverse_field_name()}_id"
            wanted = set()
            if chosen:
                wanted = self._in_own_locale(model, chosen)
            rows = through.objects.filter(**{target: self.pk})
            existing = set(rows.values_list(source, flat=True))
            if existing - wanted:
                rows.filter(**{f"{source}__in": existing - wanted}).delete()
            if wanted - existing:
                through.objects.bulk_create(
                    [
                        through(**{source: pk, target: self.pk})
                        for pk in wanted - existing
                    ]
                )
            changed |= existing ^ wanted
        if changed:
            invalidate_pages(page_ids=changed)
            schedule_refresh(changed)

    def _in_own_locale(self, model, pks):
        """Pks of the pages of ``model`` among ``pks``, each replaced by its
        translation in this article's locale where there is one: a French
        article that chose the English massage type is one of the conditions
        of the French massage type, never of the English one. One query when
        the chosen pages are in the article's locale, else two.
        """
        chosen = model.objects.filter(pk__in=pks).values_list(
            "pk", "translation_key", "locale_id"
        )
        others = {key for _pk, key, locale in chosen if locale != self.locale_id}
        translated = {}
        if others:
            translated = dict(
                model.objects.filter(
                    translation_key__in=others, locale_id=self.locale_id
                ).values_list("translation_key", "pk")
            )
        return {translated.get(key, pk) for pk, key, _locale in chosen}


class ConditionPage(AbstractConditionPage):
    """A condition article, e.g. "Relief from pain in the back"."""

    template = "wagtail_clinic/pages/condition_page.html"

    class Meta:
        verbose_name = _("condition article")
        verbose_name_plural = _("condition articles")
        indexes = [
            # Everything the review counts and filters read (review.status):
            # the dashboard's counts scan this index, not the rows, whose
            # bodies are inline on SQLite (9 ms for 5,000 articles, 1 ms so).
            models.Index(
                fields=["last_reviewed", "next_review_due", "unsourced_facts"],
                name="clinic_condition_review",
            ),
        ]


class AbstractMassageTypeIndexPage(AbstractClinicIndexPage):
    """Lists its massage types as cards, optionally filtered by condition."""

    intro = index_intro_field(_("A sentence or two shown above the massage types."))

    children_context_name = "massage_types"
    subpage_types = ["wagtail_clinic.MassageTypePage"]

    class Meta:
        abstract = True

    def _massage_type_models(self):
        return listed_page_types(self, AbstractMassageTypePage)

    def get_massage_types(self, condition=None):
        """The live, public massage types below this page, optionally for a condition.

        Of the child page types that are massage types (subclasses of
        ``AbstractMassageTypePage``).
        """
        filters = {"conditions": condition} if condition is not None else {}
        return listed_children(self, self._massage_type_models(), "image", **filters)

    def get_listed_pages(self):
        """All the massage types (``get_massage_types()``)."""
        return self.get_massage_types()

    def summarise_conditions(self, limit=FILTER_CONDITIONS, private=None):
        """``(count, ids)``: how many live, public conditions of this page's
        site the massage types here help, and the ``limit`` that most of them
        help, by title.

        What ``ConditionsSummary`` stores for the filter: run when they
        change, not when shown (two queries per massage type model, over
        every article that chose them, and the view restrictions unless
        ``private``, Wagtail's ``private_q()``, is given).
        """
        models = self._massage_type_models()
        if not models:
            return 0, []
        condition_model = models[0]._meta.get_field("conditions").related_model
        if private is None:
            private = condition_model.objects.private_q()
        visible = condition_model.objects.live_q() & ~private & page_site_trees_q(self)
        helped = Counter()
        count = 0
        for model in models:
            through, source, target = conditions_table(model)
            rows = through.objects.filter(
                prefixed_q(visible, f"{target}__"),
                **{f"{source}__in": model.objects.child_of(self).values("pk")},
            )
            count += rows.values(target).distinct().count()
            ranked = (
                rows.values(target)
                .annotate(helped=Count(source))
                .order_by("-helped", f"{target}__title", target)[:limit]
            )
            for row in ranked:
                helped[row[target]] += row["helped"]
        return count, [pk for pk, _ in helped.most_common(limit)]

    def get_condition_choices(self, limit=FILTER_CONDITIONS):
        """The live, public conditions that the most massage types here help.

        At most ``limit`` of them (the filter's ``<select>`` stays the same
        size whatever the number of articles), by title: those of the
        stored ``ConditionsSummary`` that are still live and public (one
        query for the summary, one for the view restrictions, one for the
        pages); ``get_listing`` still accepts any condition.
        """
        models = self._massage_type_models()
        if not models:
            return Page.objects.none()
        condition_model = models[0]._meta.get_field("conditions").related_model
        chosen = ConditionsSummary.of([self])[self.pk].condition_ids[:limit]
        return (
            condition_model.objects.live()
            .public()
            .filter(pk__in=chosen)
            .order_by("title", "pk")
            .only("pk", "title", "slug", "condition_name")
        )

    def get_cached_paths(self):
        """Also the list filtered by each condition of the filter
        (``?condition=<slug>``): at most ``FILTER_CONDITIONS`` of them."""
        return [
            *super().get_cached_paths(),
            *(f"/?condition={c.slug}" for c in self.get_condition_choices()),
        ]

    def get_listing(self, request):
        """The massage types for ``?condition=`` (any live, public condition's
        slug, offered by the filter or not), and the filter."""
        choices = list(self.get_condition_choices())
        slug = request.GET.get("condition", "")
        condition = next((c for c in choices if c.slug == slug), None)
        models = self._massage_type_models()
        if slug and condition is None and models:
            condition_model = models[0]._meta.get_field("conditions").related_model
            condition = (
                condition_model.objects.live()
                .public()
                .filter(slug=slug)
                .order_by("pk")
                .only("pk", "title", "slug", "condition_name")
                .first()
            )
            if condition is not None:
                choices = sorted([*choices, condition], key=lambda c: c.title)
        return self.get_massage_types(condition), {
            "condition_choices": choices,
            "selected_condition": condition,
            "unknown_condition": bool(slug) and condition is None,
        }


class MassageTypeIndexPage(AbstractMassageTypeIndexPage):
    """The section of the site that lists the clinic's massage types."""

    template = "wagtail_clinic/pages/massage_type_index_page.html"

    class Meta:
        verbose_name = _("massage type index page")
        verbose_name_plural = _("massage type index pages")


class AbstractMassageTypePage(
    EdgeCacheMixin,
    StructuredDataMixin,
    SitemapMixin,
    HeadlessPreviewMixin,
    AlsoKnownAsMixin,
    ArticleContextMixin,
    CommentsMixin,
    Page,
):
    """One kind of massage the clinic offers, e.g. sports massage."""

    #: Derived from the articles of the translation's own locale (see
    #: ``AbstractConditionPage.record_chosen_massage_types``), never copied.
    exclude_fields_in_copy = ["conditions"]

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
        help_text=_(
            "Only if this page needs a different description than the image's "
            "own alt text (set in Images). Leave both blank if it is decorative."
        ),
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
    conditions = models.ManyToManyField(
        "wagtail_clinic.ConditionPage",
        verbose_name=_("conditions it helps"),
        blank=True,
        editable=False,
        related_name="+",
        help_text=_(
            "The condition articles whose 'Massage types' sections choose this "
            "massage type; kept by the articles' save() (see "
            "AbstractConditionPage.record_chosen_massage_types)."
        ),
    )
    comments_enabled = models.BooleanField(
        _("allow reader comments"),
        default=False,
        help_text=_(
            "Show a comment form on this page. Comments also need to be allowed "
            "in Settings › Clinic settings."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary", widget=CountedTextarea),
        FieldPanel("also_known_as"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")
        ),
        FieldPanel("body"),
    ]
    details_panels = [
        FieldPanel("session_lengths"),
        ChoosingArticlesPanel(),
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
        APIField("alternate_names", serializer=StringListField()),
        APIField("image", serializer=PageImageField("image", "image_alt")),
        APIField("body"),
        APIField("outline", serializer=OutlineField(source="body")),
        APIField(
            "session_lengths",
            serializer=IntegerListField(source="session_lengths_list"),
        ),
        APIField("conditions", serializer=ConditionLinksField()),
        APIField("comments_enabled"),
        APIField("structured_data", serializer=StructuredDataField()),
        APIField("translations", serializer=TranslationsField()),
    ]

    parent_page_types = ["wagtail_clinic.MassageTypeIndexPage"]
    subpage_types = []

    #: Open Graph ``og:type`` (see ``clinic_page_meta``).
    open_graph_type = "article"
    #: Marks massage-type pages for code that may not import this module
    #: (e.g. ``blocks.booking.massage_type_of``).
    is_massage_type_page = True

    class Meta:
        abstract = True

    def structured_data_entities(self, ld, context=None):
        """A ``WebPage`` about a ``MedicalTherapy``, and its FAQ."""
        return massage_type_page_entities(ld)

    def clean(self):
        """Check and normalise the session lengths."""
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

    def summarise_conditions(self, limit=EMBEDDED_CONDITIONS, private=None):
        """``(count, ids)``: how many live, public conditions of this page's
        site and locale it helps, and the first ``limit`` of them by title.

        What ``ConditionsSummary`` stores: run when they change, not when
        shown (two queries, over every article that chose this massage
        type, and the view restrictions unless ``private``, Wagtail's
        ``private_q()``, is given).
        """
        through, source, target = conditions_table(type(self))
        condition_model = type(self)._meta.get_field("conditions").related_model
        if private is None:
            private = condition_model.objects.private_q()
        visible = (
            condition_model.objects.live_q()
            & ~private
            & Q(locale_id=self.locale_id)
            & page_site_trees_q(self)
        )
        rows = through.objects.filter(
            prefixed_q(visible, f"{target}__"), **{source: self.pk}
        )
        first = rows.order_by(f"{target}__title", target).values_list(target, flat=True)
        return rows.count(), list(first[:limit])


class MassageTypePage(AbstractMassageTypePage):
    """A massage type, e.g. "Deep tissue massage"."""

    template = "wagtail_clinic/pages/massage_type_page.html"

    class Meta:
        verbose_name = _("massage type")
        verbose_name_plural = _("massage types")
