"""Medical review: review dates and status, the workflow task, the report (layer 4b).

* ``status``: review dates, review status, unsourced key facts and
  ``ReviewDatesMixin`` (re-exported here);
* ``models``: ``ClinicalReviewTask``, the clinical review workflow task;
* ``views``: the Reports › Medical review report and the dashboard panel;
* ``hooks``: their Wagtail hook registrations.
"""

from wagtail_clinic.review.status import (
    ReviewDatesMixin,
    ReviewStatus,
    add_months,
    count_unsourced_facts,
    due_soon_date,
    effective_due_date,
    is_unsourced_fact,
    needs_review_q,
    next_review_date,
    review_interval_months,
    review_status,
    status_q,
    unsourced_fact_counts,
)


__all__ = [
    "ReviewDatesMixin",
    "ReviewStatus",
    "add_months",
    "count_unsourced_facts",
    "due_soon_date",
    "effective_due_date",
    "is_unsourced_fact",
    "needs_review_q",
    "next_review_date",
    "review_interval_months",
    "review_status",
    "status_q",
    "unsourced_fact_counts",
]
