"""Appointment requests: storing, rate limiting, notifying, exporting, admin.

The model and page type are in ``wagtail_clinic.models.appointments``, the
form in ``wagtail_clinic.forms`` and the JSON endpoint in
``wagtail_clinic.api.appointments``.
"""
