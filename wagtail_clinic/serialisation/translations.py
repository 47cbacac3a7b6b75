"""Content in a locale: translations of pages and snippets (layer 2).

Wagtail's ``Locale.get_active()``, ``Locale.get_default()`` and the
``.localized`` property run a query on every call; with
``WAGTAIL_I18N_ENABLED`` a page that localises each chosen item would grow by
a query per item. The helpers here load all locales once (one query) and keep
them until the next request starts or a locale changes, and find the
translations of many objects in one query per model.

Public names:

* ``active_locale()`` - the ``Locale`` of the active language.
* ``default_locale()`` - the ``Locale`` of ``LANGUAGE_CODE``.
* ``locale_by_id(pk)`` - a ``Locale`` by primary key, from the same cache.
* ``in_locale(obj, locale)`` - the translation of one page or snippet.
* ``in_locale_bulk(objs, locale)`` - the same for many, one query per model.
* ``live_translations(page)`` - the live public translations of a page.
"""

import contextvars

from contextlib import contextmanager

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.db.models.signals import post_delete, post_save
from django.test.signals import setting_changed
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import DraftStateMixin, Locale, Page, PageViewRestriction


#: The locales of the database, by language code and by pk; None until loaded.
_locales = {"by_code": None, "by_id": None}


def clear_locale_cache(**kwargs):
    """Forget the cached locales (on each request and whenever a locale changes)."""
    _locales["by_code"] = None
    _locales["by_id"] = None


request_started.connect(clear_locale_cache, dispatch_uid="clinic_locales_request")
request_finished.connect(clear_locale_cache, dispatch_uid="clinic_locales_finished")
post_save.connect(clear_locale_cache, sender=Locale, dispatch_uid="clinic_locales_s")
post_delete.connect(clear_locale_cache, sender=Locale, dispatch_uid="clinic_locales_d")
setting_changed.connect(clear_locale_cache, dispatch_uid="clinic_locales_settings")


def _load():
    if _locales["by_code"] is None:
        locales = list(Locale.objects.all())
        _locales["by_code"] = {locale.language_code: locale for locale in locales}
        _locales["by_id"] = {locale.pk: locale for locale in locales}
    return _locales


def i18n_enabled():
    """Whether Wagtail's internationalisation is on (``WAGTAIL_I18N_ENABLED``)."""
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def locale_for_language(language_code):
    """The ``Locale`` of ``language_code`` (or its supported variant), or None."""
    if not language_code:
        return None
    try:
        code = get_supported_content_language_variant(language_code)
    except LookupError:
        return None
    return _load()["by_code"].get(code)


def locale_by_id(locale_id):
    """The ``Locale`` with primary key ``locale_id`` from the cache, or None."""
    return _load()["by_id"].get(locale_id)


def default_locale():
    """The default ``Locale`` (that of ``LANGUAGE_CODE``), or None if not created."""
    return locale_for_language(settings.LANGUAGE_CODE)


def active_locale():
    """The ``Locale`` of the active language, else the default locale.

    Like ``Locale.get_active()``, but repeated calls cost no query: all
    locales are loaded once per request (one query).
    """
    return locale_for_language(translation.get_language()) or default_locale()


def object_locale(obj):
    """The ``Locale`` of a page or snippet, without a query when cached."""
    return locale_by_id(obj.locale_id) or obj.locale


def page_language(obj):
    """The language code of a page's (or snippet's) locale, e.g. ``"fr"``.

    Uses the locale loaded with ``obj`` (e.g. by ``live_translations``),
    else the locales cached per request. Without translations (or an
    unsaved object): ``LANGUAGE_CODE``'s content language.
    """
    if not i18n_enabled() or getattr(obj, "locale_id", None) is None:
        return _default_language_code()
    field = type(obj)._meta.get_field("locale")
    if field.is_cached(obj):
        return obj.locale.language_code
    locale = locale_by_id(obj.locale_id)
    return locale.language_code if locale is not None else _default_language_code()


def _is_live(obj):
    return not isinstance(obj, DraftStateMixin) or obj.live


def _default_language_code():
    try:
        return get_supported_content_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _pk(locale):
    return getattr(locale, "pk", locale)


#: While ``content_locale`` runs: the pk of the locale content is shown in.
_content_locale = contextvars.ContextVar("wagtail_clinic_content_locale", default=None)


@contextmanager
def content_locale(locale):
    """Show the chosen objects loaded inside in ``locale`` (a Locale or its pk).

    The chooser blocks (``wagtail_clinic.blocks.choosers``) load the
    translations of what they choose in the locale set here, e.g. the
    locale of the page whose body is being rendered or serialised.
    """
    token = _content_locale.set(_pk(locale))
    try:
        yield
    finally:
        _content_locale.reset(token)


def current_content_locale():
    """The pk of the locale set by ``content_locale``, or None outside it."""
    return _content_locale.get()


def request_locale(request):
    """The locale (pk) content is shown in for ``request``, without a query if possible.

    The locale of the page Wagtail routed the request to, else the
    active language's locale (``active_locale``), else None.
    """
    route = getattr(request, "_wagtail_route_for_request", None)
    if route:
        return route[0].locale_id
    locale = active_locale()
    return locale.pk if locale is not None else None


def _pick(original, candidates, locale_id, default_code):
    """The candidate in ``locale_id``, else the default language's, else ``original``."""
    if original.locale_id == locale_id:
        return original
    fallback = None
    for candidate in candidates:
        if not _is_live(candidate):
            continue
        if candidate.locale_id == locale_id:
            return candidate
        if getattr(candidate, "_clinic_language", None) == default_code:
            fallback = candidate
    return fallback or original


def localized_in_bulk(queryset, ids, locale):
    """Like ``queryset.in_bulk(ids)``, each object in ``locale`` (one query).

    Maps each id to the object's translation in ``locale``, else its
    translation in the default locale, else the object itself. The
    translations come in the same query as the objects (with ``queryset``'s
    ``select_related`` and ``prefetch_related``); drafts of
    ``DraftStateMixin`` models are never picked as translations. Without a
    locale, or with translations off, it is ``queryset.in_bulk(ids)``.
    """
    ids = [pk for pk in ids if pk is not None]
    locale_id = _pk(locale)
    if locale_id is None or not i18n_enabled() or not ids:
        return queryset.in_bulk(ids)
    model = queryset.model
    default_code = _default_language_code()
    keys = model._default_manager.filter(pk__in=ids).values("translation_key")
    wanted = Q(translation_key__in=keys) & (
        Q(locale_id=locale_id) | Q(locale__language_code=default_code)
    )
    if issubclass(model, Page):
        wanted &= public_q()
    rows = list(
        queryset.filter(Q(pk__in=ids) | wanted).annotate(
            _clinic_language=F("locale__language_code")
        )
    )
    by_key = {}
    for row in rows:
        by_key.setdefault(row.translation_key, []).append(row)
    by_pk = {row.pk: row for row in rows}
    return {
        pk: _pick(by_pk[pk], by_key[by_pk[pk].translation_key], locale_id, default_code)
        for pk in ids
        if pk in by_pk
    }


def loaded_language(obj):
    """The language code ``localized_in_bulk`` loaded with ``obj``, or None.

    Set on the objects it hands out (the translation found, or the default
    language's or original object it fell back to); None for objects that
    were in the wanted locale already (none was loaded). No query.
    """
    return getattr(obj, "_clinic_language", None)


def in_locale_bulk(objs, locale):
    """The translations of ``objs`` in ``locale``, as a list in the same order.

    Each object becomes its translation in ``locale``, else its translation in
    the default locale, else itself (None stays None); pages only become live,
    public translations. One query per model, none when every object is in
    ``locale`` already or translations are off. Each model's translations are
    loaded with that model, so specific pages stay specific.
    """
    objs = list(objs)
    locale_id = _pk(locale)
    if locale_id is None or not i18n_enabled():
        return objs
    missing = {}
    for obj in objs:
        if obj is not None and obj.locale_id != locale_id:
            missing.setdefault(type(obj), []).append(obj)
    found = {}
    for model, group in missing.items():
        found[model] = localized_in_bulk(
            model._default_manager.all(), [obj.pk for obj in group], locale_id
        )
    return [
        found[type(obj)].get(obj.pk, obj)
        if obj is not None and type(obj) in found
        else obj
        for obj in objs
    ]


def in_locale(obj, locale):
    """The translation of a page or ``TranslatableMixin`` snippet in ``locale``.

    Else its translation in the default locale, else ``obj`` itself. No query
    when ``obj`` is already in ``locale``; one query otherwise.
    """
    return in_locale_bulk([obj], locale)[0]


def public_q():
    """Pages with no view restriction on themselves or an ancestor (a subquery)."""
    restricted = PageViewRestriction.objects.annotate(
        _path_length=Length("page__path")
    ).filter(page__path=Substr(OuterRef("path"), 1, F("_path_length")))
    return ~Exists(restricted)


#: Where ``live_translations`` keeps its answer on a page instance.
_TRANSLATIONS_ATTR = "_clinic_live_translations"


def live_translations(page):
    """The live, public translations of ``page``, itself included, in one query.

    Returns a list of ``(Locale, page)`` ordered by language code; ``page``
    itself is listed (even as a draft, e.g. in a preview), the others are
    plain ``Page`` objects (enough for their URLs). The locales come in the
    same query. Empty when translations are off or ``page`` is unsaved.

    Kept on the page instance: the hreflang links and a language switcher
    rendering the same page share the one query.
    """
    if not i18n_enabled() or page.pk is None:
        return []
    memo = page.__dict__.get(_TRANSLATIONS_ATTR)
    if memo is not None and memo[0] == page.pk:
        return list(memo[1])
    found = _load_live_translations(page)
    page.__dict__[_TRANSLATIONS_ATTR] = (page.pk, found)
    return list(found)


def _load_live_translations(page):
    rows = (
        Page.objects.filter(translation_key=page.translation_key)
        .filter(Q(pk=page.pk) | (Q(live=True) & public_q()))
        .select_related("locale")
        .only(
            "id",
            "title",
            "path",
            "depth",
            "url_path",
            "live",
            "locale_id",
            "translation_key",
            "locale__language_code",
        )
    )
    pairs = [(row.locale, page if row.pk == page.pk else row) for row in rows]
    for locale, translation_ in pairs:
        if translation_ is page and not Page.locale.is_cached(page):
            # ``page.locale`` (e.g. for ``<html lang>``) then costs no query.
            Page.locale.field.set_cached_value(page, locale)
    return sorted(pairs, key=lambda pair: pair[0].language_code)


def default_language_translation(translations):
    """The page of the default language among ``live_translations`` pairs, or None."""
    default_code = _default_language_code()
    return next(
        (page for locale, page in translations if locale.language_code == default_code),
        None,
    )
