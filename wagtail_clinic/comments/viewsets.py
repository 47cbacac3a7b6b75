"""The "Comments" moderation queue in the Wagtail admin (layer 5).

A plain ``ModelViewSet`` (comments are not content to choose or publish),
shown only to users with "Can moderate reader comments" (see
``permissions``). The listing filters by status, page and date and carries
bulk actions (``bulk_actions``): approve, reject, mark as spam, delete. One
comment can be inspected (with the commenter's email address, for
moderators only), have its status edited, or be deleted.
"""

import django_filters

from django import forms
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from wagtail_clinic.comments.models import CommentStatus, ReaderComment


EXCERPT_LENGTH = 120


def pages_with_comments(request=None):
    """The pages that have at least one comment, by title (filter choices)."""
    return Page.objects.filter(pk__in=ReaderComment.objects.values("page_id")).order_by(
        "title", "pk"
    )


class ReaderCommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CommentStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    page = django_filters.ModelChoiceFilter(
        label=_("Page"), queryset=pages_with_comments
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget
    )

    class Meta:
        model = ReaderComment
        fields = ["status", "page", "created_at"]


def comment_excerpt(comment):
    """The start of a comment, as plain text (escaped by the listing)."""
    return Truncator(" ".join(comment.body.split())).chars(EXCERPT_LENGTH)


class ReaderCommentIndexView(IndexView):
    template_name = "wagtail_clinic/admin/comments/index.html"

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="comment"),
            self._get_title_column(
                "author_name",
                get_title_id=lambda instance: f"comment_{instance.pk}_title",
            ),
            Column("excerpt", label=_("Comment"), accessor=comment_excerpt),
            Column("page", label=_("Page"), accessor="page.title"),
            Column(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
            ),
            DateColumn("created_at", label=_("Received"), sort_key="created_at"),
        ]


class ReaderCommentInspectView(InspectView):
    def get_body_display_value(self):
        return self.object.body

    def get_page_display_value(self):
        return self.object.page.title

    def get_parent_display_value(self):
        parent = self.object.parent
        return str(parent) if parent is not None else "-"


class ReaderCommentEditView(EditView):
    def save_instance(self):
        self.form.instance.moderated_at = timezone.now()
        self.form.instance.moderated_by = self.request.user
        return super().save_instance()


class ReaderCommentViewSet(ModelViewSet):
    model = ReaderComment
    name = "clinic_comments"
    url_prefix = "clinic/comments"
    icon = "comment"
    menu_label = _("Comments")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ReaderCommentIndexView
    inspect_view_class = ReaderCommentInspectView
    edit_view_class = ReaderCommentEditView
    filterset_class = ReaderCommentFilterSet
    form_fields = ["status"]
    search_fields = ["author_name", "body"]
    inspect_view_fields = [
        "page",
        "parent",
        "status",
        "created_at",
        "source",
        "author_name",
        "email",
        "body",
        "moderated_at",
        "moderated_by",
    ]

    def get_queryset(self, request):
        return ReaderComment.objects.select_related("page")

    def get_common_view_kwargs(self, **kwargs):
        # Readers add comments; there is nothing to copy, and no history or
        # usage views to link to.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "copy_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        pk = f"<{self.pk_path_converter}:pk>"
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/{pk}/", self.inspect_view, name="inspect"),
            path(f"edit/{pk}/", self.edit_view, name="edit"),
            path(f"delete/{pk}/", self.delete_view, name="delete"),
        ]
