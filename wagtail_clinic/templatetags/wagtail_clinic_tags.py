"""Template tags and filters used by the default wagtail-clinic templates (layer 6).

Load them with ``{% load wagtail_clinic_tags %}``. None of them queries the
database per item: they work on what the page context already holds.
"""

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from wagtail.images.shortcuts import get_rendition_or_not_found

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.fragments import CONTEXT_NAME as FRAGMENTS_CONTEXT
from wagtail_clinic.serialisation.representations import (
    image_alt_text,
    meta_description,
)
from wagtail_clinic.serialisation.site import site_name


register = template.Library()


class CachedFragmentNode(template.Node):
    """``{% clinic_cached_fragment %}``: see :func:`clinic_cached_fragment`."""

    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        fragments = context.get(FRAGMENTS_CONTEXT)
        if fragments is None:
            return self.nodelist.render(context)
        return fragments.render(self.name, lambda: self.nodelist.render(context))


@register.tag
def clinic_cached_fragment(parser, token):
    """Cache the HTML inside with the page's API values (``serialisation.fragments``).

    ::

        {% clinic_cached_fragment "article" %}…{% endclinic_cached_fragment %}

    Only for a live page served to an anonymous visitor (never for drafts,
    previews, signed-in users or private pages) and only in a page's own
    template context (``clinic_page_fragments``, which ``EdgeCacheMixin``
    adds); elsewhere it renders its content as it is. Keep anything that
    differs per visitor (forms with a CSRF token, messages) out of it.
    The fragment named "article" holds everything built from the page's
    prepared body (outline, citations, the body itself).
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f'{bits[0]} takes one quoted name, e.g. {{% {bits[0]} "article" %}}.'
        )
    nodelist = parser.parse(("endclinic_cached_fragment",))
    parser.delete_first_token()
    return CachedFragmentNode(bits[1][1:-1], nodelist)


@register.simple_tag
def clinic_image(image, purpose, **attrs):
    """Render the ``<img>`` of one of the configured renditions of ``image``.

    ``purpose`` names a key of ``WAGTAIL_CLINIC["RENDITIONS"]`` ("hero",
    "content", "card", "portrait"). Keyword arguments become attributes;
    underscores in their names become hyphens, ``None``/``False`` values are
    left out. ``alt`` is always present, empty unless given: pass the editor's
    alt text, or nothing for a decorative image. Images load lazily unless
    ``loading`` says otherwise. Renders nothing when ``image`` is empty::

        {% clinic_image page.hero_image "hero" alt=page.hero_image_alt|clinic_alt:page.hero_image loading="eager" %}
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


@register.filter
def clinic_alt(override, image):
    """The alt text of ``image``: the page's ``override``, else the image's own.

    For a page's alt-text override field, so the image's description (set
    once in Images) is the default and nobody types it twice::

        {% clinic_image page.hero_image "hero" alt=page.hero_image_alt|clinic_alt:page.hero_image %}

    "" (decorative) when neither is set; never the image's title.
    """
    return image_alt_text(image, override)


@register.simple_tag
def clinic_include_stylesheet():
    """Whether the base template should link the optional stylesheet."""
    return bool(clinic_settings.INCLUDE_STYLESHEET)


@register.simple_tag(takes_context=True)
def clinic_site_name(context):
    """The current site's name, else ``WAGTAIL_SITE_NAME``, else ""."""
    # Site.find_for_request caches the site on the request: no extra query.
    return site_name(context.get("request"))


@register.simple_tag
def clinic_meta_description(page):
    """Plain text for ``<meta name="description">``.

    The page's search description, else its summary or intro (rich text
    stripped to text), shortened to about 160 characters.
    """
    return meta_description(page)


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
