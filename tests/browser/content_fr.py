"""The French side of the browser tests' clinic site (issue 16).

``build_french_site(site)`` translates the site ``build_clinic_site()`` made
as an editor does with Wagtail's "Translate" action (``copy_for_translation``
into a French ``Locale``): the clinic snippet, the home page, the condition
and massage-type indexes, the first massage type, the appointment request
page and the back-pain article, all published, with French text. The other
two massage types stay English only (a French page shows them in English).

The French pages are served under ``/fr/`` and the English ones unprefixed,
as in the example site: this module is also the URLconf (``i18n_patterns``
with ``prefix_default_language=False``), and ``serve_in_languages`` switches
the live server to it, with Django's ``LocaleMiddleware``, for one test.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf.urls.i18n import i18n_patterns
from django.core.handlers.wsgi import WSGIHandler
from django.test.testcases import _MediaFilesHandler
from django.urls import include, path
from django.utils import translation
from wagtail import urls as wagtail_urls
from wagtail.models import Locale, Page, Site

from tests.browser.content import ClinicSite, cta, publish
from tests.settings import MIDDLEWARE
from tests.urls import urlpatterns as _test_urlpatterns
from wagtail_clinic.models import (
    AppointmentRequestPage,
    Clinic,
    ConditionIndexPage,
    ConditionPage,
    MassageTypePage,
)


# Everything tests/urls.py serves (admin, APIs), with Wagtail's page serving
# (its last pattern) moved under i18n_patterns, as example_project/example/urls.py.
urlpatterns = [
    *_test_urlpatterns[:-1],
    *i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False),
]

#: The settings the French pages are served with (this module as URLconf).
I18N_SETTINGS = {
    "ROOT_URLCONF": __name__,
    "MIDDLEWARE": [
        *MIDDLEWARE[:2],
        "django.middleware.locale.LocaleMiddleware",
        *MIDDLEWARE[2:],
    ],
}

FRENCH_CLINIC_NAME = "Clinique de massage Southside"
FRENCH_SERVICE_AREA = "Edmonton-Sud"
FRENCH_ARTICLE_TITLE = "Soulager le mal de dos grâce au massage"
FRENCH_INTRO = (
    "Jusqu’à 85 % des adultes souffriront du dos. Voici comment le massage "
    "soulage le mal de dos, et à quelle fréquence en prendre."
)
#: Headings of the French article's booking calls to action, by action.
FRENCH_CTA_HEADINGS = {
    "book_online": "Réservez votre massage des tissus profonds en ligne",
    "call": "Appelez-nous dès maintenant",
    "request_form": "Vous préférez que nous vous appelions ?",
}
FRENCH_DEEP_TISSUE = "Massage des tissus profonds"


@dataclass(frozen=True)
class FrenchSite:
    """The French translations ``build_french_site`` made (and the English site)."""

    english: ClinicSite
    locale: Locale
    home: Page
    clinic: Clinic
    condition_index: ConditionIndexPage
    article: ConditionPage
    massage_type_index: Page
    deep_tissue: MassageTypePage
    request_page: AppointmentRequestPage


def french_article_body(*, clinic, massage_types):
    """The French article: a section per kind of block, three booking buttons."""
    return [
        {"type": "heading", "value": {"text": "Comment le massage aide", "level": "2"}},
        {
            "type": "paragraph",
            "value": "<p>Le massage détend les muscles du bas du dos.</p>",
        },
        {
            "type": "key_fact",
            "value": {
                "value": "85 %",
                "statement": "des adultes souffriront du dos.",
                "source_title": "Enquête nationale sur le mal de dos",
                "source_url": "https://health.example/back-pain",
            },
        },
        {
            "type": "massage_types",
            "value": {
                "heading": "Les types de massage contre le mal de dos",
                "intro": "Trois types aident le plus.",
                "items": [
                    {"page": page.pk, "name": "", "description": ""}
                    for page in massage_types
                ],
            },
        },
        {
            "type": "frequency",
            "value": {
                "heading": "À quelle fréquence ?",
                "how_often": "Toutes les 2 à 3 semaines",
                "note": "Chaque semaine au début.",
            },
        },
        {
            "type": "faq",
            "value": {
                "heading": "Questions",
                "items": [
                    {
                        "question": "Est-ce que ça fait mal ?",
                        "answer": "<p>Cela ne devrait pas.</p>",
                    }
                ],
            },
        },
        {
            **cta(FRENCH_CTA_HEADINGS["call"], "call", clinic=clinic),
        },
        cta(
            FRENCH_CTA_HEADINGS["book_online"],
            "book_online",
            massage_type=massage_types[0],
            text="Choisissez un moment qui vous convient dans notre système en ligne.",
        ),
        cta(
            FRENCH_CTA_HEADINGS["request_form"],
            "request_form",
            text="Dites-nous quand vous êtes disponible.",
        ),
    ]


def _translate(page, locale, **fields):
    """Copy ``page`` into ``locale`` (parents too), set ``fields``, publish it."""
    copy = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return publish(copy)


def build_french_site(site):
    """Translate ``site`` (a ``ClinicSite``) into French; return a ``FrenchSite``."""
    french, _created = Locale.objects.get_or_create(language_code="fr")
    clinic = site.clinic.copy_for_translation(french)
    clinic.name = FRENCH_CLINIC_NAME
    clinic.service_area = FRENCH_SERVICE_AREA
    clinic.save()

    # Parents first: copy_parents would make them aliases (no own title).
    # The home page is one (it shows nothing of its own).
    condition_index = _translate(
        site.condition_index,
        french,
        title="Affections",
        slug="affections",
        intro="<p>Les affections que le massage peut soulager.</p>",
    )
    massage_type_index = _translate(
        site.massage_type_index,
        french,
        title="Types de massage",
        slug="types-de-massage",
        intro="<p>Les massages que proposent nos thérapeutes.</p>",
    )
    deep_tissue = _translate(
        site.deep_tissue,
        french,
        title=FRENCH_DEEP_TISSUE,
        slug="massage-des-tissus-profonds",
        summary="Une pression lente et ferme qui atteint les muscles profonds.",
    )
    article = _translate(
        site.article,
        french,
        title=FRENCH_ARTICLE_TITLE,
        slug="mal-de-dos",
        condition_name="Mal de dos",
        also_known_as="lumbago",
        intro=FRENCH_INTRO,
        body=french_article_body(clinic=site.clinic, massage_types=site.massage_types),
    )
    request_page = _translate(
        site.request_page,
        french,
        title="Prendre rendez-vous",
        slug="rendez-vous",
        intro="<p>Dites-nous quand vous êtes disponible ; nous répondons sous un "
        "jour ouvrable.</p>",
    )
    home = site.home.get_translation(french)
    # Site root paths are cached: the French home is a new one.
    Site.clear_site_root_paths_cache()
    return FrenchSite(
        english=site,
        locale=french,
        home=home,
        clinic=clinic,
        condition_index=condition_index,
        article=ConditionPage.objects.get(pk=article.pk),
        massage_type_index=massage_type_index,
        deep_tissue=MassageTypePage.objects.get(pk=deep_tissue.pk),
        request_page=AppointmentRequestPage.objects.get(pk=request_page.pk),
    )


@contextmanager
def serve_in_languages(settings, live_server):
    """Serve ``I18N_SETTINGS`` from ``live_server`` (and this test's process).

    The live server built its request handler, and so its middleware, when
    it started; a new one is made with ``LocaleMiddleware`` and put back
    afterwards. Use it before the ``page`` fixture wraps the handler.
    """
    for name, value in I18N_SETTINGS.items():
        setattr(settings, name, value)
    server = live_server.thread.httpd
    app = server.get_app()
    server.set_app(live_server.thread.static_handler(_MediaFilesHandler(WSGIHandler())))
    language = translation.get_language()
    try:
        yield
    finally:
        server.set_app(app)
        translation.activate(language)
        Site.clear_site_root_paths_cache()


def french(msgid):
    """``msgid`` translated by the French catalogue; fails naming it when missing."""
    with translation.override("fr"):
        text = translation.gettext(msgid)
    assert text != msgid, f"not in the French catalogue (fr/LC_MESSAGES): {msgid!r}"
    return text


__all__ = [
    "FRENCH_ARTICLE_TITLE",
    "FRENCH_CLINIC_NAME",
    "FRENCH_CTA_HEADINGS",
    "I18N_SETTINGS",
    "FrenchSite",
    "build_french_site",
    "french",
    "serve_in_languages",
]
