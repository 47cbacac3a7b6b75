"""Template tags for structured data, meta tags and numbered citations (layer 6).

Load them with ``{% load wagtail_clinic_seo %}``:

* ``{% clinic_json_ld %}`` renders the page's schema.org data as JSON-LD;
* ``{% clinic_page_meta as meta %}`` gives ``includes/meta.html`` its values;
* ``{% clinic_page_languages as languages %}`` gives the page's language
  (``<html lang>``) and its translations (``<link rel="alternate" hreflang>``);
* ``{% clinic_citation value as citation %}`` finds a key fact's or reference
  item's number in the page's ``citations``.
"""

from django import template
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Page

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.preview.frontends import frontend_page_url
from wagtail_clinic.serialisation.representations import (
    absolute_url,
    meta_description,
    page_image,
)
from wagtail_clinic.serialisation.site import site_name
from wagtail_clinic.serialisation.translations import (
    default_language_translation,
    live_translations,
    page_language,
)
from wagtail_clinic.structured_data.entities import (
    render_script,
    structured_data_for_page,
)


register = template.Library()


@register.simple_tag(takes_context=True)
def clinic_json_ld(context, obj=None):
    """Render schema.org structured data as ``<script type="application/ld+json">``.

    With no argument, describes the context's ``page``; also takes a page, or
    a dict or list of entities to render as they are::

        {% block extra_head %}{{ block.super }}{% clinic_json_ld %}{% endblock %}

    The JSON is escaped like ``json_script``, so no value can close the script
    element. Renders nothing when there is nothing to describe.
    """
    if obj is None:
        obj = context.get("page")
    request = context.get("request")
    if isinstance(obj, (dict, list)):
        data = obj
    elif hasattr(obj, "get_structured_data"):
        data = obj.get_structured_data(request=request, context=context)
    elif isinstance(obj, Page):
        data = structured_data_for_page(obj, request=request, context=context)
    else:
        data = None
    if not data:
        return ""
    return render_script(data)


def _root_url(page, request):
    parts = page.get_url_parts(request)
    return parts[1] if parts and parts[1] else ""


def _canonical_url(page, request):
    url = page.get_full_url(request)
    if url and request is not None:
        number = request.GET.get("page", "")
        # Later pages of a list are pages of their own.
        if number.isdigit() and int(number) > 1:
            url = f"{url}?page={int(number)}"
    return url


@register.simple_tag(takes_context=True)
def clinic_page_meta(context, page=None):
    """The values of the page's meta, Open Graph and Twitter tags, as a dict.

    Keys: ``title`` (SEO title, else title), ``description`` (search
    description, else summary or lede), ``canonical_url``, ``type``
    ("article" or "website"; a page may set ``open_graph_type``),
    ``site_name``, ``image`` (``url``, ``width``, ``height``, ``alt``; None
    without an image), ``published_time``, ``modified_time`` and
    ``twitter_card``. Empty when there is no page.
    """
    page = page if page is not None else context.get("page")
    if not isinstance(page, Page):
        return {}
    request = context.get("request")
    image, alt = page_image(page)
    image_meta = None
    if image is not None:
        rendition = get_rendition_or_not_found(
            image, clinic_settings.RENDITIONS["hero"]
        )
        image_meta = {
            "url": absolute_url(rendition.url, _root_url(page, request)),
            "width": rendition.width,
            "height": rendition.height,
            "alt": alt,
        }
    modified = page.last_published_at or page.latest_revision_created_at
    return {
        "title": page.seo_title or page.title,
        "description": meta_description(page),
        "canonical_url": _canonical_url(page, request),
        "type": getattr(page, "open_graph_type", None) or "website",
        "site_name": site_name(request),
        "image": image_meta,
        "published_time": page.first_published_at,
        "modified_time": modified,
        "twitter_card": "summary_large_image" if image_meta else "summary",
    }


@register.simple_tag(takes_context=True)
def clinic_page_languages(context, page=None):
    """The page's language and its translations, for ``<html lang>`` and hreflang.

    A dict: ``lang`` (the language code of the page's locale, "" without a
    page) and ``alternates``, a list of ``{"hreflang", "url"}`` with the
    absolute URL (from the Site record) of each live, public translation,
    the page included, then ``x-default`` for the default language's
    version; empty unless the page has another live translation. One query
    (``live_translations``), which also loads the page's locale::

        {% clinic_page_languages as languages %}
        {% for alternate in languages.alternates %}
        <link rel="alternate" hreflang="{{ alternate.hreflang }}" href="{{ alternate.url }}">
        {% endfor %}
    """
    page = page if page is not None else context.get("page")
    if not isinstance(page, Page):
        return {"lang": "", "alternates": []}
    request = context.get("request")
    translations = live_translations(page)
    alternates = []
    if len(translations) > 1:
        for locale, translation in translations:
            url = public_url(translation, request)
            if url:
                alternates.append({"hreflang": locale.language_code, "url": url})
        default = default_language_translation(translations)
        url = public_url(default, request) if default is not None else None
        if url and alternates:
            alternates.append({"hreflang": "x-default", "url": url})
    return {"lang": page_language(page), "alternates": alternates}


def public_url(page, request):
    """A page's public URL: its headless frontend's when its site has one
    (``HEADLESS_FRONTENDS``), as the page's own canonical URL is, even for
    the plain ``Page`` objects ``live_translations`` gives."""
    return frontend_page_url(page, request) or page.get_full_url(request)


@register.simple_tag(takes_context=True)
def clinic_citation(context, value):
    """The ``Citation`` (number and anchor) of a key fact or reference item.

    None when the page put no ``citations`` in the context (e.g. a block used
    on its own), so block templates fall back to their plain rendering.
    """
    citations = context.get("citations")
    if citations is None or value is None:
        return None
    return citations.for_value(value)
