"""Snippets and settings: clinics, opening hours, therapists and ClinicSettings."""

import datetime
import json
import uuid

from django.core.exceptions import ValidationError
from django.test import RequestFactory, TestCase
from django.urls import reverse
from wagtail.models import Locale, Site
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests.utils import make_clinic, make_site_tree, make_therapist, set_default_clinic
from wagtail_clinic.models import Clinic, ClinicSettings, OpeningHours, Therapist
from wagtail_clinic.models.settings import get_clinic_settings, get_default_clinic


NINE, ONE_PM, FIVE_PM = datetime.time(9), datetime.time(13), datetime.time(17)


def clinic_form_data(**overrides):
    """What the admin posts when creating a clinic with two rows of hours."""
    data = {
        "name": "Northside Clinic",
        "phone": "+1 780 555 0199",
        "email": "north@clinic.example",
        "booking_url": "https://north.janeapp.example/",
        "accepting_new_patients": "on",
        "street_address": "1 Main St",
        "locality": "Edmonton",
        "region": "AB",
        "postal_code": "T5J 0N3",
        "country": "CA",
        "latitude": "53.5461",
        "longitude": "-113.4938",
        "service_area": "Edmonton North",
        "opening_hours": inline_formset(
            [
                {"weekday": "2", "opens": "09:00", "closes": "17:00"},
                {"weekday": "1", "opens": "10:00", "closes": "14:00"},
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


class TestClinicValidation(TestCase):
    def assertFieldError(self, clinic, field, message):
        with self.assertRaises(ValidationError) as caught:
            clinic.full_clean()
        self.assertIn(message, caught.exception.message_dict[field])

    def test_phone_format(self):
        self.assertFieldError(
            Clinic(name="A", phone="call us!"),
            "phone",
            "Enter a phone number using digits, spaces, brackets, dots or dashes, "
            "optionally starting with +, e.g. +1 780 555 0123.",
        )

    def test_valid_phone_formats(self):
        for phone in ("+1 (780) 555-0123", "780.555.0123", "780 555 0123"):
            with self.subTest(phone=phone):
                Clinic(name="A", phone=phone).full_clean(exclude=["locale"])

    def test_latitude_without_longitude(self):
        self.assertFieldError(
            Clinic(name="A", latitude=53.5),
            "longitude",
            "Enter both latitude and longitude, or neither.",
        )

    def test_longitude_without_latitude(self):
        self.assertFieldError(
            Clinic(name="A", longitude=-113.5),
            "latitude",
            "Enter both latitude and longitude, or neither.",
        )

    def test_latitude_range(self):
        self.assertFieldError(
            Clinic(name="A", latitude=91, longitude=0),
            "latitude",
            "Ensure this value is less than or equal to 90.",
        )

    def test_country_code(self):
        self.assertFieldError(
            Clinic(name="A", country="C1"),
            "country",
            "Enter a two-letter country code, e.g. CA.",
        )


class TestClinic(TestCase):
    def test_tel_href_keeps_only_digits_and_a_leading_plus(self):
        self.assertEqual(Clinic(phone="+1 (780) 555-0123").tel_href, "tel:+17805550123")
        self.assertEqual(Clinic(phone="780.555.0123").tel_href, "tel:7805550123")
        self.assertEqual(Clinic(phone="").tel_href, "")

    def test_address_lines(self):
        clinic = Clinic(
            street_address="10123 Whyte Avenue",
            locality="Edmonton",
            region="AB",
            postal_code="T6E 1Z9",
        )
        self.assertEqual(
            clinic.address_lines, ["10123 Whyte Avenue", "Edmonton, AB T6E 1Z9"]
        )

    def test_address_lines_skip_empty_parts(self):
        self.assertEqual(Clinic(locality="Edmonton").address_lines, ["Edmonton"])
        self.assertEqual(Clinic(postal_code="T6E").address_lines, ["T6E"])
        self.assertEqual(Clinic().address_lines, [])

    def test_hours_are_in_weekday_then_time_order(self):
        clinic = make_clinic(
            opening_hours=[
                OpeningHours(weekday=5, opens=NINE, closes=FIVE_PM),
                OpeningHours(weekday=1, opens=ONE_PM, closes=FIVE_PM),
                OpeningHours(weekday=1, opens=NINE, closes=datetime.time(12)),
            ]
        )
        clinic = Clinic.objects.prefetch_related("opening_hours").get(pk=clinic.pk)
        self.assertEqual(
            [(h.weekday, h.opens) for h in clinic.hours],
            [(1, NINE), (1, ONE_PM), (5, NINE)],
        )
        self.assertEqual(str(clinic.hours[0]), "Monday 09:00–12:00")

    def test_closing_time_must_be_after_opening_time(self):
        clinic = make_clinic()
        for closes in (NINE, datetime.time(8)):
            with self.subTest(closes=closes):
                hours = OpeningHours(
                    clinic=clinic, weekday=1, opens=NINE, closes=closes
                )
                with self.assertRaises(ValidationError) as caught:
                    hours.full_clean()
                self.assertEqual(
                    caught.exception.message_dict["closes"],
                    ["The closing time must be later than the opening time."],
                )


class TestTherapist(TestCase):
    def test_display_name_adds_credentials(self):
        self.assertEqual(
            Therapist(name="Dana Lee", credentials="RMT").display_name, "Dana Lee, RMT"
        )
        self.assertEqual(
            str(Therapist(name="Dana Lee", credentials="RMT")), "Dana Lee, RMT"
        )

    def test_display_name_without_credentials(self):
        self.assertEqual(Therapist(name="Dana Lee").display_name, "Dana Lee")


class TestTranslatableSnippets(TestCase):
    def test_new_snippets_get_the_default_locale_and_a_translation_key(self):
        clinic = make_clinic()
        therapist = make_therapist(clinic=clinic)
        for obj in (clinic, therapist):
            with self.subTest(model=type(obj).__name__):
                self.assertEqual(obj.locale, Locale.get_default())
                self.assertIsInstance(obj.translation_key, uuid.UUID)

    def test_a_clinic_can_be_translated_with_its_opening_hours(self):
        clinic = make_clinic()
        french = Locale.objects.create(language_code="fr")
        translation = clinic.copy_for_translation(french)
        translation.name = "Clinique Southside"
        translation.save()

        self.assertEqual(translation.translation_key, clinic.translation_key)
        self.assertEqual(clinic.get_translation(french), translation)
        self.assertEqual(len(translation.hours), 5)
        self.assertEqual(Clinic.objects.filter(locale=french).count(), 1)


class TestClinicAdmin(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        cls.site = home.get_site()
        cls.superuser = cls.create_superuser("admin")

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_clinic_menu_groups_clinics_and_therapists(self):
        response = self.client.get(reverse("wagtailadmin_home"))
        props = self.get_soup(response.content).select_one("#wagtail-sidebar-props")
        menu = _find_submenu(json.loads(props.string), "clinic")

        self.assertEqual(menu["_args"][0]["label"], "Clinic")
        self.assertEqual(
            [
                (item["_args"][0]["label"], item["_args"][0]["url"])
                for item in menu["_args"][1]
            ],
            [
                ("Clinics", reverse("wagtailsnippets_wagtail_clinic_clinic:list")),
                (
                    "Therapists",
                    reverse("wagtailsnippets_wagtail_clinic_therapist:list"),
                ),
                ("Webhook log", reverse("clinic_webhooks:index")),
            ],
        )

    def test_clinic_listing_shows_clinics(self):
        make_clinic(name="Southside Massage Clinic")
        response = self.client.get(
            reverse("wagtailsnippets_wagtail_clinic_clinic:list")
        )
        self.assertContains(response, "Southside Massage Clinic")

    def test_clinic_listing_says_yes_or_no_for_new_patients(self):
        make_clinic(name="Southside Massage Clinic", accepting_new_patients=True)
        make_clinic(name="Northside Massage Clinic", accepting_new_patients=False)
        response = self.client.get(
            reverse("wagtailsnippets_wagtail_clinic_clinic:list")
        )
        cells = [
            [cell.get_text(strip=True) for cell in row.select("td")][-1]
            for row in self.get_soup(response.content).select("table.listing tbody tr")
        ]
        self.assertContains(response, "Accepting new patients")
        self.assertEqual(sorted(cells), ["No", "Yes"])
        self.assertNotContains(response, ">True<")
        self.assertNotIn("True", cells)
        # The column still sorts.
        for ordering, first in [
            ("accepting_new_patients", "Northside Massage Clinic"),
            ("-accepting_new_patients", "Southside Massage Clinic"),
        ]:
            response = self.client.get(
                reverse("wagtailsnippets_wagtail_clinic_clinic:list"),
                {"ordering": ordering},
            )
            soup = self.get_soup(response.content)
            self.assertEqual(
                soup.select_one("tbody tr td.title a").get_text(strip=True), first
            )

    def test_create_a_clinic_with_opening_hours(self):
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_clinic_clinic:add"), clinic_form_data()
        )

        # With translations on, Wagtail returns to the list of the new
        # clinic's locale (the default one, as no locale was asked for).
        self.assertRedirects(
            response,
            reverse("wagtailsnippets_wagtail_clinic_clinic:list") + "?locale=en",
        )
        clinic = Clinic.objects.get(name="Northside Clinic")
        self.assertEqual(clinic.tel_href, "tel:+17805550199")
        self.assertEqual(clinic.locale, Locale.get_default())
        self.assertEqual(
            [(h.weekday, h.opens, h.closes) for h in clinic.hours],
            [(1, datetime.time(10), datetime.time(14)), (2, NINE, FIVE_PM)],
        )

    def test_invalid_phone_shows_the_field_error_and_stores_nothing(self):
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_clinic_clinic:add"),
            clinic_form_data(phone="call us!"),
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("phone", response.context["form"].errors)
        self.assertContains(response, "Enter a phone number using digits")
        self.assertFalse(Clinic.objects.exists())
        self.assertFalse(OpeningHours.objects.exists())

    def test_invalid_opening_hours_show_the_row_error_and_store_nothing(self):
        data = clinic_form_data()
        data["opening_hours-1-closes"] = "09:00"
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_clinic_clinic:add"), data
        )

        self.assertEqual(response.status_code, 200)
        formset = response.context["form"].formsets["opening_hours"]
        self.assertEqual(
            formset.forms[1].errors["closes"],
            ["The closing time must be later than the opening time."],
        )
        self.assertFalse(Clinic.objects.exists())

    def test_create_a_therapist(self):
        clinic = make_clinic()
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_clinic_therapist:add"),
            {"name": "Sam Park", "credentials": "RMT", "clinic": str(clinic.pk)},
        )
        self.assertRedirects(
            response,
            reverse("wagtailsnippets_wagtail_clinic_therapist:list") + "?locale=en",
        )
        self.assertEqual(Therapist.objects.get().clinic, clinic)

    def test_edit_clinic_settings_for_the_site(self):
        clinic = make_clinic()
        url = reverse(
            "wagtailsettings:edit",
            args=["wagtail_clinic", "clinicsettings", self.site.pk],
        )
        self.assertEqual(self.client.get(url).status_code, 200)

        response = self.client.post(
            url,
            {"default_clinic": str(clinic.pk), "default_disclaimer": "Ask a doctor."},
        )

        self.assertRedirects(response, url)
        settings = ClinicSettings.for_site(self.site)
        self.assertEqual(settings.default_clinic, clinic)
        self.assertFalse(settings.comments_enabled)
        self.assertEqual(settings.disclaimer, "Ask a doctor.")


def _find_submenu(data, name):
    """The telepath-packed SubMenuItem called ``name`` in the sidebar props."""
    if isinstance(data, dict):
        if (
            data.get("_type") == "wagtail.sidebar.SubMenuItem"
            and data["_args"][0]["name"] == name
        ):
            return data
        children = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = _find_submenu(child, name)
        if found is not None:
            return found
    return None


class TestClinicSettings(TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.site = cls.home.get_site()
        cls.clinic = make_clinic()

    def test_no_default_clinic_by_default(self):
        self.assertIsNone(get_default_clinic())

    def test_default_clinic_of_the_default_site(self):
        set_default_clinic(self.site, self.clinic)
        self.assertEqual(get_default_clinic(), self.clinic)

    def test_default_clinic_comes_with_its_opening_hours(self):
        set_default_clinic(self.site, self.clinic)
        clinic = get_default_clinic()
        with self.assertNumQueries(0):
            self.assertEqual(len(clinic.hours), 5)

    def test_default_clinic_of_the_requests_site(self):
        other_clinic = make_clinic(name="Other Clinic")
        other_site = Site.objects.create(
            hostname="other.example", root_page=self.home, site_name="Other"
        )
        set_default_clinic(self.site, self.clinic)
        set_default_clinic(other_site, other_clinic)

        request = RequestFactory().get("/", HTTP_HOST="other.example")
        self.assertEqual(get_default_clinic(request), other_clinic)
        self.assertEqual(get_clinic_settings(request).site, other_site)

    def test_no_site_means_no_settings(self):
        Site.objects.all().delete()
        self.assertIsNone(get_clinic_settings())
        self.assertIsNone(get_default_clinic())

    def test_disclaimer_falls_back_to_the_built_in_wording(self):
        settings = ClinicSettings.for_site(self.site)
        self.assertIn("Speak with your doctor", str(settings.disclaimer))
        settings.default_disclaimer = "Ask first."
        self.assertEqual(settings.disclaimer, "Ask first.")
