"""Medical review: review dates, review status and unsourced key facts (layer 4b).

Plain functions and a model mixin, with no admin imports, so the page models
can use them. The admin side (the report, the dashboard panel) lives in
``review.views``; the workflow task in ``review.models``.
"""

import calendar
import datetime

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from wagtail_clinic.conf import clinic_settings


class ReviewStatus:
    """The review states of an article, as stored in filters and exports."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NEVER_REVIEWED = "never_reviewed"
    CURRENT = "current"

    LABELS = {
        OVERDUE: _("Overdue"),
        DUE_SOON: _("Due soon"),
        NEVER_REVIEWED: _("Never reviewed"),
        CURRENT: _("Up to date"),
    }


def add_months(date, months):
    """``date`` moved by a whole number of months, clamped to the month's end.

    ``add_months(date(2024, 1, 31), 1)`` is 29 February 2024; negative
    ``months`` go back in time.
    """
    month_index = date.month - 1 + months
    year = date.year + month_index // 12
    month = month_index % 12 + 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return date.replace(year=year, month=month, day=day)


def review_interval_months():
    """``WAGTAIL_CLINIC["REVIEW_INTERVAL_MONTHS"]``: months between reviews."""
    return int(clinic_settings.REVIEW_INTERVAL_MONTHS)


def next_review_date(last_reviewed):
    """The default next review date after a review on ``last_reviewed``."""
    return add_months(last_reviewed, review_interval_months())


def due_soon_date(today=None):
    """The last day that counts as "due soon" (today plus the warning window)."""
    today = today or datetime.date.today()
    return today + datetime.timedelta(days=int(clinic_settings.REVIEW_DUE_SOON_DAYS))


def effective_due_date(page):
    """When ``page`` is due for review: its own date, else one interval after the last.

    None for an article that was never reviewed.
    """
    if page.next_review_due:
        return page.next_review_due
    if page.last_reviewed:
        return next_review_date(page.last_reviewed)
    return None


def review_status(page, today=None):
    """The ``ReviewStatus`` value of ``page`` on ``today``."""
    today = today or datetime.date.today()
    due = effective_due_date(page)
    if page.last_reviewed is None or due is None:
        return ReviewStatus.NEVER_REVIEWED
    if due < today:
        return ReviewStatus.OVERDUE
    if due <= due_soon_date(today):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT


def status_q(status, today=None):
    """A ``Q`` selecting the pages whose review status is ``status``.

    Pages reviewed before ``next_review_due`` was filled in automatically have
    only ``last_reviewed``; they are due one interval after it.
    """
    today = today or datetime.date.today()
    months = review_interval_months()
    soon = due_soon_date(today)
    # "last_reviewed + interval < day" is "last_reviewed < day - interval".
    no_due_date = Q(next_review_due__isnull=True, last_reviewed__isnull=False)
    if status == ReviewStatus.NEVER_REVIEWED:
        return Q(last_reviewed__isnull=True)
    if status == ReviewStatus.OVERDUE:
        return Q(last_reviewed__isnull=False) & (
            Q(next_review_due__lt=today)
            | (no_due_date & Q(last_reviewed__lt=add_months(today, -months)))
        )
    if status == ReviewStatus.DUE_SOON:
        return Q(last_reviewed__isnull=False) & (
            Q(next_review_due__gte=today, next_review_due__lte=soon)
            | (
                no_due_date
                & Q(
                    last_reviewed__gte=add_months(today, -months),
                    last_reviewed__lte=add_months(soon, -months),
                )
            )
        )
    if status == ReviewStatus.CURRENT:
        return ~(
            status_q(ReviewStatus.NEVER_REVIEWED, today)
            | status_q(ReviewStatus.OVERDUE, today)
            | status_q(ReviewStatus.DUE_SOON, today)
        )
    raise ValueError(f"Unknown review status: {status!r}")


def needs_review_q(today=None):
    """A ``Q`` for pages that are overdue, due soon or were never reviewed."""
    return (
        status_q(ReviewStatus.OVERDUE, today)
        | status_q(ReviewStatus.DUE_SOON, today)
        | status_q(ReviewStatus.NEVER_REVIEWED, today)
    )


# --- Unsourced key facts -------------------------------------------------------


def _raw_blocks(stream_value):
    """The raw ``{"type", "value"}`` dicts of a stream, without converting them."""
    raw = getattr(stream_value, "raw_data", None)
    return list(raw) if raw is not None else []


def is_unsourced_fact(value):
    """Whether a key fact's (raw or StructValue) value names no source."""
    return not (value.get("source_title") or value.get("source_url"))


def count_unsourced_facts(stream_value):
    """How many ``key_fact`` blocks of ``stream_value`` cite no source.

    Reads the raw stream data, so it costs no query and converts no block.
    """
    return sum(
        1
        for block in _raw_blocks(stream_value)
        if block and block.get("type") == "key_fact"
        if is_unsourced_fact(block.get("value") or {})
    )


def unsourced_fact_counts(queryset, field="body"):
    """``{pk: count}`` of the pages in ``queryset`` that have unsourced key facts.

    One query. Only the bodies that mention a key fact at all are loaded: the
    JSON is searched as text first (a cheap, database-neutral pre-filter that
    may let through false positives, which the count then drops).
    """
    rows = (
        queryset.order_by()
        .annotate(_body_text=Cast(field, TextField()))
        .filter(_body_text__contains='"key_fact"')
        .values_list("pk", field)
    )
    counts = {}
    for pk, body in rows:
        count = count_unsourced_facts(body)
        if count:
            counts[pk] = count
    return counts


# --- The page mixin ---------------------------------------------------------------


class ReviewDatesMixin:
    """Fills in ``next_review_due`` from ``last_reviewed`` when it is left blank.

    For pages with ``last_reviewed`` and ``next_review_due`` date fields. The
    date is filled in by ``clean()`` (so the editor sees it after saving) and
    by ``save()`` (for pages saved in code).
    """

    def fill_review_dates(self):
        """Set a blank ``next_review_due``; return whether it was changed."""
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = next_review_date(self.last_reviewed)
            return True
        return False

    @property
    def review_status(self):
        """This page's ``ReviewStatus`` value today."""
        return review_status(self)

    @property
    def review_due_date(self):
        """The date the next review is due, or None if it was never reviewed."""
        return effective_due_date(self)

    def clean(self):
        """Fill in ``next_review_due`` before the page's own checks."""
        self.fill_review_dates()
        super().clean()

    def save(self, *args, **kwargs):
        """Fill in ``next_review_due``.

        With ``update_fields``, only when ``last_reviewed`` is among them:
        Wagtail's ``save_revision`` saves the live row with a few bookkeeping
        fields while the instance holds the draft, whose review date must
        not reach the live page.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.fill_review_dates()
        elif "last_reviewed" in update_fields and self.fill_review_dates():
            kwargs["update_fields"] = {*update_fields, "next_review_due"}
        return super().save(*args, **kwargs)
