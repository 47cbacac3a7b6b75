"""Deprecated package (removed in 0.2): appointment requests are ``wagtail_clinic.booking``.

Only ``appointments.notifications`` is left, a shim: its path
``wagtail_clinic.appointments.notifications.notify_clinic`` may still be
stored in queued tasks, and docs/booking.md named it.
"""
