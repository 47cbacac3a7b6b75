"""Appointment booking: the request form page, the requests, their admin and API.

Light on purpose: this package's ``__init__`` imports only the booking link
helpers of ``wagtail_clinic.blocks.booking`` (layer 3), re-exported here as
the same objects (migration 0004 names
``wagtail_clinic.booking.validate_booking_url_template``). Import the
rest from its module:

* ``models`` (layer 4a): ``AppointmentRequest``, its choices and limits,
  ``REQUEST_FIELDS``, ``consent_fingerprint``;
* ``forms`` / ``service`` (4b): the request form and storing a request
  (``service.appointment_request_received`` is sent for each stored one);
* ``pages`` (4c): ``AbstractAppointmentRequestPage``, ``AppointmentRequestPage``
  (``form_class`` / ``get_form_class()`` choose the form);
* ``api`` (5): the ``router`` of ``POST /api/v3/clinic/appointment-requests/``;
* ``notifications`` (5): the clinic's email, a background task enqueued by
  the receiver ``connect_signals()`` connects;
* ``viewsets`` / ``hooks`` / ``permissions`` / ``export`` (5): the admin.

See docs/booking.md.
"""

from wagtail_clinic.blocks.booking import booking_link, validate_booking_url_template


__all__ = ["booking_link", "validate_booking_url_template"]
