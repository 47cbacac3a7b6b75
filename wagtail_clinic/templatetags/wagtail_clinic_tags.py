"""Template tags and filters used by the default wagtail-clinic templates.

Load them with ``{% load wagtail_clinic_tags %}``. None of them queries the
database per item: they work on what the page context already holds.
"""

import html

from django import template
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.forms.utils import flatatt
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from wagtail.fields import RichTextField
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Site

from wagtail_clinic.conf import clinic_settings


register = template.Library()

META_DESCRIPTION_LENGTH = 160


@register.simple_tag
def clinic_image(image, purpose, **attrs):
    """Render the ``<img>`` of one of the configured renditions of ``image``.

    ``purpose`` names a key of ``WAGTAIL_CLINIC["RENDITIONS"]`` ("hero",
    "content", "card", "portrait"). Keyword arguments become attributes;
    underscores in their names become hyphens, ``None``/``False`` values are
    left out. ``alt`` is always present, empty unless given: pass the editor's
    alt text, or nothing for a decorative image. Images load lazily unless
    ``loading`` says otherwise. Renders nothing when ``image`` is empty::

        {% clinic_image page.hero_image "hero" alt=page.hero_image_alt loading="eager" %}
    """
    try:
        spec = clinic_settings.RENDITIONS[purpose]
    except (KeyError, TypeError):
        raise template.TemplateSyntaxError(
            f"clinic_image: unknown rendition purpose {purpose!r}. Use one of "
            f"{', '.join(sorted(clinic_settings.RENDITIONS))}, or add it to "
            'WAGTAIL_CLINIC["RENDITIONS"].'
        ) from None
    if not image:
        return ""
    rendition = get_rendition_or_not_found(image, spec)
    alt = attrs.pop("alt", "")
    extra = {name.replace("_", "-"): value for name, value in attrs.items()}
    final = {
        "src": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": "" if alt is None else str(alt),
        "loading": "lazy",
        "decoding": "async",
        **extra,
    }
    return format_html("<img{}>", flatatt(final))


@register.simple_tag
def clinic_include_stylesheet():
    """Whether the base template should link the optional stylesheet."""
    return bool(clinic_settings.INCLUDE_STYLESHEET)


@register.simple_tag(takes_context=True)
def clinic_site_name(context):
    """The current site's name, else ``WAGTAIL_SITE_NAME``, else ""."""
    request = context.get("request")
    # Site.find_for_request caches the site on the request: no extra query.
    site = Site.find_for_request(request) if request is not None else None
    if site is not None and site.site_name:
        return site.site_name
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or ""


@register.simple_tag
def clinic_meta_description(page):
    """Plain text for ``<meta name="description">``.

    The page's search description, else its summary or intro (rich text
    stripped to text), shortened to about 160 characters.
    """
    if page is None:
        return ""
    text = getattr(page, "search_description", "") or ""
    if not text:
        for name in ("summary", "intro"):
            value = getattr(page, name, "") or ""
            if not value:
                continue
            if _is_rich_text_field(page, name):
                value = html.unescape(strip_tags(value))
            text = value
            break
    text = " ".join(str(text).split())
    return Truncator(text).chars(META_DESCRIPTION_LENGTH)


def _is_rich_text_field(obj, name):
    try:
        return isinstance(obj._meta.get_field(name), RichTextField)
    except (AttributeError, FieldDoesNotExist):
        return False


@register.filter
def clinic_outline_tree(entries):
    """Nest an outline's H3 entries under the H2 before them.

    Returns a list of ``{"entry": OutlineEntry, "children": [OutlineEntry]}``.
    An H3 that comes before any H2 stays at the top level.
    """
    tree = []
    for entry in entries or ():
        if getattr(entry, "level", 2) > 2 and tree:
            tree[-1]["children"].append(entry)
        else:
            tree.append({"entry": entry, "children": []})
    return tree


@register.filter
def clinic_minutes(values):
    """Session lengths as a phrase: ``[30, 60, 90]`` -> "30, 60 or 90 minutes"."""
    numbers = [int(value) for value in values or ()]
    if not numbers:
        return ""
    items = [str(n) for n in numbers]
    if len(items) == 1:
        joined = items[0]
    else:
        joined = gettext("%(items)s or %(last)s") % {
            "items": ", ".join(items[:-1]),
            "last": items[-1],
        }
    return ngettext("%(lengths)s minute", "%(lengths)s minutes", numbers[-1]) % {
        "lengths": joined
    }


@register.simple_tag
def clinic_page_range(page_obj, on_each_side=2, on_ends=1):
    """The page numbers to link to, with ``…`` gaps, for a paginated page."""
    paginator = page_obj.paginator
    return list(
        paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
