"""The booking call to action: deep links, formatted phone numbers, the request form."""

from django.core.exceptions import ValidationError
from django.test import RequestFactory, SimpleTestCase, TestCase
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Site

from tests.appointment_utils import make_request_page
from tests.utils import (
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    set_default_clinic,
)
from wagtail_clinic.blocks import BookingCTABlock
from wagtail_clinic.booking import booking_link, validate_booking_url_template
from wagtail_clinic.public_input.phone import format_phone, normalise_phone


def cta(**value):
    value.setdefault("heading", "Book an appointment")
    value.setdefault("text", "")
    value.setdefault("clinic", None)
    value.setdefault("action", "book_online")
    value.setdefault("massage_type", None)
    value.setdefault("button_label", "")
    value.setdefault("link_page", None)
    value.setdefault("link_url", "")
    return {"type": "booking_cta", "value": value}


class TestPhoneNumbers(SimpleTestCase):
    def test_north_american_numbers_are_formatted_for_people(self):
        for typed in (
            "+1 780 555 0123",
            "+1 (780) 555-0123",
            "780-555-0123",
            "7805550123",
            "1 780 555 0123",
        ):
            with self.subTest(typed=typed):
                self.assertEqual(format_phone(typed), "(780) 555-0123")

    def test_other_numbers_are_shown_as_typed(self):
        self.assertEqual(format_phone(" +44 20 7946 0958 "), "+44 20 7946 0958")
        self.assertEqual(format_phone("555 0123"), "555 0123")
        self.assertEqual(format_phone(""), "")

    def test_normalised_to_e164_or_digits(self):
        self.assertEqual(normalise_phone("(780) 555-0123"), "+17805550123")
        self.assertEqual(normalise_phone("1-780-555-0123"), "+17805550123")
        self.assertEqual(normalise_phone("+44 20 7946 0958"), "+442079460958")
        self.assertEqual(
            normalise_phone("0123 456 789", default_country_code=""), "0123456789"
        )

    def test_rejected(self):
        for typed in (
            "call me",
            "+1 123 555 0123",
            "12345",
            "+" + "1" * 16,
            "780 555 0123 ext 4",
            "+0 123 4567",
        ):
            with self.subTest(typed=typed), self.assertRaises(ValidationError):
                normalise_phone(typed)


class BookingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.site = Site.objects.get(is_default_site=True)
        cls.clinic = make_clinic(
            booking_url="https://clinic.example/book",
            booking_url_template="https://clinic.example/book?treatment={massage_type}&t={massage_type_title}",
        )
        set_default_clinic(cls.site, cls.clinic)
        cls.massage_index = make_massage_type_index(cls.home)
        cls.sports = make_massage_type(
            cls.massage_index, title="Sports & recovery", slug="sports"
        )
        cls.condition_index = make_condition_index(cls.home)

    def render_block(self, page=None, **value):
        block = BookingCTABlock()
        struct = block.to_python(cta(**value)["value"])
        request = RequestFactory().get("/")
        return block.render(struct, context={"request": request, "page": page})

    def represent(self, **value):
        block = BookingCTABlock()
        struct = block.to_python(cta(**value)["value"])
        return block.get_api_representation(
            struct, {"request": RequestFactory().get("/")}
        )


class TestDeepLinks(BookingTestCase):
    DEEP = "https://clinic.example/book?treatment=sports&amp;t=Sports%20%26%20recovery"

    def test_on_a_massage_type_page_the_page_is_booked(self):
        page = make_massage_type(
            self.massage_index, title="Shiatsu", slug="shiatsu", body=[cta()]
        )
        html = self.client.get(page.url).content.decode()
        self.assertIn(
            'href="https://clinic.example/book?treatment=shiatsu&amp;t=Shiatsu"', html
        )

    def test_on_a_massage_type_page_every_api_books_the_page(self):
        page = make_massage_type(
            self.massage_index, title="Shiatsu", slug="shiatsu", body=[cta()]
        )
        deep = "https://clinic.example/book?treatment=shiatsu&t=Shiatsu"
        urls = [
            f"/api/v2/pages/{page.pk}/",
            "/api/v2/pages/?type=wagtail_clinic.MassageTypePage&fields=body",
            f"/api/v3/pages/{page.pk}/",
            f"/api/v3/clinic/pages/{page.pk}/",
            "/api/v3/clinic/pages/by-path/?path=/massage-types/shiatsu/",
        ]
        for url in urls:
            with self.subTest(url=url):
                data = self.client.get(url).json()
                if "items" in data:
                    data = next(item for item in data["items"] if item["id"] == page.pk)
                block = next(b for b in data["body"] if b["type"] == "booking_cta")
                self.assertEqual(block["value"]["button"]["href"], deep)

    def test_on_an_article_the_api_keeps_the_booking_url(self):
        article = make_condition_page(self.condition_index, body=[cta()])
        data = self.client.get(f"/api/v3/pages/{article.pk}/").json()
        block = next(b for b in data["body"] if b["type"] == "booking_cta")
        self.assertEqual(
            block["value"]["button"]["href"], "https://clinic.example/book"
        )

    def test_massage_type_chosen_in_the_block(self):
        html = self.render_block(massage_type=self.sports.pk)
        self.assertIn(f'href="{self.DEEP}"', html)
        output = self.represent(massage_type=self.sports.pk)
        self.assertEqual(
            output["button"]["href"],
            "https://clinic.example/book?treatment=sports&t=Sports%20%26%20recovery",
        )
        self.assertTrue(output["button"]["external"])

    def test_falls_back_to_the_booking_url(self):
        self.assertIn('href="https://clinic.example/book"', self.render_block())
        self.assertEqual(
            self.represent()["button"]["href"], "https://clinic.example/book"
        )
        draft = make_massage_type(
            self.massage_index, title="Draft", slug="draft", live=False
        )
        self.assertIn(
            'href="https://clinic.example/book"',
            self.render_block(massage_type=draft.pk),
        )

    def test_without_a_template(self):
        clinic = make_clinic(name="Plain", booking_url="https://plain.example/")
        self.assertEqual(booking_link(clinic, self.sports), "https://plain.example/")
        self.assertEqual(booking_link(None, self.sports), "")

    def test_template_validation(self):
        validate_booking_url_template("https://x.example/book/{massage_type_id}/")
        validate_booking_url_template("")
        for bad in (
            "https://x.example/?t={treatment}",
            "https://x.example/?t={massage_type!r}",
            "https://x.example/?t={0}",
            "https://x.example/",
            "javascript:alert(1)//{massage_type}",
            "https://x.example/{massage_type",
        ):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                validate_booking_url_template(bad)
        clinic = make_clinic(
            name="Bad", booking_url_template="https://x.example/?t={nope}"
        )
        with self.assertRaises(ValidationError):
            clinic.full_clean()

    def test_clean_accepts_a_template_with_a_massage_type(self):
        clinic = make_clinic(
            name="Template only",
            booking_url="",
            booking_url_template="https://t.example/{massage_type}",
        )
        block = BookingCTABlock()
        block.clean(
            block.to_python(cta(clinic=clinic.pk, massage_type=self.sports.pk)["value"])
        )
        with self.assertRaises(StructBlockValidationError):
            block.clean(block.to_python(cta(clinic=clinic.pk)["value"]))


class TestCall(BookingTestCase):
    def test_tel_link_with_the_number_formatted_for_people(self):
        html = self.render_block(action="call")
        self.assertIn(
            '<a class="clinic-button" href="tel:+17805550123">Call (780) 555-0123</a>',
            html,
        )
        output = self.represent(action="call")
        self.assertEqual(
            output["button"],
            {
                "label": "Call (780) 555-0123",
                "href": "tel:+17805550123",
                "external": False,
            },
        )

    def test_other_actions_offer_the_formatted_number(self):
        self.assertIn(
            'or call <a href="tel:+17805550123">(780) 555-0123</a>', self.render_block()
        )


class TestRequestForm(BookingTestCase):
    def test_blank_page_links_to_the_sites_request_page(self):
        page = make_request_page(self.home)
        html = self.render_block(action="request_form")
        self.assertIn(
            '<a class="clinic-button" href="/book/">Request an appointment</a>', html
        )
        output = self.represent(action="request_form")
        self.assertEqual(output["button"]["href"], "/book/")
        self.assertEqual(output["link_page"]["id"], page.pk)
        self.assertEqual(
            output["link_page"]["type"], "wagtail_clinic.AppointmentRequestPage"
        )

    def test_clean_needs_a_page_only_when_the_site_has_none(self):
        block = BookingCTABlock()
        value = block.to_python(cta(action="request_form")["value"])
        with self.assertRaises(StructBlockValidationError) as raised:
            block.clean(value)
        self.assertIn("link_page", raised.exception.block_errors)
        make_request_page(self.home)
        block.clean(value)

    def test_no_button_without_a_request_page(self):
        html = self.render_block(action="request_form")
        self.assertNotIn("clinic-button", html)
        self.assertIn("Call us at", html)
        self.assertIsNone(self.represent(action="request_form")["button"])

    def test_chosen_page_wins(self):
        make_request_page(self.home)
        other = make_request_page(self.home, title="Other", slug="other")
        self.assertIn(
            'href="/other/"',
            self.render_block(action="request_form", link_page=other.pk),
        )

    def test_in_the_v3_page_detail(self):
        page = make_request_page(self.home)
        article = make_condition_page(
            self.condition_index, body=[cta(action="request_form")]
        )
        data = self.client.get(f"/api/v3/pages/{article.pk}/").json()
        block = next(item for item in data["body"] if item["type"] == "booking_cta")
        self.assertEqual(block["value"]["button"]["href"], "/book/")
        self.assertEqual(block["value"]["link_page"]["id"], page.pk)
        self.assertTrue(block["value"]["accepting_new_patients"])


class TestLinkAndStatus(BookingTestCase):
    def test_link_to_a_page_or_url(self):
        page = make_request_page(self.home, title="Prices", slug="prices")
        self.assertIn(
            'href="/prices/"', self.render_block(action="link", link_page=page.pk)
        )
        self.assertIn(
            'href="https://elsewhere.example/"',
            self.render_block(action="link", link_url="https://elsewhere.example/"),
        )

    def test_now_booking_follows_accepting_new_patients(self):
        self.assertIn("Now booking new appointments!", self.render_block())
        self.clinic.accepting_new_patients = False
        self.clinic.save()
        self.assertNotIn("Now booking new appointments!", self.render_block())
        self.assertFalse(self.represent()["accepting_new_patients"])
