"""Build the JSON values of images, pages, clinics, therapists and rich text (layer 2).

One function per kind of reference, shared by every block and page field, so
the same object always has the same shape in the API (see ``schemas``). They
use only data loaded in bulk beforehand (see ``blocks.choosers``): no
function here queries the database once renditions exist.

The second half holds the helpers blocks use to read their serialisation
context (the request, the rich text format) and to share per-request values
(the default clinic, the disclaimer) between the blocks of one response.

Page descriptions have one chain here: ``page_summary`` (cards and the API:
the editor's summary first) and ``meta_description`` (``<meta
name="description">``, Open Graph and JSON-LD: the SEO field first).
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import prefetch_related_objects
from django.utils.html import format_html, linebreaks
from django.utils.text import Truncator
from wagtail.api.rich_text import APIRichText
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage
from wagtail.models import Page, Site
from wagtail.rich_text import RichText, expand_db_html, get_text_for_indexing
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.richtext import expand_rich_text_in
from wagtail_clinic.serialisation.site import (
    DEFAULT_DISCLAIMER,
    get_clinic_settings,
    settings_for_site,
)


#: The length ``meta_description`` shortens descriptions to (about).
META_DESCRIPTION_LENGTH = 160


def absolute_url(url, base=None):
    """Make a root-relative URL (e.g. of a rendition) absolute.

    Args:
        url: a URL; absolute and protocol-relative (``//…``) URLs, and "",
            are returned unchanged.
        base: the root to put in front, e.g. a site's root URL; None for
            ``WAGTAILADMIN_BASE_URL``. An empty base leaves ``url`` as it is.
    """
    if base is None:
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if not url or not base or not url.startswith("/") or url.startswith("//"):
        return url
    return base.rstrip("/") + url


def page_root_url(page, request=None):
    """The root URL of ``page``'s site from its Site record, or None if unrouted.

    The same root as ``Page.get_full_url`` (and so the canonical URL, Open
    Graph and JSON-LD), e.g. ``http://127.0.0.1:8302``. Costs no query once
    Wagtail's site root paths are cached (on ``request`` if given).
    """
    parts = page.get_url_parts(request) if page is not None else None
    return parts[1] if parts and parts[1] else None


def image_representation(image, alt="", base=None):
    """``ClinicImage`` for ``image`` (or None), with the configured renditions.

    Args:
        image: a Wagtail image, ideally loaded with its renditions prefetched.
        alt: the alt text to report; "" for decorative images.
        base: the root its URLs start with: the root URL of the site of the
            page showing it (``page_root_url``) where there is one, so they
            agree with the page's own URLs; None for ``WAGTAILADMIN_BASE_URL``
            (as Wagtail's ``rendition.full_url``), which the W5xx system
            checks keep equal to the default site's root URL.
    """
    from wagtail.images.models import SourceImageIOError

    if image is None:
        return None
    purposes = clinic_settings.RENDITIONS
    try:
        renditions = image.get_renditions(*purposes.values())
    except SourceImageIOError:
        # The original file is missing (e.g. a database copied without its
        # media): list no renditions rather than fail the whole response.
        purposes, renditions = {}, {}
    return {
        "id": image.pk,
        "title": image.title,
        "alt": alt or "",
        "width": image.width,
        "height": image.height,
        "url": absolute_url(image.file.url, base),
        "renditions": {
            purpose: {
                "url": absolute_url(renditions[spec].url, base),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for purpose, spec in purposes.items()
        },
    }


def image_alt_text(image, override=""):
    """The alt text of ``image`` where a page shows it: ``override``, else the image's own.

    The page's alt field (``hero_image_alt``, ``image_alt``) is an optional
    override; the image's own alt text is its ``description`` (Images ›
    edit), or ``default_alt_text`` where a custom image model redefines it.
    Never the image's title (often a file name): with neither text set the
    image is decorative and the alt text is "".

    Args:
        image: a Wagtail image, or None ("" then).
        override: the page's alt text for it, "" or None for none.
    """
    override = (override or "").strip()
    if override or image is None:
        return override
    if type(image).default_alt_text is not AbstractImage.default_alt_text:
        return image.default_alt_text or ""
    return (getattr(image, "description", "") or "").strip()


def page_image(page):
    """The card image of a page and its alt text, as ``(image, alt)``.

    The alt text is the page's override, else the image's own (see
    ``image_alt_text``).
    """
    for field, alt_field in (("image", "image_alt"), ("hero_image", "hero_image_alt")):
        image = getattr(page, field, None)
        if image is not None:
            return image, image_alt_text(image, getattr(page, alt_field, ""))
    return None, ""


def plain_text(rich_text):
    """The text of a rich text value (or HTML string), whitespace collapsed."""
    source = getattr(rich_text, "source", rich_text) or ""
    return " ".join(get_text_for_indexing(str(source)).split())


def _plain_text(page, name):
    """The value of the text field ``name`` of ``page`` as plain text ("" if none).

    A rich text field (as the index pages' intro) is reduced to its text, so
    no database HTML ever reaches a card or a meta tag.
    """
    value = getattr(page, name, "")
    if not isinstance(value, str) or not value:
        return ""
    try:
        rich = isinstance(page._meta.get_field(name), RichTextField)
    except (AttributeError, FieldDoesNotExist):
        rich = False
    return get_text_for_indexing(value) if rich else value


def page_summary(page):
    """The one-line summary of a page: its summary, lede or search description.

    What cards and the API show: the editor's summary first. Always plain text.
    """
    for name in ("summary", "intro", "search_description"):
        text = _plain_text(page, name)
        if text:
            return text
    return ""


def meta_description(page):
    """Plain text for ``<meta name="description">``, Open Graph and JSON-LD.

    The page's search description (the SEO field), else its summary or
    intro (see ``page_summary``), whitespace collapsed and shortened to
    about ``META_DESCRIPTION_LENGTH`` characters. "" for no page.
    """
    if page is None:
        return ""
    text = _plain_text(page, "search_description") or page_summary(page)
    return Truncator(" ".join(str(text).split())).chars(META_DESCRIPTION_LENGTH)


def live_page(page):
    """``page`` if it is live (so it can be linked to), else None."""
    return page if page is not None and page.live else None


def page_path(page, request=None):
    """The URL path of ``page`` within its own site ("" when it has none).

    Unlike ``Page.get_url``, never an absolute URL, even on multi-site
    installs where the page belongs to another site than the request.
    """
    parts = page.get_url_parts(request)
    return parts[2] if parts else ""


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
        "path": page_path(page, request),
        "summary": page_summary(page),
        "image": image_representation(image, alt, page_root_url(page, request)),
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


# The context of ``get_api_representation`` is the DRF serializer context in
# v2, ninja's resolver context in v3, or None when a host calls a block
# directly. These helpers read the request from it and memoise per-request
# values in it, under private keys, so that every block of a body shares them.

#: The key API v2's views (and our blocks) store the resolved format under.
RICH_TEXT_FORMAT_KEY = "_wagtail_rich_text_format"
_MEMO_KEY = "_wagtail_clinic_memo"


def api_request(context):
    """The request of an API serialisation context, or None."""
    return context.get("request") if context else None


def context_root_url(context):
    """The root URL of the request's site (its Site record), or None.

    The ``base`` for ``image_representation`` in a block's API
    representation, so body images agree with the page's own URLs; None
    (``WAGTAILADMIN_BASE_URL``) without a request. No query: Wagtail caches
    the site on the request, and the representation cache keys values by
    the request's site.
    """
    request = api_request(context)
    site = Site.find_for_request(request) if request is not None else None
    return site.root_url if site is not None else None


def _memo(context, key, factory):
    if context is None:
        return factory()
    memo = context.setdefault(_MEMO_KEY, {})
    if key not in memo:
        memo[key] = factory()
    return memo[key]


def rich_text_format(context):
    """The rich text output format for this serialisation.

    ``?rich_text_format=`` of the request, else ``WAGTAILAPI_RICH_TEXT_FORMAT``,
    else ``db_html``, exactly as Wagtail's ``RichTextBlock`` resolves it.

    Raises:
        wagtail.api.rich_text.RichTextFormatError: for an unknown format (the
            v2 and v3 views reject those with a 400 before blocks run).
    """
    if context and context.get(RICH_TEXT_FORMAT_KEY):
        return context[RICH_TEXT_FORMAT_KEY]
    request = api_request(context)
    raw = request.GET.get("rich_text_format") if request is not None else None
    resolved = APIRichText.resolve_format(raw)
    if context is not None:
        context[RICH_TEXT_FORMAT_KEY] = resolved
    return resolved


def prepare_rich_text(value, context):
    """Expand the links of all rich text in ``value`` in one batch, if needed.

    Call it at the top of a container's ``get_api_representation`` (a stream
    or a struct holding several rich text values): the ``html`` and
    ``markdown`` formats then cost two queries for the whole container
    instead of two per linked value.
    """
    if rich_text_format(context) in ("html", "markdown"):
        expand_rich_text_in(value)


def rich_text_representation(value, output_format, features=None):
    """A rich text value in an API output format.

    Same output as Wagtail's ``APIRichText.serialize``, but uses the links
    expanded in a batch by ``prepare_rich_text`` when there are some:

    - ``db_html``: the stored HTML;
    - ``html``: the expanded HTML;
    - ``markdown``: the expanded HTML converted to Markdown (Wagtail resolves
      each page link with its own queries instead);
    - ``db_markdown``: page links become ``wagtail://page?id=…`` destinations
      before conversion, which is what Wagtail writes, without its per-link
      page lookups.

    Args:
        value: a ``RichText`` (ideally ``BatchedRichText``), a string or None.
        output_format: a resolved format (see ``rich_text_format``).
        features: the editor's features; Markdown keeps only these.
    """
    source = value.source if isinstance(value, RichText) else value
    source = source or ""
    if output_format == "db_html":
        return source
    if output_format == "db_markdown":
        return _markdown(_page_links_as_references(source), features, resolved=False)
    html = getattr(value, "expanded_html", None)
    if html is None:
        html = expand_db_html(source)
    if output_format == "html":
        return html
    if output_format == "markdown":
        return _markdown(html, features, resolved=True)
    return APIRichText.serialize(source, format=output_format, features=features)


def plain_text_as_rich_text(text):
    """Plain text (e.g. the default disclaimer) as database HTML paragraphs."""
    return linebreaks(str(text), autoescape=True) if text else ""


def _markdown(html, features, *, resolved):
    # Lazy import, as in Wagtail: the admin app is only needed for Markdown.
    from wagtail.admin.rich_text.converters.markdown_db import MarkdownConverter

    return MarkdownConverter(features).from_database_format(html, resolved=resolved)


def _page_links_as_references(html):
    from wagtail.admin.rich_text.converters.markdown_db import wagtail_ref

    def replace(match):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") != "page" or "id" not in attrs:
            return match.group(0)
        return format_html('<a href="{}">', wagtail_ref("page", id=attrs["id"]))

    return FIND_A_TAG.sub(replace, html)


def clinic_settings_for(context):
    """The ``ClinicSettings`` of the request's site (or the default site), or None.

    Also noted on the page being serialised (``context["page"]``), so its
    structured data can reuse them (see ``site_clinic_settings``).
    """

    def load():
        site_settings = get_clinic_settings(api_request(context))
        page = (context or {}).get("page")
        if site_settings is not None and page is not None:
            page_memo(page).setdefault("clinic_settings", {}).setdefault(
                site_settings.site_id, site_settings
            )
        return site_settings

    return _memo(context, "clinic_settings", load)


def default_clinic(context):
    """The default clinic of the request's site (or the default site), or None.

    With its opening hours, loaded once per page (see ``clinic_with_hours``).
    """
    site_settings = clinic_settings_for(context)
    clinic = site_settings.default_clinic if site_settings is not None else None
    return clinic_with_hours((context or {}).get("page"), clinic)


def default_disclaimer(context):
    """The disclaimer text blank disclaimer callouts show."""
    site_settings = clinic_settings_for(context)
    return site_settings.disclaimer if site_settings is not None else DEFAULT_DISCLAIMER


# What the serialisation of one page (instance) has loaded and other fields
# of the same page may reuse: the body's clinics for the structured data's
# publisher, the site's clinic settings. A page instance lives for one
# request, so this never outlives the data it holds.

_PAGE_MEMO_ATTR = "_wagtail_clinic_page_memo"


def page_memo(page):
    """The memo of values loaded while serialising ``page`` (a dict)."""
    if page is None:
        return {}
    return page.__dict__.setdefault(_PAGE_MEMO_ATTR, {})


def _hours_loaded(clinic):
    return "opening_hours" in getattr(clinic, "_prefetched_objects_cache", {})


def remember_clinic(page, clinic):
    """Note ``clinic`` (loaded with its opening hours) for reuse on ``page``."""
    if page is not None and clinic is not None and _hours_loaded(clinic):
        page_memo(page).setdefault("clinics", {}).setdefault(clinic.pk, clinic)


def clinic_with_hours(page, clinic):
    """``clinic`` with its opening hours: the copy ``page`` already loaded, if any.

    Otherwise the hours are loaded (once) and the clinic noted on the page.
    """
    if clinic is None:
        return None
    known = page_memo(page).get("clinics", {}).get(clinic.pk)
    if known is not None:
        return known
    prefetch_related_objects([clinic], "opening_hours")
    remember_clinic(page, clinic)
    return clinic


def site_clinic_settings(page, site_id):
    """The ``ClinicSettings`` of site ``site_id``, reusing those ``page`` loaded."""
    memo = page_memo(page).setdefault("clinic_settings", {})
    if site_id not in memo:
        memo[site_id] = settings_for_site(Site(pk=site_id))
    return memo[site_id]


def _ancestor_paths(page):
    steplen = page.steplen
    return [page.path[: depth * steplen] for depth in range(1, page.depth)]


def page_ancestors(page):
    """``page.get_ancestors()`` as a list (root first), loaded once per page.

    Reuses the ancestors ``remember_ancestors`` loaded for a whole listing.
    """
    memo = page_memo(page)
    if "ancestors" not in memo:
        memo["ancestors"] = list(page.get_ancestors())
    return memo["ancestors"]


def trail_ancestors(page):
    """``page``'s ancestors below the tree root (root first), for a
    breadcrumb trail.

    No query when Wagtail's routing reached ``page`` from its site's root
    page at depth 2: each page it passed through is noted on the next as its
    parent (treebeard's ``_cached_parent_obj``). Otherwise
    ``page_ancestors``.
    """
    chain = []
    node = page.__dict__.get("_cached_parent_obj")
    while node is not None and node.depth > 1:
        chain.append(node)
        node = node.__dict__.get("_cached_parent_obj")
    if chain and chain[-1].depth == 2 and "ancestors" not in page_memo(page):
        return chain[::-1]
    return [ancestor for ancestor in page_ancestors(page) if ancestor.depth > 1]


def remember_ancestors(pages):
    """Load the ancestors of ``pages`` in one query, for ``page_ancestors``.

    Pages whose ancestors are noted already are skipped; the pages share the
    ancestor instances (generic ``Page`` objects, as ``get_ancestors()``).
    """
    pages = [page for page in pages if "ancestors" not in page_memo(page)]
    paths = {path for page in pages for path in _ancestor_paths(page)}
    if not paths:
        return
    by_path = {
        ancestor.path: ancestor
        for ancestor in Page.objects.filter(path__in=paths).order_by("path")
    }
    for page in pages:
        page_memo(page)["ancestors"] = [
            by_path[path] for path in _ancestor_paths(page) if path in by_path
        ]
