"""The locale an API request asks for: ``?locale=`` (layer 5).

Same name and semantics as the ``locale`` filter of Wagtail's own v2 and v3
page listings: the language code of a content language
(``WAGTAIL_CONTENT_LANGUAGES``, e.g. ``fr``), and only pages of that locale
are answered. Two differences, because the clinic's endpoints never mix
locales: without ``?locale=`` (or with an empty one) the request's active
language is used (``LocaleMiddleware``: the URL prefix, the language cookie,
``Accept-Language``), then the default locale; and a code that is not a
content language is a 400 ``application/problem+json`` answer with a
field-level error instead of Wagtail's 404.

With ``WAGTAIL_I18N_ENABLED`` off, a request without ``?locale=`` asks for
no locale at all (every page is in the default locale anyway).

Working out the language code costs no query (``requested_language``);
``requested_locale`` returns the ``Locale`` itself from the per-request
locale cache of ``serialisation.translations``. Responses whose language
came from the active language vary with the request's headers: ``api_cache``
(``api.caching``) adds ``Vary`` and ``Content-Language`` from what
``note_language`` records.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from ninja import Query
from wagtail.coreutils import (
    get_content_languages,
    get_supported_content_language_variant,
)
from wagtail.models import Locale

from wagtail_clinic.public_input.problems import Problem, field_error
from wagtail_clinic.serialisation.translations import (
    i18n_enabled,
    locale_for_language,
)


__all__ = [
    "LOCALE_DESCRIPTION",
    "LOCALE_QUERY",
    "language_prefix",
    "locale_q",
    "note_language",
    "noted_language",
    "requested_language",
    "requested_locale",
]

LOCALE_DESCRIPTION = (
    'Language code of a content language, e.g. "fr": only pages in that '
    "locale (as the locale filter of Wagtail's own API). Default: the "
    "request's active language (URL prefix, language cookie, Accept-Language), "
    "then the default locale. An unknown code is a 400."
)
#: The ``?locale=`` parameter of an operation (ninja).
LOCALE_QUERY = Query(None, max_length=35, description=LOCALE_DESCRIPTION)

_NOTED_ATTR = "_wagtail_clinic_language"
_UNKNOWN = "Not a content language of this site."


def _content_language(code):
    """The configured content language code matching ``code``, or None."""
    if not code:
        return None
    languages = {key.lower(): key for key in get_content_languages()}
    return languages.get(code.lower())


def _active_language():
    """The content language of the active language, else the default one."""
    for code in (translation.get_language(), settings.LANGUAGE_CODE):
        try:
            return get_supported_content_language_variant(code)
        except LookupError:
            continue
    return None


def requested_language(request, locale=None):
    """The language code a request asks for, or None for "any locale".

    Args:
        request: the request (Django's or DRF's).
        locale: the ``?locale=`` value as the operation parsed it; read from
            ``request.GET`` when not given.

    Raises:
        Problem: 400 with an error on ``locale`` for a code that is not a
            content language.

    Records the answer with ``note_language`` (no query).
    """
    if locale is None:
        locale = request.GET.get("locale")
    if locale:
        code = _content_language(locale)
        if code is None:
            raise Problem(
                400,
                _UNKNOWN,
                [field_error("locale", _UNKNOWN, kind="not_found")],
            )
        note_language(request, code, negotiated=False)
        return code
    if not i18n_enabled():
        return None
    code = _active_language()
    note_language(request, code, negotiated=True)
    return code


def requested_locale(request, locale=None):
    """The ``Locale`` a request asks for (see ``requested_language``).

    None when it asks for no locale, or when the content language has no
    ``Locale`` row yet (then there is no content in it either). Costs at
    most the one per-request query of the locale cache.
    """
    code = requested_language(request, locale)
    return locale_for_language(code) if code else None


def locale_q(code, prefix=""):
    """A ``Q``: pages (``prefix`` for a relation) in the locale of ``code``.

    A subquery, not a query: nothing is looked up until the pages are.
    """
    if code is None:
        return Q()
    return Q(
        **{
            f"{prefix}locale__in": Locale.objects.filter(language_code=code).values(
                "pk"
            )
        }
    )


def language_prefix(components):
    """``(code, rest)``: a leading language code of a URL path, as
    ``i18n_patterns`` serves other languages (``/fr/conditions/…``), or
    ``(None, components)``."""
    if components:
        code = _content_language(components[0])
        if code is not None and components[0] == code:
            return code, components[1:]
    return None, components


def note_language(request, code, *, negotiated):
    """Record the language of the response being built.

    Args:
        request: the request.
        code: the language code answered in (``Content-Language``).
        negotiated: whether it came from the request's headers rather than
            from its URL (``Vary``).
    """
    setattr(request, _NOTED_ATTR, (code, negotiated))


def noted_language(request):
    """``(code, negotiated)`` recorded by ``note_language``, or ``(None, False)``."""
    return getattr(request, _NOTED_ATTR, (None, False))
