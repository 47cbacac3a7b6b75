"""A small, complete, published clinic site for the browser tests.

``build_clinic_site()`` creates what a patient meets on a real site: the
default clinic (with a booking link that opens one massage type), a
reviewing therapist, a condition index with the reference back-pain article
(every block, three booking calls to action, comments open), a massage-type
index with three massage types (with images) and the appointment request
page. Tests read everything they assert from the returned ``ClinicSite``,
never from primary keys, so they pass on SQLite and PostgreSQL alike.
"""

import datetime
import io

from dataclasses import dataclass

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import Page, Site

from tests.appointment_utils import make_request_page
from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
    set_default_clinic,
)
from wagtail_clinic.models import (
    AppointmentRequestPage,
    Clinic,
    ConditionIndexPage,
    ConditionPage,
    MassageTypeIndexPage,
    MassageTypePage,
    Therapist,
)


#: Where "book online" buttons naming a massage type send the patient.
BOOKING_URL_TEMPLATE = (
    "https://southside.janeapp.example/book?treatment={massage_type}"
    "&name={massage_type_title}"
)

#: The three massage types: (title, summary, image alt text, image colour).
MASSAGE_TYPES = [
    (
        "Deep tissue massage",
        "Slow, firm pressure that reaches the deeper layers of muscle.",
        "A therapist pressing into a patient's shoulder blade",
        "steelblue",
    ),
    (
        "Shiatsu and acupressure",
        "Finger pressure along the body's meridians to release tension.",
        "Thumbs pressing points along a patient's spine",
        "seagreen",
    ),
    (
        "Sports massage",
        "Targets the muscles you use in your sport, before or after training.",
        "A runner's calf being massaged",
        "darkorange",
    ),
]

#: Headings of the article's three booking calls to action, by action.
CTA_HEADINGS = {
    "book_online": "Book your deep tissue massage online",
    "call": "Call us right away",
    "request_form": "Prefer that we call you?",
}


@dataclass(frozen=True)
class ClinicSite:
    """The pages and snippets of the site ``build_clinic_site`` made."""

    site: Site
    home: Page
    clinic: Clinic
    therapist: Therapist
    condition_index: ConditionIndexPage
    article: ConditionPage
    other_article: ConditionPage
    massage_type_index: MassageTypeIndexPage
    massage_types: list[MassageTypePage]
    request_page: AppointmentRequestPage

    @property
    def deep_tissue(self):
        """The massage type the article's "book online" button opens."""
        return self.massage_types[0]


def publish(page):
    """Publish ``page``'s current content as a revision, as an editor would."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def cta(heading, action, *, clinic=None, massage_type=None, text=""):
    """A raw ``booking_cta`` block."""
    return {
        "type": "booking_cta",
        "value": {
            "heading": heading,
            "text": text,
            "clinic": clinic.pk if clinic is not None else None,
            "action": action,
            "massage_type": massage_type.pk if massage_type is not None else None,
            "button_label": "",
            "link_page": None,
            "link_url": "",
        },
    }


def reference_article_body(*, image, clinic, massage_types, link_page):
    """The reference article with book-online, call and request-form buttons.

    ``article_body`` already has every block, with one "call" button; its
    heading is replaced and the two other kinds of button are added after it.
    """
    body = article_body(
        image=image,
        clinic=clinic,
        massage_types=massage_types,
        link_page=link_page,
    )
    (call_index,) = [
        index for index, block in enumerate(body) if block["type"] == "booking_cta"
    ]
    body[call_index]["value"]["heading"] = CTA_HEADINGS["call"]
    body[call_index]["value"]["text"] = (
        "Call Southside Massage Clinic right away to start feeling better."
    )
    body[call_index + 1 : call_index + 1] = [
        cta(
            CTA_HEADINGS["book_online"],
            "book_online",
            massage_type=massage_types[0],
            text="Pick a time that suits you in our online booking system.",
        ),
        cta(
            CTA_HEADINGS["request_form"],
            "request_form",
            text="Tell us when suits you and we will find a time.",
        ),
    ]
    return body


def massage_type_body(massage_type_title):
    """A short massage-type page body: a section and a "book online" button."""
    return [
        {"type": "heading", "value": {"text": "What to expect", "level": "2"}},
        {
            "type": "paragraph",
            "value": (
                f"<p>A {massage_type_title.lower()} session starts with a short "
                "talk about your health and goals.</p>"
            ),
        },
        cta(f"Book {massage_type_title.lower()}", "book_online"),
    ]


def build_clinic_site():
    """Create and publish the whole site; return it as a ``ClinicSite``."""
    _root, home = make_site_tree()
    site = Site.objects.get(is_default_site=True)
    clinic = make_clinic(booking_url_template=BOOKING_URL_TEMPLATE)
    settings = set_default_clinic(site, clinic)
    # Comments are off by default, site-wide and per page: the article opens them.
    settings.comments_enabled = True
    settings.save()
    therapist = make_therapist()

    condition_index = make_condition_index(
        home, intro="<p>Articles about the conditions massage can help with.</p>"
    )
    massage_type_index = make_massage_type_index(
        home, intro="<p>The kinds of massage our therapists offer.</p>"
    )
    massage_types = [
        make_massage_type(
            massage_type_index,
            title=title,
            summary=summary,
            image=_image(title, colour),
            image_alt=alt,
            body=massage_type_body(title),
        )
        for title, summary, alt, colour in MASSAGE_TYPES
    ]
    request_page = make_request_page(
        home,
        intro="<p>Tell us when suits you; we answer within one working day.</p>",
    )

    today = timezone.localdate()
    article = make_condition_page(
        condition_index,
        also_known_as="lumbago, backache",
        intro=(
            "As many as 85% of adults will suffer from back pain. Here is how "
            "massage for back pain works, and how often to book it."
        ),
        hero_image=_image("Lower back massage", "slategray"),
        hero_image_alt="A therapist massaging a patient's lower back",
        reviewed_by=therapist,
        last_reviewed=today - datetime.timedelta(days=30),
        next_review_due=today + datetime.timedelta(days=335),
        comments_enabled=True,
    )
    article.body = reference_article_body(
        image=_image("Deep tissue massage in progress", "steelblue"),
        clinic=clinic,
        massage_types=massage_types,
        link_page=massage_types[1],
    )
    publish(article)
    other_article = publish(
        make_condition_page(
            condition_index,
            title="Easing Neck Pain",
            condition_name="Neck pain",
            intro="Why your neck hurts, and what massage can do about it.",
            body=[
                {"type": "heading", "value": {"text": "Causes", "level": "2"}},
                {"type": "paragraph", "value": "<p>Mostly posture.</p>"},
            ],
        )
    )
    for massage_type in massage_types:
        massage_type.conditions.set([article, other_article])
        publish(massage_type)
    for page in (condition_index, massage_type_index, request_page):
        publish(page)

    return ClinicSite(
        site=site,
        home=home,
        clinic=clinic,
        therapist=therapist,
        condition_index=condition_index,
        article=article,
        other_article=other_article,
        massage_type_index=massage_type_index,
        massage_types=massage_types,
        request_page=request_page,
    )


def _image(title, colour):
    """A Wagtail image of one colour (so the pages look like a real site)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), colour).save(buffer, "PNG")
    name = title.lower().replace(" ", "-") + ".png"
    return make_image(title=title, file=ImageFile(buffer, name=name))


__all__ = [
    "BOOKING_URL_TEMPLATE",
    "CTA_HEADINGS",
    "MASSAGE_TYPES",
    "ClinicSite",
    "build_clinic_site",
]
