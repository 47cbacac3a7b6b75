"""Dates, times, phone numbers and opening hours in the reader's language.

What people read follows the active language's formats (Django's
``DATE_FORMAT``, ``TIME_FORMAT``, ``DATETIME_FORMAT`` and translated day
names): "9 a.m." in English, "09:00" in French. What machines read does not
change with the language: ``datetime`` attributes, the API's "09:00" and
ISO dates, E.164 phone numbers and ``tel:`` links.
"""

import datetime

from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils import WagtailTestUtils
from wagtail.users.models import UserProfile

from tests import comment_utils
from tests.appointment_utils import form_data as appointment_form_data
from tests.appointment_utils import make_booking_site
from tests.comment_utils import make_article, make_comment
from tests.utils import (
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_site_tree,
    make_therapist,
)
from wagtail_clinic.blocks import BookingCTABlock
from wagtail_clinic.models import Clinic, ConditionPage, OpeningHours
from wagtail_clinic.public_input.phone import format_phone, normalise_phone
from wagtail_clinic.serialisation.representations import clinic_representation
from wagtail_clinic.structured_data.entities import opening_hours_specification


def in_language(language, function, *args, **kwargs):
    with translation.override(language):
        return function(*args, **kwargs)


def week_clinic():
    """Monday to Friday 9–5 in one row, Saturday 9–12:30 and Sunday noon–4."""
    return make_clinic(
        opening_hours=[
            OpeningHours(
                weekday=1,
                last_weekday=5,
                opens=datetime.time(9),
                closes=datetime.time(17),
            ),
            OpeningHours(
                weekday=6, opens=datetime.time(9), closes=datetime.time(12, 30)
            ),
            OpeningHours(weekday=7, opens=datetime.time(12), closes=datetime.time(16)),
        ]
    )


class TestOpeningHoursOnTheBookingBlock(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic = week_clinic()

    def render(self, language, action="call"):
        block = BookingCTABlock()
        value = block.to_python(
            {"heading": "Book", "action": action, "clinic": self.clinic.pk}
        )
        return in_language(language, block.render, value)

    def hours(self, html):
        soup = WagtailTestUtils.get_soup(html)
        return [
            (
                day.select_one("dt").get_text(strip=True),
                day.select_one("dd").get_text(strip=True),
                [t["datetime"] for t in day.select("dd time")],
            )
            for day in soup.select(".clinic-hours__day")
        ]

    def test_english_days_and_times(self):
        html = self.render("en")
        self.assertIn("Opening hours", html)
        hours = self.hours(html)
        self.assertEqual(hours[0], ("Monday", "9 a.m.–5 p.m.", ["09:00", "17:00"]))
        self.assertEqual(hours[4][0], "Friday")
        self.assertEqual(
            hours[5], ("Saturday", "9 a.m.–12:30 p.m.", ["09:00", "12:30"])
        )
        self.assertEqual(hours[6], ("Sunday", "noon–4 p.m.", ["12:00", "16:00"]))

    def test_french_days_and_times(self):
        html = self.render("fr")
        self.assertIn("Heures d’ouverture", html)
        self.assertNotIn("Opening hours", html)
        hours = self.hours(html)
        self.assertEqual(
            [day for day, _times, _machine in hours],
            ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        )
        self.assertEqual(hours[0], ("lundi", "09:00–17:00", ["09:00", "17:00"]))
        self.assertEqual(hours[5], ("samedi", "09:00–12:30", ["09:00", "12:30"]))
        self.assertEqual(hours[6], ("dimanche", "12:00–16:00", ["12:00", "16:00"]))

    def test_the_phone_number_keeps_its_format_and_its_link(self):
        english, french = self.render("en"), self.render("fr")
        self.assertIn("Call (780) 555-0123", english)
        self.assertIn("Appeler le (780) 555-0123", french)
        for html in (english, french):
            self.assertIn('href="tel:+17805550123"', html)

    def test_or_call_beside_another_button(self):
        english, french = (
            self.render("en", "book_online"),
            self.render("fr", "book_online"),
        )
        self.assertInHTML(
            'or call <a href="tel:+17805550123">(780) 555-0123</a>', english
        )
        self.assertInHTML(
            'ou appelez le <a href="tel:+17805550123">(780) 555-0123</a>', french
        )


class TestMachineValuesDoNotChange(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic = Clinic.objects.prefetch_related("opening_hours").get(
            pk=week_clinic().pk
        )

    def test_api_hours_are_24_hour_times_in_every_language(self):
        english = in_language("en", clinic_representation, self.clinic)
        french = in_language("fr", clinic_representation, self.clinic)
        machine = [
            {key: row[key] for key in ("weekday", "opens", "closes")}
            for row in english["opening_hours"]
        ]
        self.assertEqual(
            machine,
            [
                {key: row[key] for key in ("weekday", "opens", "closes")}
                for row in french["opening_hours"]
            ],
        )
        self.assertEqual(
            machine[0], {"weekday": 1, "opens": "09:00", "closes": "17:00"}
        )
        self.assertEqual(machine[5]["closes"], "12:30")
        self.assertEqual(english["phone"], french["phone"])
        # The day's label is for people, so it is translated.
        self.assertEqual(english["opening_hours"][0]["day"], "Monday")
        self.assertEqual(french["opening_hours"][0]["day"], "lundi")

    def test_structured_data_hours_are_language_independent(self):
        english = in_language("en", opening_hours_specification, self.clinic)
        french = in_language("fr", opening_hours_specification, self.clinic)
        self.assertEqual(english, french)
        self.assertEqual(english[0]["opens"], "09:00")
        self.assertEqual(english[0]["dayOfWeek"][0], "Monday")

    def test_phone_numbers_are_the_same_in_every_language(self):
        for language in ("en", "fr"):
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(format_phone("+1 780 555 0123"), "(780) 555-0123")
                self.assertEqual(format_phone("+44 20 7946 0958"), "+44 20 7946 0958")
                self.assertEqual(normalise_phone("780.555.0123"), "+17805550123")
                self.assertEqual(self.clinic.tel_href, "tel:+17805550123")

    def test_phone_validation_messages_are_translated(self):
        for language, message in (
            ("en", "Enter a phone number using digits"),
            ("fr", "Saisissez un numéro de téléphone en chiffres"),
        ):
            with self.subTest(language=language), translation.override(language):
                with self.assertRaises(Exception) as caught:
                    normalise_phone("call me")
                self.assertIn(message, " ".join(caught.exception.messages))


class TestReviewDates(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = ConditionPage(
            title="Back pain",
            reviewed_by=make_therapist(),
            last_reviewed=datetime.date(2026, 3, 2),
            next_review_due=datetime.date(2027, 3, 2),
        )

    def render(self, language):
        return in_language(
            language,
            render_to_string,
            "wagtail_clinic/includes/review_info.html",
            {"page": self.page},
        )

    def test_english(self):
        html = self.render("en")
        self.assertInHTML('<time datetime="2026-03-02">March 2, 2026</time>', html)
        self.assertInHTML('<time datetime="2027-03-02">March 2, 2027</time>', html)
        self.assertIn("Medically reviewed by Dana Lee, RMT", html)

    def test_french(self):
        html = self.render("fr")
        self.assertInHTML('<time datetime="2026-03-02">2 mars 2026</time>', html)
        self.assertInHTML('<time datetime="2027-03-02">2 mars 2027</time>', html)
        self.assertIn("Révisé sur le plan médical par Dana Lee, RMT", html)
        self.assertIn("Prochaine révision prévue :", html)


class TestCommentDates(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.page = make_article()
        cls.comment = make_comment(cls.page)
        type(cls.comment).objects.filter(pk=cls.comment.pk).update(
            created_at=datetime.datetime(
                2026, 3, 2, 14, 30, tzinfo=datetime.timezone.utc
            )
        )
        cls.comment.refresh_from_db()

    def render(self, language):
        return in_language(
            language,
            render_to_string,
            "wagtail_clinic/includes/comment.html",
            {"comment": self.comment, "page": self.page},
        )

    def test_english(self):
        html = self.render("en")
        self.assertInHTML(
            '<time datetime="2026-03-02T14:30:00+00:00">March 2, 2026, 2:30 p.m.</time>',
            html,
        )
        self.assertIn(">Reply<", html)

    def test_french(self):
        html = self.render("fr")
        self.assertInHTML(
            '<time datetime="2026-03-02T14:30:00+00:00">2 mars 2026 14:30</time>',
            html,
        )
        self.assertIn(">Répondre<", html)


@override_settings(
    WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": None, **comment_utils.NO_LIMITS}
)
class TestStaffEmailsAreInTheSiteLanguage(TestCase):
    """Patients may write in French; staff emails use ``LANGUAGE_CODE``."""

    @classmethod
    def setUpTestData(cls):
        cls.home, _clinic, _massage_type, cls.request_page = make_booking_site()
        _home, cls.article = make_article()
        comment_utils.make_moderator()

    def setUp(self):
        cache.clear()

    def send(self, language, page, data):
        mail.outbox.clear()
        with (
            translation.override(language),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(page.url, data, HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(len(mail.outbox), 1)
        return mail.outbox[0]

    def appointment(self, language):
        return self.send(language, self.request_page, appointment_form_data())

    def comment(self, language):
        return self.send(language, self.article, comment_utils.form_data(self.article))

    def test_english_site(self):
        for language in ("en", "fr"):
            with self.subTest(patient=language):
                email = self.appointment(language)
                self.assertTrue(email.subject.startswith("New appointment request"))
                self.assertIn("Sign in to read it:", email.body)
                email = self.comment(language)
                self.assertTrue(email.subject.startswith("New comment awaiting"))

    @override_settings(LANGUAGE_CODE="fr")
    def test_french_site(self):
        for language in ("en", "fr"):
            with self.subTest(patient=language):
                email = self.appointment(language)
                self.assertTrue(
                    email.subject.startswith("Nouvelle demande de rendez-vous")
                )
                self.assertIn("Connectez-vous pour la lire :", email.body)
                email = self.comment(language)
                self.assertTrue(
                    email.subject.startswith(
                        "Nouveau commentaire en attente de modération"
                    )
                )


class TestAdminInTheEditorsLanguage(WagtailTestUtils, TestCase):
    """Wagtail shows the admin in each user's language; our views follow it."""

    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        make_condition_page(
            make_condition_index(home),
            title="Overdue article",
            reviewed_by=make_therapist(),
            last_reviewed=datetime.date(2025, 3, 2),
            next_review_due=datetime.date(2026, 3, 2),
        )

    def report(self, language):
        user = self.create_superuser(f"editor_{language}")
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        self.client.force_login(user)
        response = self.client.get(reverse("wagtail_clinic_medical_review"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_medical_review_report(self):
        english, french = self.report("en"), self.report("fr")
        for text in ("Next review due", "Unsourced facts", "Overdue", "March 2, 2026"):
            self.assertIn(text, english)
        for text in (
            "Prochaine révision prévue",
            "Faits sans source",
            "En retard",
            "2 mars 2026",
            "Overdue article",  # The editors' content stays as written.
        ):
            self.assertIn(text, french)
        self.assertNotIn("March 2, 2026", french)
