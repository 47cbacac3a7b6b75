"""Deprecated: moved to ``wagtail_clinic.booking.notifications`` (removed in 0.2).

Kept so that tasks queued under the old path
(``wagtail_clinic.appointments.notifications.notify_clinic``) still run.
"""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.booking import notifications


__all__ = ["notification_recipients", "notify_clinic"]  # noqa: F822 (see __getattr__)

__getattr__ = forward(__name__, notifications, __all__)
