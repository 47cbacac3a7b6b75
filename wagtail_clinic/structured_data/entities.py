"""Schema.org structured data (JSON-LD) builders (layer 4b: page-facing feature code).

Pure functions that turn a page into a list of schema.org entities (plain
dicts, ready for ``json.dumps``), and ``render_script()``, the one place that
turns the data into a ``<script type="application/ld+json">`` tag (used by
the ``clinic_json_ld`` template tag).

Every top-level entity carries its own ``@context``, so the list is a complete
JSON-LD document on its own: the HTML embeds it as is and the API serves the
same list as ``structured_data``. Entities refer to each other by ``@id``:

* ``<page URL>#webpage`` — the page itself (``MedicalWebPage``, ``WebPage``,
  ``CollectionPage``);
* ``<page URL>#breadcrumb``, ``<page URL>#faq``, ``<page URL>#condition``;
* ``<massage-type page URL>#therapy`` — a massage type as ``MedicalTherapy``,
  the same ``@id`` wherever an article lists it;
* ``<site root>/#clinic`` — the site's default clinic (``MedicalClinic``), the
  publisher of every page.

Which entities describe a page is the page's own business: each page type's
``structured_data_entities(ld, context)`` (see ``mixins.StructuredDataMixin``)
calls the builders for its kind (``condition_page_entities``,
``massage_type_page_entities``, ``index_entities``, ``page_entities``), so
nothing here knows the page classes.

Nothing here queries the database per item: massage types come from the
chooser values the body loaded in bulk, index pages reuse the page of
children their view already fetched.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.images.shortcuts import get_rendition_or_not_found

from wagtail_clinic.blocks.citations import collect_citations
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.preview.frontends import frontend_page_url
from wagtail_clinic.serialisation.representations import (
    absolute_url,
    clinic_with_hours,
    meta_description,
    page_image,
    plain_text,
    site_clinic_settings,
    trail_ancestors,
)
from wagtail_clinic.serialisation.site import (
    get_clinic_settings,
    localized_default_clinic,
)
from wagtail_clinic.serialisation.site import site_name as get_site_name
from wagtail_clinic.serialisation.translations import page_language


SCHEMA_CONTEXT = "https://schema.org"

# The escapes of django.utils.html.json_script (a private name there): with
# them no "</script>", "<!--" or "&" sequence can end the script element early.
_JSON_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
}

WEEKDAYS = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}

# Google shows headlines of at most 110 characters.
HEADLINE_LENGTH = 110


# --- Rendering ---------------------------------------------------------------------


def to_json(data):
    """``data`` as JSON that is safe inside an HTML ``<script>`` element."""
    return json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)


def render_script(data):
    """``data`` as a ``<script type="application/ld+json">`` element (safe HTML).

    ``<``, ``>`` and ``&`` are escaped as ``\\u003C``, ``\\u003E`` and
    ``\\u0026``, exactly like ``django.utils.html.json_script``, so a title
    such as ``</script><script>…`` stays inside the JSON string.
    """
    # Safe: to_json() escapes every character that could end the element.
    script = mark_safe(to_json(data))  # noqa: S308
    return format_html('<script type="application/ld+json">{}</script>', script)


# --- Small builders -----------------------------------------------------------------


def ref(entity_id):
    """A reference to another entity by its ``@id``."""
    return {"@id": entity_id}


def _compact(entity):
    """``entity`` without keys whose value is None, "" or an empty list."""
    return {
        key: value
        for key, value in entity.items()
        if value is not None and value != "" and value != []
    }


def _iso(value):
    return value.isoformat() if value else None


def pixels(value):
    """A length in pixels, as schema.org's ``QuantitativeValue`` (UN/CEFACT E37)."""
    return {"@type": "QuantitativeValue", "value": value, "unitCode": "E37"}


class LinkedData:
    """What the builders share for one page: request, URLs, site and clinic.

    Args:
        page: the page being described.
        request: the current request, or None (e.g. API v3, management
            commands): then the page's own site gives the clinic.
    """

    def __init__(self, page, request=None):
        self.page = page
        self.request = request
        site_id, root_url, path = page.get_url_parts(request) or (None, None, None)
        self.root_url = (root_url or "").rstrip("/")
        self.page_url = (
            self.root_url + path if root_url is not None and path is not None else None
        )
        self.site_id = site_id
        self.clinic = _default_clinic(page, request, site_id)

    @cached_property
    def site_name(self):
        """The site's name (see ``serialisation.site.site_name``)."""
        return get_site_name(self.request, self.site_id)

    @property
    def clinic_id(self):
        """The clinic's ``@id``: ``<site root>/#clinic``."""
        return f"{self.root_url}/#clinic"

    def id(self, fragment):
        """The ``@id`` of one of this page's entities, e.g. ``…/back-pain/#faq``."""
        return f"{self.page_url}#{fragment}"

    def url(self, page):
        """The full URL of ``page`` (the request caches the site root paths)."""
        return page.get_full_url(self.request)

    def absolute(self, url):
        """``url`` made absolute on the site's root URL."""
        return absolute_url(url, self.root_url)

    def publisher(self):
        """A reference to the clinic, or the site as an organisation."""
        if self.clinic is not None:
            return ref(self.clinic_id)
        if self.site_name:
            return {
                "@type": "Organization",
                "name": self.site_name,
                "url": f"{self.root_url}/",
            }
        return None


def _default_clinic(page, request, site_id):
    """The default clinic of the request's site, or else of the page's own site.

    Reuses the settings and the clinic (with its hours) that the API
    serialisation of the same page has loaded already, if any.
    """
    if request is not None or site_id is None:
        site_settings = get_clinic_settings(request)  # Cached on the request.
    else:
        site_settings = site_clinic_settings(page, site_id)
    # In the page's own locale, else the default locale's (no query when the
    # clinic is in the page's locale; remembered on the settings).
    clinic = localized_default_clinic(site_settings, getattr(page, "locale_id", None))
    return clinic_with_hours(page, clinic)


def image_entity(ld, image, alt=""):
    """An ``ImageObject`` for the "hero" rendition of ``image`` (or None)."""
    if image is None:
        return None
    rendition = get_rendition_or_not_found(image, clinic_settings.RENDITIONS["hero"])
    return _compact(
        {
            "@type": "ImageObject",
            "url": ld.absolute(rendition.url),
            "width": pixels(rendition.width),
            "height": pixels(rendition.height),
            "description": alt,
        }
    )


def page_image_entity(ld, page):
    """An ``ImageObject`` for the page's card image (see ``page_image``), or None."""
    image, alt = page_image(page)
    return image_entity(ld, image, alt)


#: The page's description, as in ``<meta name="description">``.
description = meta_description


# --- The clinic ----------------------------------------------------------------------


def opening_hours_specification(clinic):
    """The clinic's hours as ``OpeningHoursSpecification`` entities.

    Days with the same hours share one entity (``dayOfWeek`` lists them).
    """
    grouped = {}
    for row in clinic.hours:
        key = (row.opens.strftime("%H:%M"), row.closes.strftime("%H:%M"))
        grouped.setdefault(key, []).append(WEEKDAYS[row.weekday])
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": days,
            "opens": opens,
            "closes": closes,
        }
        for (opens, closes), days in grouped.items()
    ]


def postal_address(clinic):
    """The clinic's ``PostalAddress`` (None if it has no address at all)."""
    address = _compact(
        {
            "@type": "PostalAddress",
            "streetAddress": clinic.street_address,
            "addressLocality": clinic.locality,
            "addressRegion": clinic.region,
            "postalCode": clinic.postal_code,
            "addressCountry": clinic.country.upper(),
        }
    )
    return address if len(address) > 1 else None


def reserve_action(clinic):
    """A ``ReserveAction`` whose target is the clinic's online booking page."""
    if not clinic.booking_url:
        return None
    return {
        "@type": "ReserveAction",
        "name": gettext("Book an appointment"),
        "target": {
            "@type": "EntryPoint",
            "urlTemplate": clinic.booking_url,
            "actionPlatform": [
                "https://schema.org/DesktopWebPlatform",
                "https://schema.org/MobileWebPlatform",
            ],
        },
        "result": {"@type": "Reservation", "name": gettext("Appointment")},
    }


def clinic_entity(clinic, root_url):
    """The clinic as a ``MedicalClinic`` (a ``MedicalBusiness``), ``@id`` ``…/#clinic``.

    Args:
        clinic: a ``Clinic``, ideally with its opening hours prefetched.
        root_url: the site's root URL, e.g. ``https://clinic.example``.
    """
    root_url = root_url.rstrip("/")
    geo = None
    if clinic.latitude is not None and clinic.longitude is not None:
        geo = {
            "@type": "GeoCoordinates",
            "latitude": float(clinic.latitude),
            "longitude": float(clinic.longitude),
        }
    return _compact(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "MedicalClinic",
            "@id": f"{root_url}/#clinic",
            "name": clinic.name,
            "url": f"{root_url}/",
            "telephone": clinic.phone,
            "email": clinic.email,
            "address": postal_address(clinic),
            "geo": geo,
            "openingHoursSpecification": opening_hours_specification(clinic),
            "areaServed": clinic.service_area,
            "isAcceptingNewPatients": clinic.accepting_new_patients,
            "potentialAction": reserve_action(clinic),
        }
    )


# --- People, sources, questions, breadcrumbs -------------------------------------


def person_entity(ld, therapist):
    """A therapist as a ``Person`` with their credentials.

    ``honorificSuffix`` holds the credentials as written ("RMT"); each of them
    (comma separated) is also a ``hasCredential`` entry, the first one with
    the registration number as its ``identifier``.
    """
    names = [c.strip() for c in therapist.credentials.split(",") if c.strip()]
    credentials = [
        _compact({"@type": "EducationalOccupationalCredential", "name": name})
        for name in names
    ]
    if credentials and therapist.registration_number:
        credentials[0]["identifier"] = therapist.registration_number
    works_for = None
    if ld.clinic is not None and therapist.clinic_id == ld.clinic.pk:
        works_for = ref(ld.clinic_id)
    return _compact(
        {
            "@type": "Person",
            "@id": f"{ld.root_url}/#therapist-{therapist.pk}",
            "name": therapist.name,
            "honorificSuffix": therapist.credentials,
            "hasCredential": credentials,
            "worksFor": works_for,
        }
    )


def citation_entities(citations):
    """The sources of a page (see ``citations``) as ``CreativeWork`` entities."""
    entities = []
    for citation in citations:
        publisher = (
            {"@type": "Organization", "name": citation.publisher}
            if citation.publisher
            else None
        )
        entities.append(
            _compact(
                {
                    "@type": "CreativeWork",
                    "name": citation.title,
                    "url": citation.url,
                    "publisher": publisher,
                    "datePublished": str(citation.year) if citation.year else None,
                }
            )
        )
    return entities


def faq_entity(ld, stream_value):
    """One ``FAQPage`` for all the FAQ blocks of a stream, or None."""
    questions = []
    for child in stream_value or ():
        if child.block_type != "faq":
            continue
        for item in child.value.get("items") or ():
            answer = plain_text(item.get("answer"))
            if item.get("question") and answer:
                questions.append(
                    {
                        "@type": "Question",
                        "name": item["question"],
                        "acceptedAnswer": {"@type": "Answer", "text": answer},
                    }
                )
    if not questions:
        return None
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "FAQPage",
        "@id": ld.id("faq"),
        "url": ld.page_url,
        "mainEntity": questions,
    }


def breadcrumb_entity(ld):
    """A ``BreadcrumbList`` from the site's home page down to the page, or None."""
    page = ld.page
    if page.pk is None or not page.path:
        return None  # A preview of a page that does not exist yet.
    trail = [*trail_ancestors(page), page]
    items = []
    for crumb in trail:
        # On a site with a headless frontend, every crumb is the frontend's,
        # whatever its page type (the host's home page, generic ancestors).
        url = frontend_page_url(crumb, ld.request) or crumb.get_full_url(ld.request)
        if url is None:
            continue  # Above the site's root page.
        items.append(
            {
                "@type": "ListItem",
                "position": len(items) + 1,
                "name": crumb.title,
                "item": url,
            }
        )
    if len(items) < 2:
        return None
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "@id": ld.id("breadcrumb"),
        "itemListElement": items,
    }


def therapy_entity(ld, page=None, *, name="", description_text=""):
    """A massage type as a ``MedicalTherapy``.

    Args:
        page: the massage-type page, if there is a live one; it gives the
            entity its ``@id`` and URL.
        name: the name to use (defaults to the page title).
        description_text: a description (defaults to the page's summary).
    """
    url = ld.url(page) if page is not None else None
    return _compact(
        {
            "@type": "MedicalTherapy",
            "@id": f"{url}#therapy" if url else None,
            "name": name or (page.title if page is not None else ""),
            "description": description_text
            or (getattr(page, "summary", "") if page is not None else ""),
            "url": url,
        }
    )


def massage_therapies(ld, stream_value):
    """A ``MedicalTherapy`` for each massage type the stream's lists present.

    Uses the values the chooser blocks loaded in bulk, so it costs no query.
    A massage type listed twice appears once.
    """
    therapies, seen = [], set()
    for child in stream_value or ():
        if child.block_type != "massage_types":
            continue
        for item in child.value.get("items") or ():
            if not item.title:
                continue
            therapy = therapy_entity(
                ld,
                item.linked_page,
                name=item.title,
                description_text=item.description_text,
            )
            key = therapy.get("@id") or therapy["name"].casefold()
            if key not in seen:
                seen.add(key)
                therapies.append(therapy)
    return therapies


# --- Pages -------------------------------------------------------------------------


def web_page_entity(ld, schema_type="WebPage", **extra):
    """The page itself as a ``WebPage`` (or a subtype), ``@id`` ``…#webpage``."""
    page = ld.page
    modified = page.last_published_at or page.latest_revision_created_at
    return _compact(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": schema_type,
            "@id": ld.id("webpage"),
            "url": ld.page_url,
            "name": page.seo_title or page.title,
            "description": meta_description(page),
            "datePublished": _iso(page.first_published_at),
            "dateModified": _iso(modified),
            "publisher": ld.publisher(),
            "inLanguage": page_language(page),
            **extra,
        }
    )


def common_entities(ld):
    """The breadcrumb trail and the clinic: on every page."""
    entities = [breadcrumb_entity(ld)]
    if ld.clinic is not None:
        entities.append(clinic_entity(ld.clinic, ld.root_url))
    return entities


def _breadcrumb_ref(ld, entities):
    crumbs = next((e for e in entities if e and e["@type"] == "BreadcrumbList"), None)
    return ref(crumbs["@id"]) if crumbs else None


def _article_sources(ld, page):
    """The sources the page's body cites, as ``CreativeWork`` entities."""
    citations = collect_citations(getattr(page, "body", None))
    return citation_entities(citations)


def condition_page_entities(ld):
    """A condition article: ``MedicalWebPage`` about a ``MedicalCondition``."""
    page = ld.page
    common = common_entities(ld)
    condition = _compact(
        {
            "@type": "MedicalCondition",
            "@id": ld.id("condition"),
            "name": page.condition_name or page.title,
            "alternateName": page.alternate_names,
            "possibleTreatment": massage_therapies(ld, page.body),
        }
    )
    reviewer = page.reviewed_by if page.reviewed_by_id else None
    article = web_page_entity(
        ld,
        "MedicalWebPage",
        headline=page.title[:HEADLINE_LENGTH],
        about=condition,
        medicalAudience={"@type": "MedicalAudience", "audienceType": "Patient"},
        lastReviewed=_iso(page.last_reviewed),
        reviewedBy=person_entity(ld, reviewer) if reviewer is not None else None,
        image=page_image_entity(ld, page),
        citation=_article_sources(ld, page),
        author=ref(ld.clinic_id) if ld.clinic is not None else None,
        breadcrumb=_breadcrumb_ref(ld, common),
    )
    return [article, faq_entity(ld, page.body), *common]


def massage_type_page_entities(ld):
    """A massage type: a ``WebPage`` about a ``MedicalTherapy``."""
    page = ld.page
    common = common_entities(ld)
    therapy = _compact(
        {
            "@context": SCHEMA_CONTEXT,
            **therapy_entity(ld, page),
            "alternateName": page.alternate_names,
            "image": page_image_entity(ld, page),
        }
    )
    web_page = web_page_entity(
        ld,
        about=ref(therapy["@id"]),
        mainEntity=ref(therapy["@id"]),
        image=therapy.get("image"),
        citation=_article_sources(ld, page),
        breadcrumb=_breadcrumb_ref(ld, common),
    )
    return [web_page, therapy, faq_entity(ld, page.body), *common]


def _children_page(context, name):
    """The Django ``Page`` of children the index view put in ``context[name]``."""
    if context is None:
        return None
    try:
        value = context.get(name)
    except AttributeError:
        return None
    return value if hasattr(value, "object_list") else None


def index_page_entities(ld, children, *, start=1, total=None):
    """An index page: a ``CollectionPage`` whose main entity lists ``children``.

    Args:
        children: the (specific) child pages shown, in order.
        start: the position of the first of them (for later pages of a list).
        total: how many children there are in all pages of the list.
    """
    common = common_entities(ld)
    items = [
        {
            "@type": "ListItem",
            "position": start + offset,
            "url": ld.url(child),
            "name": child.title,
        }
        for offset, child in enumerate(children)
    ]
    item_list = {
        "@type": "ItemList",
        "itemListElement": items,
        "numberOfItems": total if total is not None else len(items),
    }
    collection = web_page_entity(
        ld,
        "CollectionPage",
        mainEntity=item_list,
        breadcrumb=_breadcrumb_ref(ld, common),
    )
    return [collection, *common]


def index_entities(ld, context, context_name, queryset):
    """Index-page entities for the children the view put in ``context``.

    Args:
        ld: the page's ``LinkedData``.
        context: the template context, or None.
        context_name: the context key of the Django ``Page`` of children.
        queryset: the children; without a template context (e.g. in the
            API), their first page is loaded from it.
    """
    page_obj = _children_page(context, context_name)
    if page_obj is not None:
        return index_page_entities(
            ld,
            list(page_obj.object_list),
            start=page_obj.start_index(),
            total=page_obj.paginator.count,
        )
    return index_page_entities(ld, list(queryset[: clinic_settings.INDEX_PAGE_SIZE]))


def page_entities(ld):
    """Any page: a ``WebPage`` with the breadcrumb trail and the clinic."""
    common = common_entities(ld)
    return [web_page_entity(ld, breadcrumb=_breadcrumb_ref(ld, common)), *common]


def structured_data_for_page(page, request=None, context=None):
    """The schema.org entities that describe ``page``, as a list of dicts.

    Args:
        page: a (specific) page; a page with a ``structured_data_entities(ld,
            context)`` method (see ``StructuredDataMixin``) describes itself,
            any other page is a ``WebPage``.
        request: the current request, or None to use the page's own site.
        context: the template context, when rendering; index pages reuse the
            list of children their view already loaded from it.

    Returns:
        A list of entities, each with its own ``@context``: a complete JSON-LD
        document. Empty if the page has no URL.
    """
    ld = LinkedData(page, request)
    if ld.page_url is None:
        return []
    describe = getattr(page, "structured_data_entities", None)
    entities = describe(ld, context) if describe is not None else page_entities(ld)
    return [entity for entity in entities if entity]
