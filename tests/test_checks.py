"""Django's own checks: no missing migrations, no system check errors."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase


class TestMigrations(TestCase):
    def assertNoMissingMigrations(self, app_label):
        out = StringIO()
        try:
            call_command(
                "makemigrations", app_label, "--check", "--dry-run", stdout=out
            )
        except SystemExit:  # --check exits with status 1 when changes are pending.
            self.fail(f"Missing migrations for {app_label}:\n{out.getvalue()}")

    def test_wagtail_clinic_has_no_missing_migrations(self):
        self.assertNoMissingMigrations("wagtail_clinic")

    def test_test_app_has_no_missing_migrations(self):
        self.assertNoMissingMigrations("wagtail_clinic_tests")


class TestSystemChecks(TestCase):
    def test_system_checks_pass(self):
        out = StringIO()
        call_command("check", stdout=out)  # Raises SystemCheckError on errors.
        self.assertIn("System check identified no issues", out.getvalue())
