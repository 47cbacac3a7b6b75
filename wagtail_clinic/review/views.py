"""Admin views of the medical review: the report and the dashboard panel (layer 5).

* Reports › Medical review lists the condition articles that are overdue for
  review, due within ``WAGTAIL_CLINIC["REVIEW_DUE_SOON_DAYS"]`` days or never
  reviewed, and those with key facts that cite no source, with CSV and XLSX
  export. Users see the articles they can edit.
* A dashboard panel sums these up with a link to the report.

Both cover every concrete subclass of ``AbstractConditionPage`` (a host's
own condition articles too). With one such model they query it directly;
with several, specific pages through ``Page``, annotated with the review
dates (so the status filters and the ordering work across the types).

``review.hooks`` registers them.
"""

import django_filters

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import (
    Column,
    LiveStatusTagColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from wagtail_clinic.models.pages import (
    AbstractConditionPage,
    ConditionPage,
    concrete_subclasses,
    pk_in_any,
)
from wagtail_clinic.models.snippets import Therapist
from wagtail_clinic.review.status import ReviewStatus, needs_review_q, status_q


#: The status filter's extra choice: articles with unsourced key facts.
UNSOURCED = "unsourced"

REPORT_URL_NAME = "wagtail_clinic_medical_review"
REPORT_RESULTS_URL_NAME = "wagtail_clinic_medical_review_results"


def user_can_see_review_report(user):
    """Whether ``user`` may edit pages at all (and so see the report and panel)."""
    return PagePermissionPolicy().user_has_any_permission(
        user, ["add", "change", "publish"]
    )


#: The review fields every queryset of the report can filter and order on.
REVIEW_DATE_FIELDS = ("last_reviewed", "next_review_due")

#: Every column of the condition models the report and the panel query:
#: the review dates and ``unsourced_facts`` (kept by the pages' ``save()``).
REVIEW_FIELDS = (*REVIEW_DATE_FIELDS, "unsourced_facts")


def condition_types():
    """The concrete condition article models (``AbstractConditionPage``'s)."""
    return concrete_subclasses(AbstractConditionPage)


def reviewable_pages(user):
    """The condition articles ``user`` can edit or publish.

    Of the one condition model, or specific pages of all of them with
    ``REVIEW_FIELDS`` annotated from their own tables, so the status and
    "unsourced" filters, the counts and the ordering are the same queries
    whatever the models.
    """
    models = condition_types()
    if len(models) == 1:
        policy = PagePermissionPolicy(models[0])
        return policy.instances_user_has_any_permission_for(user, {"change", "publish"})
    pages = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, {"change", "publish"}
    )
    columns = {
        name: Coalesce(
            *(
                Subquery(model.objects.filter(pk=OuterRef("pk")).values(name)[:1])
                for model in models
            )
        )
        for name in REVIEW_FIELDS
    }
    return pages.type(*models).annotate(**columns).specific()


def review_counts(pages):
    """How many of ``pages`` are in each review state, and how many cite no
    source: one aggregate query (over the condition model's review index,
    ``clinic_condition_review``, when ``pages`` are of that one model)."""
    return pages.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=status_q(ReviewStatus.OVERDUE)),
        due_soon=Count("pk", filter=status_q(ReviewStatus.DUE_SOON)),
        never_reviewed=Count("pk", filter=status_q(ReviewStatus.NEVER_REVIEWED)),
        unsourced=Count("pk", filter=unsourced_q()),
    )


def with_reviewers(queryset):
    """``queryset`` with each article's reviewer loaded by the same query."""
    if queryset.model is Page:
        return queryset.select_related("reviewed_by", for_specific_subqueries=True)
    return queryset.select_related("reviewed_by")


def unsourced_q():
    """A ``Q`` for articles with key facts that cite no source (an indexed column)."""
    return Q(unsourced_facts__gt=0)


class ReviewStatusFilter(django_filters.ChoiceFilter):
    """Filters by review status, or to articles with unsourced key facts."""

    def filter(self, qs, value):
        """``qs`` narrowed to the chosen status (or unsourced facts)."""
        if not value:
            return qs
        if value == UNSOURCED:
            return qs.filter(unsourced_q())
        return qs.filter(status_q(value))


class ReviewerFilter(django_filters.ModelChoiceFilter):
    """Filters by reviewer, on each condition model's ``reviewed_by``."""

    def filter(self, qs, value):
        """``qs`` narrowed to the articles ``value`` reviewed."""
        if qs.model is not Page or value in EMPTY_VALUES:
            return super().filter(qs, value)
        return qs.filter(
            pk_in_any(
                condition_types(), lambda model: model.objects.filter(reviewed_by=value)
            )
        )


class MedicalReviewFilterSet(WagtailFilterSet):
    """The report's filters: review status, reviewer and live status."""

    status = ReviewStatusFilter(
        label=_("Review"),
        choices=[
            (ReviewStatus.OVERDUE, ReviewStatus.LABELS[ReviewStatus.OVERDUE]),
            (ReviewStatus.DUE_SOON, ReviewStatus.LABELS[ReviewStatus.DUE_SOON]),
            (
                ReviewStatus.NEVER_REVIEWED,
                ReviewStatus.LABELS[ReviewStatus.NEVER_REVIEWED],
            ),
            (UNSOURCED, _("Has unsourced facts")),
        ],
        empty_label=_("All"),
    )
    reviewed_by = ReviewerFilter(
        label=_("Reviewer"),
        queryset=lambda request: Therapist.objects.all(),
        empty_label=_("All"),
    )

    class Meta:
        model = ConditionPage
        fields = ["status", "reviewed_by", "live"]


class ReviewDateColumn(Column):
    """A date, formatted for reading; empty when there is none."""

    def get_value(self, instance):
        """The date in ``DATE_FORMAT``, or ""."""
        value = super().get_value(instance)
        return date_format(value, "DATE_FORMAT") if value else ""


class MedicalReviewReportView(ReportView):
    """Condition articles that need a clinical review, or cite no source for a fact."""

    page_title = _("Medical review")
    header_icon = "clipboard-list"
    index_url_name = REPORT_URL_NAME
    index_results_url_name = REPORT_RESULTS_URL_NAME
    filterset_class = MedicalReviewFilterSet
    any_permission_required = ["add", "change", "publish"]
    default_ordering = "next_review_due"
    export_filename = "medical-review"
    verbose_name = _("condition article")
    verbose_name_plural = _("condition articles")
    columns = [
        TitleColumn(
            "title",
            label=_("Article"),
            sort_key="title",
            get_url=lambda page: reverse("wagtailadmin_pages:edit", args=[page.pk]),
        ),
        StatusTagColumn(
            "review_status_label",
            label=_("Review"),
            primary=lambda page: page.review_status == ReviewStatus.OVERDUE,
        ),
        ReviewDateColumn(
            "review_due_date", label=_("Next review due"), sort_key="next_review_due"
        ),
        ReviewDateColumn(
            "last_reviewed", label=_("Last reviewed"), sort_key="last_reviewed"
        ),
        Column("reviewer_name", label=_("Reviewer")),
        Column("unsourced_facts", label=_("Unsourced facts")),
        LiveStatusTagColumn(),
    ]
    list_export = [
        "title",
        "full_url",
        "review_status_label",
        "review_due_date",
        "last_reviewed",
        "reviewer_name",
        "unsourced_facts",
        "status_string",
    ]
    export_headings = {
        "title": _("Article"),
        "full_url": _("URL"),
        "review_status_label": _("Review"),
        "review_due_date": _("Next review due"),
        "last_reviewed": _("Last reviewed"),
        "reviewer_name": _("Reviewer"),
        "unsourced_facts": _("Unsourced facts"),
        "status_string": _("Status"),
    }

    @cached_property
    def permission_policy(self):
        """Page permissions: the report lists pages."""
        # The report lists pages: check the page permissions.
        return PagePermissionPolicy()

    def get_base_queryset(self):
        """The user's articles that need a review or cite no source.

        Filtered, counted and paginated by the database: the columns it
        reads (the review dates, ``unsourced_facts``) are indexed, and only
        the rows of the current page are loaded (without their bodies),
        with their reviewers and their workflow states (the live status
        column).
        """
        pages = reviewable_pages(self.request.user).filter(
            needs_review_q() | unsourced_q()
        )
        return (
            with_reviewers(pages)
            .defer_streamfields()
            .annotate_approved_schedule()
            .prefetch_workflow_states()
        )

    def order_queryset(self, queryset):
        """By due date: never-reviewed first, then the most overdue; the
        oldest article first among those due the same day."""
        ordering = self.ordering
        if ordering in ("next_review_due", "-next_review_due"):
            # Never-reviewed articles (no date) first, then the most overdue.
            # Ties by page id, not title: the due date index (which ends in
            # the row id) then gives the first page of the report in order,
            # without sorting every never-reviewed article.
            due = F("next_review_due")
            order = (
                due.asc(nulls_first=True)
                if ordering == "next_review_due"
                else due.desc(nulls_last=True)
            )
            return queryset.order_by(order, "pk")
        return super().order_queryset(queryset)

    def decorate_paginated_queryset(self, object_list):
        """Add the status label and the reviewer name (``unsourced_facts`` is a column)."""
        pages = list(object_list)
        for page in pages:
            # review_status and review_due_date are properties of the page.
            page.review_status_label = ReviewStatus.LABELS[page.review_status]
            page.reviewer_name = (
                page.reviewed_by.display_name if page.reviewed_by else ""
            )
        return pages


class MedicalReviewMenuItem(MenuItem):
    """Reports › Medical review, shown to users who can edit pages."""

    def is_shown(self, request):
        """Whether the user may edit pages."""
        return user_can_see_review_report(request.user)


class MedicalReviewPanel(Component):
    """Dashboard panel: how many articles are overdue, due soon or unsourced."""

    name = "wagtail_clinic_medical_review"
    template_name = "wagtail_clinic/admin/medical_review_panel.html"
    order = 200

    def __init__(self, user):
        self.user = user

    def get_counts(self):
        """How many of the user's articles are in each state (``review_counts``)."""
        return review_counts(reviewable_pages(self.user))

    def get_context_data(self, parent_context):
        """The counts and the report links."""
        counts = self.get_counts()
        report_url = reverse(REPORT_URL_NAME)
        return {
            "counts": counts,
            "needs_attention": any(
                counts[key]
                for key in ("overdue", "due_soon", "never_reviewed", "unsourced")
            ),
            "report_url": report_url,
            "status_urls": {
                key: f"{report_url}?status={key}"
                for key in (
                    ReviewStatus.OVERDUE,
                    ReviewStatus.DUE_SOON,
                    ReviewStatus.NEVER_REVIEWED,
                    UNSOURCED,
                )
            },
        }

    def render_html(self, parent_context=None):
        """The panel, or "" when there are no articles."""
        context = self.get_context_data(parent_context)
        if not context["counts"]["total"]:
            return ""  # No condition articles to review.
        return render_to_string(self.template_name, context)


# --- Hook functions (registered in review.hooks) --------------------------------


def register_admin_urls():
    """The report's admin URLs (``register_admin_urls`` hook)."""
    return [
        path(
            "reports/medical-review/",
            MedicalReviewReportView.as_view(),
            name=REPORT_URL_NAME,
        ),
        path(
            "reports/medical-review/results/",
            MedicalReviewReportView.as_view(results_only=True),
            name=REPORT_RESULTS_URL_NAME,
        ),
    ]


def register_reports_menu_item():
    """Reports › Medical review (``register_reports_menu_item`` hook)."""
    return MedicalReviewMenuItem(
        _("Medical review"),
        reverse(REPORT_URL_NAME),
        name="medical-review",
        icon_name=MedicalReviewReportView.header_icon,
        order=1150,
    )


def construct_homepage_panels(request, panels):
    """Add the dashboard panel for users who can edit pages."""
    if user_can_see_review_report(request.user):
        panels.append(MedicalReviewPanel(request.user))
