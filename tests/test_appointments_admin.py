"""Who sees appointment requests in the admin, the status workflow and the CSV export."""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry, Page

from tests.appointment_utils import PATIENT, make_booking_site
from wagtail_clinic.booking.export import escape_csv_cell
from wagtail_clinic.booking.pages import DEFAULT_CONSENT_TEXT
from wagtail_clinic.booking.viewsets import EXPORT_ACTION, VIEW_ACTION
from wagtail_clinic.models import AppointmentRequest


def make_request(**kwargs):
    from django.utils import timezone

    kwargs.setdefault("name", PATIENT["name"])
    kwargs.setdefault("email", PATIENT["email"])
    kwargs.setdefault("preferred_contact", "email")
    kwargs.setdefault("patient_status", "new")
    kwargs.setdefault("consent_given_at", timezone.now())
    kwargs.setdefault("consent_text", str(DEFAULT_CONSENT_TEXT))
    return AppointmentRequest.objects.create(**kwargs)


def permission(codename):
    return Permission.objects.get(
        content_type__app_label="wagtail_clinic", codename=codename
    )


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = make_booking_site()
        cls.request_obj = make_request(clinic=cls.clinic, page=cls.page)
        users = get_user_model().objects
        admin_access = Permission.objects.get(codename="access_admin")

        # A page editor: edits every page (the request page included) but
        # has no appointment request permission.
        editors = Group.objects.get(name="Editors")
        cls.editor = users.create_user("editor", "editor@example.com", "pw")
        cls.editor.groups.add(editors)
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(codename="change_page"),
        )
        cls.moderator = users.create_user("moderator", "mod@example.com", "pw")
        cls.moderator.groups.add(Group.objects.get(name="Moderators"))

        cls.front_desk = users.create_user("desk", "desk@example.com", "pw")
        cls.front_desk.user_permissions.add(
            admin_access,
            permission("view_appointmentrequest"),
            permission("change_appointmentrequest"),
        )
        cls.manager = users.create_user("manager", "manager@example.com", "pw")
        cls.manager.user_permissions.add(
            admin_access,
            permission("view_appointmentrequest"),
            permission("export_appointmentrequest"),
        )
        # "change" without "view" is not enough to see anything.
        cls.changer = users.create_user("changer", "changer@example.com", "pw")
        cls.changer.user_permissions.add(
            admin_access, permission("change_appointmentrequest")
        )

    def url(self, name, *args):
        return reverse(f"clinic_appointment_requests:{name}", args=args)


class TestDefaultGroups(AdminTestCase):
    def test_wagtail_default_groups_get_no_appointment_permission(self):
        codenames = {
            "view_appointmentrequest",
            "change_appointmentrequest",
            "delete_appointmentrequest",
            "export_appointmentrequest",
        }
        for group in Group.objects.all():
            with self.subTest(group=group.name):
                granted = set(group.permissions.values_list("codename", flat=True))
                self.assertFalse(granted & codenames)

    def test_there_is_no_add_permission(self):
        self.assertFalse(
            Permission.objects.filter(codename="add_appointmentrequest").exists()
        )


class TestAccess(AdminTestCase):
    def assert_denied(self, user):
        self.client.force_login(user)
        for url in (
            self.url("index"),
            self.url("index") + "?export=csv",
            self.url("index") + "?export=xlsx",
            self.url("inspect", self.request_obj.pk),
            self.url("edit", self.request_obj.pk),
            self.url("delete", self.request_obj.pk),
        ):
            with self.subTest(user=user.username, url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (302, 403))
                self.assertNotIn(PATIENT["name"], response.content.decode())

    def test_page_editors_and_moderators_are_denied(self):
        self.assert_denied(self.editor)
        self.assert_denied(self.moderator)
        self.assert_denied(self.changer)

    def test_menu_item_only_with_the_permission(self):
        self.client.force_login(self.editor)
        self.assertNotContains(self.client.get("/admin/"), "Appointment requests")
        self.client.force_login(self.front_desk)
        self.assertContains(self.client.get("/admin/"), "Appointment requests")

    def test_viewer_lists_and_inspects(self):
        self.client.force_login(self.front_desk)
        response = self.client.get(self.url("index"))
        self.assertContains(response, self.request_obj.reference)
        self.assertContains(response, PATIENT["name"])
        self.assertNotContains(response, "Download CSV")
        response = self.client.get(self.url("inspect", self.request_obj.pk))
        self.assertContains(response, PATIENT["email"])
        self.assertContains(
            response, "Monday" if self.request_obj.preferred_days else "-"
        )
        self.assertTrue(
            ModelLogEntry.objects.filter(
                action=VIEW_ACTION,
                object_id=str(self.request_obj.pk),
                user=self.front_desk,
            ).exists()
        )

    def test_viewing_is_not_exporting(self):
        self.client.force_login(self.front_desk)
        response = self.client.get(self.url("index") + "?export=csv")
        self.assertIn(response.status_code, (302, 403))
        self.assertNotIn("text/csv", response.get("Content-Type", ""))

    def test_nobody_adds_requests_in_the_admin(self):
        superuser = get_user_model().objects.create_superuser(
            "root", "r@example.com", "pw"
        )
        self.client.force_login(superuser)
        self.assertIn(self.client.get(self.url("add")).status_code, (302, 403, 404))
        self.client.force_login(self.front_desk)
        self.assertNotContains(self.client.get(self.url("index")), self.url("add"))


class TestStatusWorkflow(AdminTestCase):
    def test_status_is_the_only_editable_field(self):
        self.client.force_login(self.front_desk)
        response = self.client.get(self.url("edit", self.request_obj.pk))
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(list(form.fields), ["status"])
        self.assertEqual(
            [value for value, _label in form.fields["status"].choices],
            ["new", "contacted", "booked", "closed"],
        )
        response = self.client.post(
            self.url("edit", self.request_obj.pk),
            {"status": "contacted", "name": "Changed"},
        )
        self.assertEqual(response.status_code, 302)
        self.request_obj.refresh_from_db()
        self.assertEqual(self.request_obj.status, "contacted")
        self.assertEqual(self.request_obj.name, PATIENT["name"])

    def test_viewer_without_change_cannot_edit(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            self.url("edit", self.request_obj.pk), {"status": "closed"}
        )
        self.assertIn(response.status_code, (302, 403))
        self.request_obj.refresh_from_db()
        self.assertEqual(self.request_obj.status, "new")

    def test_log_labels_carry_no_patient_data(self):
        self.client.force_login(self.front_desk)
        self.client.post(self.url("edit", self.request_obj.pk), {"status": "booked"})
        for entry in ModelLogEntry.objects.all():
            self.assertNotIn(PATIENT["name"], entry.label)


class TestExport(AdminTestCase):
    def export_csv(self):
        self.client.force_login(self.manager)
        response = self.client.get(self.url("index") + "?export=csv")
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(text)))

    def test_export_needs_its_permission(self):
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(self.url("index")), "Download CSV")
        rows = self.export_csv()
        self.assertEqual(rows[0][0], "Reference")
        self.assertEqual(rows[1][0], self.request_obj.reference)
        self.assertIn(PATIENT["name"], rows[1])

    def test_formulas_are_escaped(self):
        make_request(
            name='=HYPERLINK("http://evil.example")',
            email="a@example.com",
            phone="+17805550123",
            message="@SUM(A1)",
        )
        make_request(name="-2+3", message="\tcmd", preferred_contact="phone")
        make_request(name="\r=1", message="plain")
        rows = self.export_csv()
        cells = [cell for row in rows[1:] for cell in row]
        self.assertIn('\'=HYPERLINK("http://evil.example")', cells)
        self.assertIn("'+17805550123", cells)
        self.assertIn("'@SUM(A1)", cells)
        self.assertIn("'-2+3", cells)
        self.assertIn("'\tcmd", cells)
        self.assertIn("'\r=1", cells)
        for cell in cells:
            self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)

    def test_export_is_audited_per_request(self):
        make_request(name="Second")
        self.export_csv()
        entries = ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=self.manager)
        self.assertEqual(entries.count(), 2)
        for entry in entries:
            self.assertRegex(entry.label, r"^Appointment request AR-")

    def test_escape_function(self):
        self.assertEqual(escape_csv_cell("=1+1"), "'=1+1")
        self.assertEqual(escape_csv_cell("Ann"), "Ann")
        self.assertEqual(escape_csv_cell(5), 5)
        self.assertEqual(escape_csv_cell(""), "")
