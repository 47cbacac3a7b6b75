"""Opening hours for a range of days in one row ("Monday to Friday", issue 15)."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests.utils import make_clinic
from wagtail_clinic.blocks import BookingCTABlock
from wagtail_clinic.models import Clinic, OpeningHours
from wagtail_clinic.serialisation.representations import clinic_representation
from wagtail_clinic.serialisation.schemas import ClinicDetails
from wagtail_clinic.structured_data.entities import opening_hours_specification


NINE, TWO_PM, FIVE_PM = datetime.time(9), datetime.time(14), datetime.time(17)


def weekdays_and_saturday():
    """Monday to Friday 9–5 in one row and Saturday 9–2 in another."""
    return make_clinic(
        opening_hours=[
            OpeningHours(weekday=1, last_weekday=5, opens=NINE, closes=FIVE_PM),
            OpeningHours(weekday=6, opens=NINE, closes=TWO_PM),
        ]
    )


class TestOneRowForSeveralDays(TestCase):
    def test_a_range_expands_to_a_row_per_day(self):
        clinic = Clinic.objects.prefetch_related("opening_hours").get(
            pk=weekdays_and_saturday().pk
        )
        with self.assertNumQueries(0):
            hours = clinic.hours
        self.assertEqual(
            [(h.weekday, h.opens, h.closes) for h in hours],
            [(day, NINE, FIVE_PM) for day in range(1, 6)] + [(6, NINE, TWO_PM)],
        )
        self.assertEqual(str(hours[4]), "Friday 09:00–17:00")
        self.assertEqual(
            [str(row) for row in clinic.opening_hours.order_by("weekday")],
            ["Monday–Friday 09:00–17:00", "Saturday 09:00–14:00"],
        )

    def test_one_day_rows_of_old_data_work_as_before(self):
        clinic = make_clinic()  # five one-day rows, no last day
        self.assertEqual([h.weekday for h in clinic.hours], [1, 2, 3, 4, 5])
        self.assertTrue(all(h.pk for h in clinic.hours))

    def test_the_last_day_must_not_come_before_the_first(self):
        clinic = make_clinic(opening_hours=[])
        row = OpeningHours(
            clinic=clinic, weekday=5, last_weekday=1, opens=NINE, closes=FIVE_PM
        )
        with self.assertRaises(ValidationError) as caught:
            row.full_clean()
        self.assertEqual(
            caught.exception.message_dict["last_weekday"],
            [
                "Choose a day after Friday (the week starts on Monday), or add a "
                "second row for the days before it."
            ],
        )

    def test_structured_data_lists_the_days_of_a_range(self):
        self.assertEqual(
            opening_hours_specification(weekdays_and_saturday()),
            [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": [
                        "Monday",
                        "Tuesday",
                        "Wednesday",
                        "Thursday",
                        "Friday",
                    ],
                    "opens": "09:00",
                    "closes": "17:00",
                },
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": ["Saturday"],
                    "opens": "09:00",
                    "closes": "14:00",
                },
            ],
        )

    def test_the_api_keeps_one_entry_per_day(self):
        """The API's shape is unchanged: a range is five entries, not a new field."""
        representation = clinic_representation(weekdays_and_saturday())
        ClinicDetails.model_validate(representation)
        self.assertEqual(
            [
                (h["weekday"], h["day"], h["opens"])
                for h in representation["opening_hours"]
            ],
            [
                (1, "Monday", "09:00"),
                (2, "Tuesday", "09:00"),
                (3, "Wednesday", "09:00"),
                (4, "Thursday", "09:00"),
                (5, "Friday", "09:00"),
                (6, "Saturday", "09:00"),
            ],
        )

    def test_the_booking_block_shows_each_day(self):
        clinic = weekdays_and_saturday()
        block = BookingCTABlock()
        html = block.render(
            block.to_python({"heading": "Book", "action": "call", "clinic": clinic.pk})
        )
        soup = WagtailTestUtils.get_soup(html)
        self.assertEqual(
            [dt.get_text(strip=True) for dt in soup.select(".clinic-hours__list dt")],
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        )


class TestClinicAdmin(WagtailTestUtils, TestCase):
    def setUp(self):
        self.login()

    def post_clinic(self, *rows):
        data = nested_form_data(
            {
                "name": "Northside Clinic",
                "phone": "+1 780 555 0199",
                "country": "CA",
                "accepting_new_patients": "on",
                "opening_hours": inline_formset(list(rows)),
            }
        )
        return self.client.post(
            reverse("wagtailsnippets_wagtail_clinic_clinic:add"), data
        )

    def test_enter_monday_to_friday_in_one_row(self):
        response = self.post_clinic(
            {"weekday": "1", "last_weekday": "5", "opens": "09:00", "closes": "17:00"},
            {"weekday": "6", "last_weekday": "", "opens": "10:00", "closes": "14:00"},
        )
        self.assertEqual(response.status_code, 302)
        clinic = Clinic.objects.get(name="Northside Clinic")
        self.assertEqual(clinic.opening_hours.count(), 2)
        self.assertEqual([h.weekday for h in clinic.hours], [1, 2, 3, 4, 5, 6])

    def test_a_backwards_range_is_a_row_error_and_stores_nothing(self):
        response = self.post_clinic(
            {"weekday": "5", "last_weekday": "1", "opens": "09:00", "closes": "17:00"}
        )
        self.assertEqual(response.status_code, 200)
        formset = response.context["form"].formsets["opening_hours"]
        self.assertIn("Choose a day after Friday", str(formset.errors[0]))
        self.assertFalse(Clinic.objects.exists())
        self.assertFalse(OpeningHours.objects.exists())
