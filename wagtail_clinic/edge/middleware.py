"""``EdgeFormsMiddleware``: anonymous form posts checked by Origin (layer 6).

Pages cached at the edge hold no per-visitor CSRF token, so Django's
``CsrfViewMiddleware`` would refuse their anonymous form posts. For a POST
that Wagtail serves to a page with ``edge_origin_checked_posts`` (the
comment form on articles, the appointment request page) from a visitor who
is not signed in, this middleware checks the ``Origin`` (or ``Referer``)
instead (``public_input.origin.check_origin``): a post from another site is
refused with 403 and a message saying why, before the page sees it; one
from the site itself skips the CSRF token check. Signed-in users keep
Django's full CSRF protection (their pages carry a token).

It also has the last word on cacheability: a response that
``EdgeCacheMixin`` made public but that sets a cookie or varies on
``Cookie`` after all becomes ``private, no-store``.

Install it before ``SessionMiddleware`` and ``CsrfViewMiddleware``::

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "wagtail_clinic.edge.middleware.EdgeFormsMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        ...
    ]
"""

from django.http import HttpResponseForbidden
from django.utils.translation import gettext_lazy as _
from wagtail import views as wagtail_views
from wagtail.models import Page

from wagtail_clinic.edge.pages import RESPONSE_FLAG, mark_private
from wagtail_clinic.public_input.origin import check_origin


__all__ = ["EdgeFormsMiddleware", "FOREIGN_ORIGIN_MESSAGE"]

FOREIGN_ORIGIN_MESSAGE = _(
    "This form was sent from another website, so it was not accepted and "
    "nothing was stored. Please open this page on our own website and send "
    "the form from there."
)


def _form_page(request, view_func, view_args, view_kwargs):
    """The page a POST to Wagtail's ``serve`` view goes to, if it opts in."""
    if view_func is not wagtail_views.serve:
        return None
    path = view_kwargs.get("path", view_args[0] if view_args else "")
    route = Page.route_for_request(request, path)
    if route is None:
        return None
    page = route[0]
    return page if getattr(page, "edge_origin_checked_posts", False) else None


class EdgeFormsMiddleware:
    """Check anonymous form posts by Origin; keep cacheable responses clean."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        """Run the request, then downgrade a public response with visitor state."""
        response = self.get_response(request)
        if getattr(response, RESPONSE_FLAG, False) and (
            response.cookies or "cookie" in response.get("Vary", "").lower()
        ):
            mark_private(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """For an anonymous POST to an opted-in page: Origin instead of CSRF token."""
        if request.method != "POST":
            return None
        page = _form_page(request, view_func, view_args, view_kwargs)
        if page is None:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None  # Django's CSRF check applies, with the page's token.
        verdict = check_origin(request)
        if not verdict.allowed:
            response = HttpResponseForbidden(
                str(FOREIGN_ORIGIN_MESSAGE), content_type="text/plain; charset=utf-8"
            )
            response["Cache-Control"] = "private, no-store"
            return response
        # The same flag Django's test client sets: CsrfViewMiddleware then
        # accepts the post without a token (the Origin check replaced it).
        request._dont_enforce_csrf_checks = True
        return None
