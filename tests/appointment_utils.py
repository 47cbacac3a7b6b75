"""Helpers shared by the tests/test_appointments_*.py modules."""

import json

from wagtail.models import Site

from tests.utils import (
    make_clinic,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    set_default_clinic,
)
from wagtail_clinic.models import AppointmentRequestPage


API_URL = "/api/v3/clinic/appointment-requests/"

#: A patient's details that must never leave the admin: the privacy tests
#: look for each of these strings in emails, logs and public responses.
PATIENT = {
    "name": "Quentin Zylberstein",
    "email": "quentin.zylberstein@patient.example",
    "phone": "+1 780 555 0199",
    "message": "Lower-back-ache-since-Tuesday-xyzzy",
}
PATIENT_PHONE_E164 = "+17805550199"
SECRETS = [*PATIENT.values(), PATIENT_PHONE_E164, "7805550199"]


def make_request_page(parent=None, **kwargs):
    """An AppointmentRequestPage at /book/ under the site's home page."""
    if parent is None:
        _root, parent = make_site_tree()
    kwargs.setdefault("title", "Book an appointment")
    kwargs.setdefault("slug", "book")
    return parent.add_child(instance=AppointmentRequestPage(**kwargs))


def make_booking_site():
    """``(home, clinic, massage_type, page)``: a site ready to take requests."""
    _root, home = make_site_tree()
    clinic = make_clinic(email="frontdesk@clinic.example")
    set_default_clinic(Site.objects.get(is_default_site=True), clinic)
    index = make_massage_type_index(home)
    massage_type = make_massage_type(index)
    page = make_request_page(home)
    return home, clinic, massage_type, page


def form_data(**overrides):
    """A valid HTML form submission (patient details from ``PATIENT``)."""
    data = {
        "name": PATIENT["name"],
        "email": PATIENT["email"],
        "phone": PATIENT["phone"],
        "preferred_contact": "email",
        "preferred_days": ["mon", "wed"],
        "preferred_times": ["morning"],
        "massage_type": "",
        "patient_status": "new",
        "message": PATIENT["message"],
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def api_body(page, **overrides):
    """A valid JSON body for the API (patient details from ``PATIENT``)."""
    body = {
        "page_id": page.pk,
        "name": PATIENT["name"],
        "email": PATIENT["email"],
        "phone": PATIENT["phone"],
        "preferred_contact": "email",
        "preferred_days": ["mon", "wed"],
        "preferred_times": ["morning"],
        "massage_type_id": None,
        "patient_status": "new",
        "message": PATIENT["message"],
        "consent": True,
    }
    body.update(overrides)
    return body


def post_json(client, body, **extra):
    """POST ``body`` (serialised unless already bytes/str) to the endpoint."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    extra.setdefault("content_type", "application/json")
    return client.post(API_URL, body, **extra)
