"""Build the JSON values of images, pages, clinics and therapists.

One function per kind of reference, shared by every block and page field, so
the same object always has the same shape in the API (see ``schemas``). They
use only data loaded in bulk beforehand (see ``blocks.choosers``): no
function here queries the database once renditions exist.
"""

from django.conf import settings

from wagtail_clinic.conf import clinic_settings


def absolute_url(url):
    """Make a root-relative media URL absolute with ``WAGTAILADMIN_BASE_URL``."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if url.startswith("/") and base:
        return base.rstrip("/") + url
    return url


def image_representation(image, alt=""):
    """``ClinicImage`` for ``image`` (or None), with the configured renditions.

    Args:
        image: a Wagtail image, ideally loaded with its renditions prefetched.
        alt: the alt text to report; "" for decorative images.
    """
    if image is None:
        return None
    purposes = clinic_settings.RENDITIONS
    renditions = image.get_renditions(*purposes.values())
    return {
        "id": image.pk,
        "title": image.title,
        "alt": alt or "",
        "width": image.width,
        "height": image.height,
        "url": absolute_url(image.file.url),
        "renditions": {
            purpose: {
                "url": absolute_url(renditions[spec].url),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for purpose, spec in purposes.items()
        },
    }


def page_image(page):
    """The card image of a page and its alt text, as ``(image, alt)``."""
    for field, alt_field in (("image", "image_alt"), ("hero_image", "hero_image_alt")):
        image = getattr(page, field, None)
        if image is not None:
            return image, getattr(page, alt_field, "")
    return None, ""


def page_summary(page):
    """The one-line summary of a page: its summary, lede or search description."""
    for field in ("summary", "intro", "search_description"):
        value = getattr(page, field, "")
        if isinstance(value, str) and value:
            return value
    return ""


def page_representation(page, request=None):
    """``ClinicPageLink`` for a (specific) page, or None.

    Args:
        page: the page; pass specific instances so ``summary`` and ``image``
            are available (chooser blocks load them in bulk).
        request: the current request, which caches the site root paths.
    """
    if page is None:
        return None
    image, alt = page_image(page)
    return {
        "id": page.pk,
        "type": page.specific_class._meta.label,
        "title": page.title,
        "url": page.get_full_url(request) or "",
        "path": page.get_url(request) or "",
        "summary": page_summary(page),
        "image": image_representation(image, alt),
    }


def clinic_representation(clinic):
    """``ClinicDetails`` for a clinic (or None), its opening hours included."""
    if clinic is None:
        return None
    geo = None
    if clinic.latitude is not None and clinic.longitude is not None:
        geo = {"latitude": float(clinic.latitude), "longitude": float(clinic.longitude)}
    return {
        "id": clinic.pk,
        "name": clinic.name,
        "phone": clinic.phone,
        "tel_href": clinic.tel_href,
        "email": clinic.email,
        "booking_url": clinic.booking_url,
        "accepting_new_patients": clinic.accepting_new_patients,
        "service_area": clinic.service_area,
        "address": {
            "street_address": clinic.street_address,
            "locality": clinic.locality,
            "region": clinic.region,
            "postal_code": clinic.postal_code,
            "country": clinic.country.upper(),
        },
        "geo": geo,
        "opening_hours": [
            {
                "weekday": row.weekday,
                "day": str(row.get_weekday_display()),
                "opens": row.opens.strftime("%H:%M"),
                "closes": row.closes.strftime("%H:%M"),
            }
            for row in clinic.hours
        ],
    }


def therapist_representation(therapist):
    """``ClinicTherapist`` for a therapist, or None."""
    if therapist is None:
        return None
    return {
        "id": therapist.pk,
        "name": therapist.name,
        "credentials": therapist.credentials,
        "display_name": therapist.display_name,
        "registration_number": therapist.registration_number,
        "photo": image_representation(therapist.photo, therapist.display_name),
    }
