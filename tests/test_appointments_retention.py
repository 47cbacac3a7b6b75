"""purge_appointment_requests: retention with frozen time, counts only, audited."""

import datetime
import io

import time_machine

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from wagtail.models import ModelLogEntry

from tests.appointment_utils import PATIENT
from tests.test_appointments_admin import make_request
from wagtail_clinic.booking.viewsets import PURGE_ACTION
from wagtail_clinic.models import AppointmentRequest


START = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.timezone.utc)


def purge(*args):
    out = io.StringIO()
    call_command("purge_appointment_requests", *args, stdout=out)
    return out.getvalue()


class TestPurge(TestCase):
    def setUp(self):
        with time_machine.travel(START, tick=False):
            self.old = make_request(name="Old One")
        with time_machine.travel(START + datetime.timedelta(days=100), tick=False):
            self.newer = make_request(name="Newer One")

    def test_deletes_only_requests_older_than_the_retention_period(self):
        with time_machine.travel(START + datetime.timedelta(days=181), tick=False):
            output = purge()
        self.assertEqual(
            output.strip(), "Deleted 1 appointment request(s) older than 180 days."
        )
        self.assertEqual(list(AppointmentRequest.objects.all()), [self.newer])

    def test_nothing_is_old_enough_yet(self):
        with time_machine.travel(START + datetime.timedelta(days=179), tick=False):
            self.assertIn("Deleted 0 ", purge())
        self.assertEqual(AppointmentRequest.objects.count(), 2)

    def test_older_than_option(self):
        with time_machine.travel(START + datetime.timedelta(days=181), tick=False):
            self.assertIn("Deleted 2 ", purge("--older-than", "30"))
        self.assertEqual(AppointmentRequest.objects.count(), 0)

    @override_settings(WAGTAIL_CLINIC={"APPOINTMENT_RETENTION_DAYS": 365})
    def test_default_comes_from_the_setting(self):
        with time_machine.travel(START + datetime.timedelta(days=300), tick=False):
            self.assertIn("older than 365 days", purge())
        self.assertEqual(AppointmentRequest.objects.count(), 2)

    def test_dry_run_counts_and_deletes_nothing(self):
        with time_machine.travel(START + datetime.timedelta(days=400), tick=False):
            output = purge("--dry-run")
        self.assertEqual(
            output.strip(), "Would delete 2 appointment request(s) older than 180 days."
        )
        self.assertEqual(AppointmentRequest.objects.count(), 2)
        self.assertFalse(ModelLogEntry.objects.filter(action=PURGE_ACTION).exists())

    def test_audit_entry_with_counts_only(self):
        with time_machine.travel(START + datetime.timedelta(days=181), tick=False):
            output = purge()
        entry = ModelLogEntry.objects.get(action=PURGE_ACTION)
        self.assertEqual(entry.data["deleted"], 1)
        self.assertEqual(entry.data["older_than_days"], 180)
        self.assertEqual(entry.timestamp, START + datetime.timedelta(days=181))
        self.assertEqual(entry.content_type.model_class(), AppointmentRequest)
        self.assertEqual(entry.message, "Deleted 1 request older than 180 days")
        for text in (output, str(entry.data), entry.label):
            self.assertNotIn("Old One", text)
            self.assertNotIn(PATIENT["email"], text)

    def test_invalid_days(self):
        with self.assertRaises(CommandError):
            purge("--older-than", "0")
