"""The example site's language switcher: ``{% language_switcher page %}``."""

from django import template
from django.utils.translation import get_language_info

from wagtail_clinic.serialisation.translations import live_translations


register = template.Library()


@register.inclusion_tag("home/includes/language_switcher.html", takes_context=True)
def language_switcher(context, page=None):
    """Links to the live translations of ``page``, each named in its language.

    Nothing is shown when the page has no other live translation (or there is
    no page, as on a 404). One query (``live_translations``).
    """
    request = context.get("request")
    links = []
    if page is not None and getattr(page, "pk", None):
        for locale, translation in live_translations(page):
            info = get_language_info(locale.language_code)
            links.append(
                {
                    "language_code": locale.language_code,
                    "name": info["name_local"],
                    "url": translation.get_url(request),
                    "current": translation.pk == page.pk,
                }
            )
    return {"links": links if len(links) > 1 else []}
