"""``EdgeCacheMixin``: a page's ``Cache-Control`` for edge caches (layer 4b).

An anonymous GET of a live, public page gets ``Cache-Control: public,
max-age=EDGE_CACHE_MAX_AGE, s-maxage=EDGE_CACHE_S_MAXAGE`` and carries no
per-visitor state: the forms on it render no CSRF token (their posts are
checked by ``Origin`` instead, by ``edge.middleware.EdgeFormsMiddleware``)
and nothing reads the session, so no ``Set-Cookie`` and no ``Vary: Cookie``.

Never cacheable (``Cache-Control: private, no-store``): previews (drafts,
revisions), pages that are not live, requests of signed-in users or of
visitors who passed a view restriction (a session cookie or an
``Authorization`` header is present) and any response to
something other than GET/HEAD (form errors show what the visitor typed).
A POST response that already says ``no-store`` keeps it as it is.

``EDGE_CACHE_S_MAXAGE`` 0 or None turns the public headers off: pages are
then served as before (the forms with a CSRF token), and only the
never-cacheable cases above get ``private, no-store``.
"""

import contextlib

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from wagtail.blocks import StreamValue

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation import fragments as html_fragments
from wagtail_clinic.structured_data.mixins import load_shown_objects


__all__ = [
    "CONTEXT_NAME",
    "MIDDLEWARE_PATH",
    "PRIVATE",
    "PUBLIC",
    "EdgeCacheMixin",
    "body_left_out",
    "edge_cache_state",
    "edge_forms_middleware_installed",
    "mark_private",
    "mark_public",
]

#: The dotted path of the middleware that checks anonymous form posts.
MIDDLEWARE_PATH = "wagtail_clinic.edge.middleware.EdgeFormsMiddleware"
#: Template context flag: True when the page is rendered for the edge cache
#: (the form templates then leave out ``{% csrf_token %}``).
CONTEXT_NAME = "clinic_edge_cacheable"
#: ``edge_cache_state`` values.
PUBLIC = "public"
PRIVATE = "private"

_STATE_ATTR = "_clinic_edge_cache_state"
#: Set on a response that ``EdgeCacheMixin`` made public: the middleware
#: turns it private if anything added per-visitor state after all.
RESPONSE_FLAG = "clinic_edge_cacheable"


def edge_forms_middleware_installed():
    """Whether ``EdgeFormsMiddleware`` is in ``settings.MIDDLEWARE``.

    Without it anonymous form posts need Django's CSRF token, so pages with
    forms render one and cannot be cached.
    """
    return MIDDLEWARE_PATH in (getattr(settings, "MIDDLEWARE", None) or [])


def _signed_in_maybe(request):
    """Whether the request may belong to a signed-in user (no session read)."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def edge_cache_state(page, request):
    """``PUBLIC``, ``PRIVATE`` or None (edge caching off: leave headers alone).

    Decided once per request (remembered on it), without reading the
    session and without a query: a request without a session cookie has no
    signed-in user. Private pages (view restrictions) need no query either:
    Wagtail's ``before_serve_page`` check answers a visitor who has not
    passed the restriction itself (password form, login redirect), and one
    who has passed it holds a session cookie.
    """
    state = getattr(request, _STATE_ATTR, "unset")
    if state != "unset":
        return state
    if (
        request.method not in ("GET", "HEAD")
        or getattr(request, "is_preview", False)
        or getattr(request, "is_dummy", False)
        or _signed_in_maybe(request)
        or not page.live
    ):
        state = PRIVATE
    elif clinic_settings.EDGE_CACHE_S_MAXAGE:
        state = PUBLIC
    else:
        state = None
    setattr(request, _STATE_ATTR, state)
    return state


def mark_private(response):
    """``Cache-Control: private, no-store`` (kept as is if already no-store)."""
    if "no-store" not in response.get("Cache-Control", ""):
        response["Cache-Control"] = "private, no-store"
    setattr(response, RESPONSE_FLAG, False)
    return response


def mark_public(response):
    """``Cache-Control: public, max-age=…, s-maxage=…`` from the settings."""
    max_age = int(clinic_settings.EDGE_CACHE_MAX_AGE or 0)
    s_maxage = int(clinic_settings.EDGE_CACHE_S_MAXAGE or 0)
    response["Cache-Control"] = f"public, max-age={max_age}, s-maxage={s_maxage}"
    setattr(response, RESPONSE_FLAG, True)
    return response


def _check_rendered(request, response):
    """After rendering: private after all if the page read the session or CSRF token."""
    session = getattr(request, "session", None)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (
        session is not None and getattr(session, "accessed", False)
    ):
        mark_private(response)
    return response


#: Set on a page while ``_body_left_out`` runs.
_LEFT_OUT_ATTR = "_clinic_body_left_out"


@contextlib.contextmanager
def _body_left_out(page):
    """While inside: ``page.body`` is empty (it is put back on leaving)."""
    body = page.__dict__.get("body")
    if not isinstance(body, StreamValue):
        yield
        return
    page.__dict__["body"] = StreamValue(body.stream_block, [])
    page.__dict__[_LEFT_OUT_ATTR] = True
    try:
        yield
    finally:
        page.__dict__["body"] = body
        del page.__dict__[_LEFT_OUT_ATTR]


def body_left_out(page):
    """Whether ``page``'s context is being prepared without its body (the
    HTML built from it is cached): nothing it shows needs loading."""
    return page.__dict__.get(_LEFT_OUT_ATTR, False)


class EdgeCacheMixin:
    """Edge-cache headers for a page type; put it first in the bases.

    Anonymous posts to the page (its forms) are checked by ``Origin``
    instead of a CSRF token when ``EdgeFormsMiddleware`` is installed
    (``edge_origin_checked_posts``). Context: ``clinic_edge_cacheable``.
    """

    #: ``EdgeFormsMiddleware`` checks anonymous posts to this page by Origin.
    edge_origin_checked_posts = True

    def is_edge_cacheable(self, request):
        """Whether this response may be stored by shared caches."""
        return edge_cache_state(self, request) == PUBLIC

    #: The layout whose ``{% clinic_cached_fragment %}`` parts are cached,
    #: with the page's own template (their files are part of the key).
    html_fragment_layout = "wagtail_clinic/article_base.html"
    #: The fragment that holds everything built from the prepared body
    #: (outline, citations, chosen objects): when it is cached, the body is
    #: not prepared at all.
    html_body_fragment = "article"

    def get_context(self, request, *args, **kwargs):
        """The page's context, with ``clinic_edge_cacheable`` and its fragments.

        ``clinic_page_fragments`` (``serialisation.fragments.PageFragments``)
        serves the cached parts of the page's HTML. When the part built from
        the body is cached, the pages below this mixin prepare an empty body
        instead (no chosen objects, renditions or links are loaded, and
        ``outline`` and ``citations`` are empty): their HTML is in the cache.
        Otherwise the images and therapist the page chooses itself (hero
        image, reviewer) are loaded in one query (``load_shown_objects``).
        """
        fragments = html_fragments.PageFragments(
            self,
            request,
            (self.get_template(request, *args, **kwargs), self.html_fragment_layout),
        )
        skip_body = fragments.get(self.html_body_fragment) is not None
        if not skip_body and self.pk is not None and self._state.db is not None:
            load_shown_objects(self)
        with _body_left_out(self) if skip_body else contextlib.nullcontext():
            context = super().get_context(request, *args, **kwargs)
        context[html_fragments.CONTEXT_NAME] = fragments
        context[CONTEXT_NAME] = (
            self.is_edge_cacheable(request) and edge_forms_middleware_installed()
        )
        return context

    def serve(self, request, *args, **kwargs):
        """Serve the page, then set its ``Cache-Control`` (see module doc)."""
        return self.serve_edge_cached(request, super().serve, *args, **kwargs)

    def serve_edge_cached(self, request, serve, *args, **kwargs):
        """``serve(request, *args, **kwargs)`` with the edge-cache headers.

        For a page type whose own class defines ``serve`` (and so comes
        before this mixin): its ``serve`` returns
        ``self.serve_edge_cached(request, self.<its serving method>, …)``.
        """
        state = edge_cache_state(self, request)
        if state == PUBLIC:
            # No session cookie: the visitor is anonymous. Saying so up front
            # keeps templates (e.g. Wagtail's user bar) from reading the
            # session, which would add "Vary: Cookie".
            request.user = AnonymousUser()
        response = serve(request, *args, **kwargs)
        if state == PRIVATE or response.status_code != 200:
            # Redirects and errors are not worth sharing; never cache them.
            if state is not None:
                mark_private(response)
            return response
        if state == PUBLIC:
            mark_public(response)
            if hasattr(response, "add_post_render_callback"):
                response.add_post_render_callback(
                    lambda rendered: _check_rendered(request, rendered)
                )
            else:
                _check_rendered(request, response)
        return response

    def serve_preview(self, request, *args, **kwargs):
        """Previews (drafts, revisions) are never stored by any cache."""
        if request is not None:
            setattr(request, _STATE_ATTR, PRIVATE)
        return mark_private(super().serve_preview(request, *args, **kwargs))
