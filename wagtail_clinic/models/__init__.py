"""Models of wagtail-clinic.

Split into submodules for maintainability; import public names from
``wagtail_clinic.models``.
"""

from .appointments import (
    AbstractAppointmentRequestPage,
    AppointmentRequest,
    AppointmentRequestPage,
)
from .comments import CommentStatus, ReaderComment
from .pages import (
    AbstractConditionIndexPage,
    AbstractConditionPage,
    AbstractMassageTypeIndexPage,
    AbstractMassageTypePage,
    ConditionIndexPage,
    ConditionPage,
    MassageTypeIndexPage,
    MassageTypePage,
)
from .previews import PagePreview
from .review import ClinicalReviewTask
from .settings import ClinicSettings
from .snippets import Clinic, OpeningHours, Therapist
from .webhooks import WebhookDelivery


__all__ = [
    "AbstractAppointmentRequestPage",
    "AbstractConditionIndexPage",
    "AbstractConditionPage",
    "AbstractMassageTypeIndexPage",
    "AbstractMassageTypePage",
    "AppointmentRequest",
    "AppointmentRequestPage",
    "Clinic",
    "ClinicalReviewTask",
    "ClinicSettings",
    "CommentStatus",
    "ConditionIndexPage",
    "ConditionPage",
    "MassageTypeIndexPage",
    "MassageTypePage",
    "OpeningHours",
    "PagePreview",
    "ReaderComment",
    "Therapist",
    "WebhookDelivery",
]
