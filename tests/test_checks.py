"""Django's own checks: no missing migrations, no system check errors."""

from io import StringIO

from django.core import checks
from django.core.management import call_command
from django.test import TestCase, override_settings
from wagtail.models import Site

from wagtail_clinic import checks_urls


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
        # A site configured as the README says: the default Site names the
        # address of WAGTAILADMIN_BASE_URL and WAGTAILAPI_BASE_URL.
        Site.objects.filter(is_default_site=True).update(hostname="testserver", port=80)
        out = StringIO()
        call_command("check", stdout=out)  # Raises SystemCheckError on errors.
        self.assertIn("System check identified no issues", out.getvalue())


def ids(messages):
    return [message.id for message in messages]


def url_checks():
    return ids(
        checks_urls.check_default_site()
        + checks_urls.check_admin_base_url()
        + checks_urls.check_api_base_url()
    )


@override_settings(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1"],
    WAGTAILADMIN_BASE_URL="http://127.0.0.1:8302",
    WAGTAILAPI_BASE_URL=None,
)
class TestSiteURLChecks(TestCase):
    """W501-W503: the default Site and the base URL settings name one address.

    Before ``migrate`` (no tables) they report nothing: the example project's
    ``check --fail-level WARNING`` on a fresh database proves it
    (tests/test_example_project.py).
    """

    def set_site(self, hostname, port):
        Site.objects.filter(is_default_site=True).update(hostname=hostname, port=port)

    def test_agreeing_site_and_settings_pass(self):
        self.set_site("127.0.0.1", 8302)
        self.assertEqual(url_checks(), [])

    def test_the_initial_localhost_site_in_production_warns(self):
        self.set_site("localhost", 80)
        [warning] = checks_urls.check_default_site()
        self.assertEqual(warning.id, "wagtail_clinic.W501")
        self.assertEqual(warning.level, checks.WARNING)
        self.assertIn('"localhost" (port 80)', warning.msg)
        self.assertIn("http://localhost/", warning.msg)
        self.assertIn("Settings › Sites", warning.hint)
        self.assertIn("README", warning.hint)

    def test_localhost_while_allowed_hosts_names_other_hosts_warns(self):
        self.set_site("localhost", 80)
        with self.settings(DEBUG=True, ALLOWED_HOSTS=["clinic.example"]):
            self.assertEqual(
                ids(checks_urls.check_default_site()), ["wagtail_clinic.W501"]
            )
        with self.settings(DEBUG=True, ALLOWED_HOSTS=["localhost", "*"]):
            self.assertEqual(checks_urls.check_default_site(), [])

    def test_admin_base_url_disagreeing_with_the_site_warns(self):
        self.set_site("localhost", 80)
        with self.settings(WAGTAILADMIN_BASE_URL="http://example.com"):
            [warning] = checks_urls.check_admin_base_url()
        self.assertEqual(warning.id, "wagtail_clinic.W502")
        self.assertIn("http://example.com", warning.msg)
        self.assertIn("http://localhost", warning.msg)
        self.assertIn('set WAGTAILADMIN_BASE_URL to "http://localhost"', warning.hint)

    def test_admin_base_url_port_and_scheme_count(self):
        self.set_site("127.0.0.1", 8302)
        for url, expected in [
            ("http://127.0.0.1:8302/", []),
            ("HTTP://127.0.0.1:8302", []),
            ("http://127.0.0.1:8000", ["wagtail_clinic.W502"]),
            ("https://127.0.0.1:8302", ["wagtail_clinic.W502"]),
        ]:
            with self.subTest(url), self.settings(WAGTAILADMIN_BASE_URL=url):
                self.assertEqual(ids(checks_urls.check_admin_base_url()), expected)

    def test_default_ports_compare_equal(self):
        self.set_site("clinic.example", 443)
        with self.settings(
            WAGTAILADMIN_BASE_URL="https://clinic.example",
            ALLOWED_HOSTS=["clinic.example"],
        ):
            self.assertEqual(url_checks(), [])

    def test_api_base_url_disagreeing_with_the_site_warns(self):
        self.set_site("127.0.0.1", 8302)
        with self.settings(WAGTAILAPI_BASE_URL="http://example.com"):
            self.assertEqual(url_checks(), ["wagtail_clinic.W503"])
        with self.settings(WAGTAILAPI_BASE_URL="http://127.0.0.1:8302"):
            self.assertEqual(url_checks(), [])

    def test_registered_and_reported_by_manage_py_check(self):
        self.set_site("localhost", 80)
        messages = checks.run_checks()
        self.assertIn("wagtail_clinic.W501", ids(messages))
        self.assertIn("wagtail_clinic.W502", ids(messages))

    def test_missing_admin_base_url_is_wagtails_own_warning(self):
        self.set_site("127.0.0.1", 8302)
        with self.settings(WAGTAILADMIN_BASE_URL=None):
            messages = ids(checks.run_checks())
        self.assertIn("wagtailadmin.W003", messages)
        self.assertNotIn("wagtail_clinic.W502", messages)
