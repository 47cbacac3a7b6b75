"""Models of wagtail-clinic.

Split into submodules for maintainability; import public names from
``wagtail_clinic.models``.
"""

from wagtail_clinic.booking.models import AppointmentRequest
from wagtail_clinic.booking.pages import (
    AbstractAppointmentRequestPage,
    AppointmentRequestPage,
)
from wagtail_clinic.comments.models import CommentSource, CommentStatus, ReaderComment
from wagtail_clinic.preview.models import PagePreview
from wagtail_clinic.review.models import ClinicalReviewTask
from wagtail_clinic.webhooks.models import WebhookDelivery

from .imports import WordPressImage, WordPressImport
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
from .settings import ClinicSettings
from .snippets import Clinic, OpeningHours, Therapist


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
    "CommentSource",
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
    "WordPressImage",
    "WordPressImport",
]
