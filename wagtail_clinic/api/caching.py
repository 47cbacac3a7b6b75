"""HTTP caching for the clinic's API responses (layer 5).

Two kinds of response, told apart by the request alone:

* **Public** (no ``Authorization`` header, no session cookie): the content is
  what any anonymous visitor may see, so shared caches may keep it.
  :func:`api_cache` adds ``Cache-Control: public, max-age=…``
  (``WAGTAIL_CLINIC["API_CACHE_MAX_AGE"]``), a strong ``ETag``, a
  ``Last-Modified`` date, and answers conditional requests with 304.
* **Private** (a bearer token or a session cookie came with the request, or
  the response is a draft preview): :func:`set_private_cache_headers` makes
  it ``Cache-Control: private, no-store`` with ``Vary: Authorization, Cookie``
  and drops the validators, so no cache anywhere keeps it.

Validators:

* The ``ETag`` is a hash of the response body and the request's path and
  query string. A cheaper key (say, the page's ``last_published_at``) would
  miss changes to what the body *embeds*: a chosen massage type's title, a
  clinic's opening hours, image renditions, or a page leaving a listing. The
  hash cannot miss any of them, and hashing a few kilobytes costs microseconds
  next to building the body, which has a fixed query budget anyway. The path
  is part of the hash so two URLs never share a validator. (A page's values
  may come from the representation cache, see ``serialisation.cache``: it
  is emptied by every change that sends a signal, so the hash follows those
  at once; changes made without signals, e.g. ``QuerySet.update()``, show
  when its entries expire.)
* ``Last-Modified`` is the latest of the timestamps a view reports with
  :func:`set_last_modified` (e.g. the pages' ``last_published_at``) and of
  :func:`content_changed_at`: the latest entry in Wagtail's audit log (any
  publish, unpublish, move, delete or privacy change of a page; any change
  to a snippet or image made in the admin) and the latest ``Clinic`` update.
  That is conservative: it may move when the body did not (a draft save is
  logged too; the ETag, the precise validator, stays), but it moves whenever
  a listed page is unpublished, which no timestamp of the remaining pages
  would show. Changes made in code without logging (a raw ``save()``,
  changed rendition settings) move only the ETag.
"""

import hashlib

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Subquery
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from wagtail.models import ModelLogEntry, PageLogEntry

from wagtail_clinic.api.locales import noted_language
from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.models.snippets import Clinic
from wagtail_clinic.public_input.problems import problem_response


PRIVATE_VARY = ("Authorization", "Cookie")
#: What the active language is worked out from (``LocaleMiddleware``): a
#: response in the request's negotiated language varies with these.
LANGUAGE_VARY = ("Accept-Language", "Cookie")
_NOTED = "_wagtail_clinic_last_modified"


def is_credentialed(request):
    """Whether ``request`` carries credentials: a bearer token or a session.

    Only the presence of the ``Authorization`` header or the session cookie
    counts; the session is not loaded, so public responses need no
    ``Vary: Cookie``.
    """
    return (
        "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    )


def set_private_cache_headers(response):
    """Keep ``response`` out of every cache; returns it.

    Sets ``Cache-Control: private, no-store``, adds ``Authorization`` and
    ``Cookie`` to ``Vary``, and removes ``ETag``, ``Last-Modified`` and
    ``Expires``. Use it for anything a token or session unlocks, e.g. draft
    previews.
    """
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, PRIVATE_VARY)
    for header in ("ETag", "Last-Modified", "Expires"):
        if header in response:
            del response[header]
    return response


def private_cache(view_func):
    """View decorator: :func:`set_private_cache_headers` on every response.

    Works on Django views and, through ``ninja.decorators.decorate_view``, on
    ninja operations.
    """

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        return set_private_cache_headers(view_func(request, *args, **kwargs))

    return wrapper


def set_last_modified(request, *timestamps):
    """Report when the content of the response being built last changed.

    Views decorated with :func:`api_cache` call this with the timestamps of
    what they serialise and usually :func:`content_changed_at` (``None``
    values are ignored); the decorator sends the latest as ``Last-Modified``.
    """
    noted = [t for t in timestamps if t is not None]
    noted.extend(getattr(request, _NOTED, ()))
    setattr(request, _NOTED, noted)


def content_changed_at(site):
    """The latest audit-log entry or clinic update, in one query (or None).

    Args:
        site: any existing ``Site``; its row only anchors the subqueries.
    """

    def latest(model, field):
        return Subquery(model.objects.order_by(f"-{field}").values(field)[:1])

    row = (
        type(site)
        .objects.filter(pk=site.pk)
        .values(
            pages=latest(PageLogEntry, "timestamp"),
            models=latest(ModelLogEntry, "timestamp"),
            clinics=latest(Clinic, "updated_at"),
        )
        .first()
    )
    values = [value for value in (row or {}).values() if value is not None]
    return max(values, default=None)


def _etag(request, response):
    digest = hashlib.sha256(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(response.content)
    return f'"{digest.hexdigest()[:40]}"'


def set_public_cache_headers(request, response, last_modified=None):
    """Make a 200 response publicly cacheable, with validators.

    Returns ``response``, or a 304 (no body) or 412 (``application/problem+json``)
    response when the request's conditional headers say so (RFC 9110
    §13.2.2, as Django evaluates them).
    """
    max_age = int(clinic_settings.API_CACHE_MAX_AGE)
    response["Cache-Control"] = f"public, max-age={max(max_age, 0)}"
    patch_vary_headers(response, ("Authorization",))
    etag = _etag(request, response)
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if conditional.status_code == 412:
        # Django's is an empty text/html response: give the API's error shape.
        conditional = problem_response(
            412, "The If-Match or If-Unmodified-Since precondition failed."
        )
        patch_vary_headers(conditional, ("Authorization",))
    return conditional


def set_language_headers(request, response):
    """``Content-Language`` and ``Vary`` of a response in one language.

    From what the view recorded with ``api.locales.note_language``: the
    language code answered in, and whether it was negotiated from the
    request's headers (no ``?locale=``, no page of its own), which makes
    ``Accept-Language`` and ``Cookie`` (the language cookie) select the body
    when ``LocaleMiddleware`` negotiates (:func:`language_is_negotiated`).
    """
    code, negotiated = noted_language(request)
    if code and response.status_code < 300:
        response["Content-Language"] = code
    if negotiated and language_is_negotiated():
        patch_vary_headers(response, LANGUAGE_VARY)
    return response


def language_is_negotiated():
    """Whether the active language depends on the request's headers.

    It does with Django's ``LocaleMiddleware`` (or a subclass named so),
    which reads the language cookie and ``Accept-Language``; without it the
    active language is ``LANGUAGE_CODE`` for every request, and public
    responses keep needing no ``Vary: Cookie``.
    """
    return any(
        str(path).rsplit(".", 1)[-1] == "LocaleMiddleware"
        for path in getattr(settings, "MIDDLEWARE", ())
    )


def api_cache(view_func):
    """View decorator for public, anonymous API reads.

    * A request with credentials (:func:`is_credentialed`) gets a private,
      uncacheable response (:func:`set_private_cache_headers`).
    * Otherwise a successful GET gets ``Cache-Control: public``, a strong
      ``ETag``, ``Last-Modified`` (from :func:`set_last_modified`) and 304
      answers to ``If-None-Match`` / ``If-Modified-Since``. Error responses
      only get ``Vary: Authorization``.
    * A response in one language gets ``Content-Language``, and ``Vary:
      Accept-Language, Cookie`` when that language was negotiated rather
      than asked for (:func:`set_language_headers`); the ``ETag`` hashes
      the body, so two languages never share one.

    Either way the view runs as an anonymous user: ``request.user`` is
    replaced before the view sees it, so neither the response nor the cache
    headers depend on a session.

    Apply it to each public operation (``decorate_view(api_cache)``), not to
    a router, so routes added to the router later (e.g. previews) keep their
    own headers.
    """

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        credentialed = is_credentialed(request)
        request.user = AnonymousUser()
        # A view may activate the language of what it serves (a page's own)
        # for its serialisation; the request's language is restored after.
        with translation.override(translation.get_language()):
            response = view_func(request, *args, **kwargs)
        set_language_headers(request, response)
        if credentialed:
            return set_private_cache_headers(response)
        if response.status_code != 200 or response.streaming:
            patch_vary_headers(response, ("Authorization",))
            return response
        last_modified = max(getattr(request, _NOTED, ()), default=None)
        return set_public_cache_headers(request, response, last_modified)

    return wrapper
