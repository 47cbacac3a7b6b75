"""Where booking buttons send patients: deep links and the request form page (layer 3).

* ``booking_link(clinic, massage_type)``: the clinic's online booking URL,
  or, when the clinic has a ``booking_url_template`` such as
  ``https://clinic.example/book?treatment={massage_type}`` and a massage type
  is known, that template filled in (values URL-encoded).
* ``find_request_form_page(request)``: the site's live, public
  ``AppointmentRequestPage``, which a "request form" button without a chosen
  page links to.

Used by the booking call to action block and by ``Clinic`` (which validates
its ``booking_url_template`` with ``validate_booking_url_template``). The
pages are recognised without importing the page models: massage type pages
by their ``is_massage_type_page`` class attribute, the request form page
model through the app registry, when called.
"""

import string

from urllib.parse import quote

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from wagtail_clinic.serialisation.translations import (
    current_content_locale,
    in_locale,
    request_locale,
)


#: Placeholders a booking URL template may use, and what fills them.
BOOKING_PLACEHOLDERS = {
    "massage_type": lambda page: page.slug,
    "massage_type_id": lambda page: str(page.pk),
    "massage_type_title": lambda page: page.title,
}

_SAMPLE = {"massage_type": "sports-massage", "massage_type_id": "1"}


def _placeholders(template):
    """The placeholder names of a template; ValueError if it is malformed."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name or spec or conversion or name not in BOOKING_PLACEHOLDERS:
            raise ValueError(name)
        names.append(name)
    return names


def validate_booking_url_template(value):
    """Check a booking URL template: known placeholders, a web address once filled."""
    if not value:
        return
    try:
        names = _placeholders(value)
    except ValueError as error:
        raise ValidationError(
            _(
                "Use only these placeholders, in braces: %(names)s. Write a "
                "literal brace as {{ or }}."
            )
            % {"names": ", ".join(f"{{{name}}}" for name in BOOKING_PLACEHOLDERS)},
            code="placeholder",
        ) from error
    if not names:
        raise ValidationError(
            _(
                "Add a placeholder such as {massage_type}, or use the booking URL field."
            ),
            code="no_placeholder",
        )
    filled = value.format(**{name: _SAMPLE.get(name, "x") for name in names})
    URLValidator(schemes=["http", "https"])(filled)


def booking_link(clinic, massage_type=None):
    """The URL a "book online" button opens, or "" when the clinic has none.

    Args:
        clinic: the clinic, or None.
        massage_type: a ``MassageTypePage`` to book, or None.
    """
    if clinic is None:
        return ""
    template = getattr(clinic, "booking_url_template", "")
    if template and massage_type is not None:
        try:
            names = _placeholders(template)
        except ValueError:
            names = None  # Saved before validation existed: fall back.
        if names:
            values = {
                name: quote(BOOKING_PLACEHOLDERS[name](massage_type), safe="")
                for name in names
            }
            return template.format(**values)
    return clinic.booking_url or ""


def massage_type_of(page):
    """``page`` if it is a live massage type page, else None.

    A massage type page is one whose class sets ``is_massage_type_page``
    (as ``AbstractMassageTypePage`` does).
    """
    page = getattr(page, "specific_deferred", page) if page is not None else None
    if getattr(page, "is_massage_type_page", False) and page.live:
        return page
    return None


_CACHE_ATTR = "_wagtail_clinic_request_form_page"


def find_request_form_page(request=None):
    """The live, public ``AppointmentRequestPage`` to link to, or None.

    The request's site is searched first, then the default site, then the
    whole tree; the page found is shown in the locale of the content being
    rendered (its translation, if live). The result is cached on the
    request, so a page with several "request form" buttons looks it up once.
    """
    if request is not None and hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    page_model = apps.get_model("wagtail_clinic", "AppointmentRequestPage")
    pages = page_model.objects.live().public().order_by("path")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    page = pages.in_site(site).first() if site is not None else None
    if page is None:
        page = pages.first()
    # The form in the language of the page linking to it (the site's tree
    # holds the default language's; its translations sit beside it).
    locale = current_content_locale()
    if locale is None and request is not None:
        locale = request_locale(request)
    if page is not None and locale is not None:
        page = in_locale(page, locale)
    if request is not None:
        setattr(request, _CACHE_ATTR, page)
    return page
