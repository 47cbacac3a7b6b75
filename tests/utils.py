"""Plain ``make_*`` helpers that build test content with sensible defaults.

Every helper takes keyword arguments that override its defaults, so a test
only spells out what it is about.
"""

import datetime
import io

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from wagtail_clinic.models import (
    Clinic,
    ClinicSettings,
    ConditionIndexPage,
    ConditionPage,
    MassageTypeIndexPage,
    MassageTypePage,
    OpeningHours,
    Therapist,
)


def make_image(**kwargs):
    """A Wagtail image backed by a small PNG drawn in memory."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), "steelblue").save(buffer, "PNG")
    kwargs.setdefault("title", "Therapist at work")
    kwargs.setdefault("file", ImageFile(buffer, name="therapist.png"))
    return get_image_model().objects.create(**kwargs)


def make_clinic(**kwargs):
    """A clinic open Monday to Friday, with a phone number and booking link."""
    kwargs.setdefault("name", "Southside Massage Clinic")
    kwargs.setdefault("phone", "+1 (780) 555-0123")
    kwargs.setdefault("email", "hello@southside.example")
    kwargs.setdefault("street_address", "10123 Whyte Avenue")
    kwargs.setdefault("locality", "Edmonton")
    kwargs.setdefault("region", "AB")
    kwargs.setdefault("postal_code", "T6E 1Z9")
    kwargs.setdefault("country", "CA")
    kwargs.setdefault("service_area", "Edmonton South")
    kwargs.setdefault("booking_url", "https://southside.janeapp.example/")
    kwargs.setdefault(
        "opening_hours",
        [
            OpeningHours(weekday=day, opens=datetime.time(9), closes=datetime.time(17))
            for day in range(1, 6)
        ],
    )
    clinic = Clinic(**kwargs)
    clinic.save()
    return clinic


def make_therapist(**kwargs):
    """A registered massage therapist."""
    kwargs.setdefault("name", "Dana Lee")
    kwargs.setdefault("credentials", "RMT")
    kwargs.setdefault("registration_number", "RMT-01234")
    return Therapist.objects.create(**kwargs)


def make_site_tree():
    """Return ``(root, home)``: the tree root and the default site's root page."""
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        home = root.add_child(instance=Page(title="Home", slug="home"))
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        home = site.root_page
    return root, home


def _add_page(parent, page_class, kwargs):
    kwargs.setdefault("slug", slugify(kwargs["title"]))
    return parent.add_child(instance=page_class(**kwargs))


def make_condition_index(parent, **kwargs):
    kwargs.setdefault("title", "Conditions we treat")
    return _add_page(parent, ConditionIndexPage, kwargs)


def make_condition_page(parent, body=(), **kwargs):
    """A condition article; ``body`` is a raw StreamField list (see article_body)."""
    kwargs.setdefault("title", "Relief From Pain In The Back")
    kwargs.setdefault("condition_name", "Back pain")
    kwargs.setdefault(
        "intro", "How massage for back pain works, and how often to book it."
    )
    return _add_page(parent, ConditionPage, {"body": list(body), **kwargs})


def make_massage_type_index(parent, **kwargs):
    kwargs.setdefault("title", "Massage types")
    return _add_page(parent, MassageTypeIndexPage, kwargs)


def make_massage_type(parent, conditions=(), **kwargs):
    """A massage type page, optionally helping the given condition pages.

    The relation is entered in the articles (see ``choose_massage_types``).
    """
    kwargs.setdefault("title", "Sports massage")
    kwargs.setdefault("summary", "Targets the muscles you use in your sport.")
    kwargs.setdefault("session_lengths", "30,60,90")
    page = _add_page(parent, MassageTypePage, kwargs)
    for condition in conditions:
        choose_massage_types(condition, [page])
    return page


def massage_types_section(massage_types, heading="Types"):
    """A raw "Massage types" block choosing ``massage_types`` (pages)."""
    return {
        "type": "massage_types",
        "value": {
            "heading": heading,
            "intro": "",
            "items": [
                {"page": page.pk, "name": "", "description": ""}
                for page in massage_types
            ],
        },
    }


def choose_massage_types(article, massage_types):
    """Add a "Massage types" section choosing ``massage_types`` to ``article``.

    Saves the article's body, as publishing does: the massage types then
    list it among the conditions they help. Returns the saved article.
    """
    article = type(article).objects.get(pk=article.pk)
    section = massage_types_section(massage_types, heading="Massage that helps")
    article.body = [*article.body.raw_data, section]
    article.save(update_fields=["body"], clean=False)
    return article


def set_default_clinic(site, clinic):
    """Make ``clinic`` the default clinic of ``site``'s ClinicSettings."""
    settings = ClinicSettings.for_site(site)
    settings.default_clinic = clinic
    settings.save()
    return settings


def page_link(page, text=None):
    """A rich-text link to ``page`` in the database (stored) format."""
    return f'<a linktype="page" id="{page.pk}">{text or page.title}</a>'


def article_body(*, image, clinic, massage_types, link_page, paragraphs=1):
    """The reference back-pain article as raw StreamField data, using every block.

    Args:
        image: the image of the image block.
        clinic: the clinic of the booking call to action.
        massage_types: the MassageTypePages listed by the massage_types block.
        link_page: a page that every paragraph links to.
        paragraphs: how many linked paragraphs the first section holds.
    """
    texts = [
        f"<p>Massage eases back pain; read about {page_link(link_page)} ({n}).</p>"
        for n in range(1, paragraphs + 1)
    ]
    return [
        {"type": "heading", "value": {"text": "How massage helps", "level": "2"}},
        *({"type": "paragraph", "value": text} for text in texts),
        {
            "type": "key_fact",
            "value": {
                "value": "85%",
                "statement": "of adults will suffer from back pain.",
                "source_title": "National back pain survey",
                "source_url": "https://health.example/back-pain",
            },
        },
        {"type": "heading", "value": {"text": "Which massage?", "level": "3"}},
        {
            "type": "massage_types",
            "value": {
                "heading": "Types of massage for back pain",
                "intro": "Three kinds help most.",
                "items": [
                    {"page": page.pk, "name": "", "description": ""}
                    for page in massage_types
                ],
            },
        },
        {
            "type": "benefits",
            "value": {
                "heading": "Health benefits",
                "intro": "",
                "items": [
                    {"title": "Less tension", "description": "Muscles relax."},
                    {"title": "Better sleep", "description": "You rest more."},
                ],
            },
        },
        {
            "type": "frequency",
            "value": {
                "heading": "How often?",
                "how_often": "Every 2 to 3 weeks",
                "note": "Weekly at first.",
            },
        },
        {
            "type": "faq",
            "value": {
                "heading": "Questions",
                "items": [
                    {"question": "Does it hurt?", "answer": "<p>It should not.</p>"}
                ],
            },
        },
        {
            "type": "callout",
            "value": {"tone": "disclaimer", "heading": "", "text": ""},
        },
        {
            "type": "image",
            "value": {
                "image": image.pk,
                "decorative": False,
                "alt_text": "A therapist massaging a lower back",
                "caption": "Deep tissue massage",
            },
        },
        {
            "type": "quote",
            "value": {"text": "I can garden again.", "attribution": "A patient"},
        },
        {
            "type": "booking_cta",
            "value": {
                "heading": "Book an appointment",
                "text": "Now booking new appointments!",
                "clinic": clinic.pk,
                "action": "call",
                "button_label": "",
                "link_page": None,
                "link_url": "",
            },
        },
        {
            "type": "references",
            "value": {
                "heading": "Sources",
                "items": [
                    {
                        "title": "Massage for low back pain",
                        "url": "https://journal.example/massage",
                        "publisher": "Cochrane",
                        "year": 2015,
                    }
                ],
            },
        },
    ]
