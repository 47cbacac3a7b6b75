"""Models of wagtail-clinic.

Split into submodules for maintainability; import public names from
``wagtail_clinic.models``.
"""

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
    "AbstractConditionIndexPage",
    "AbstractConditionPage",
    "AbstractMassageTypeIndexPage",
    "AbstractMassageTypePage",
    "Clinic",
    "ClinicSettings",
    "ConditionIndexPage",
    "ConditionPage",
    "MassageTypeIndexPage",
    "MassageTypePage",
    "OpeningHours",
    "Therapist",
]
