"""Pages served by a headless frontend (layer 4b).

* ``HeadlessServeMixin``: on a site with a frontend ``url``
  (``preview.frontends``), the page's public URLs (``url``, ``full_url``,
  hence the admin's "View live", the API's ``html_url``, sitemaps, hreflang
  and rich text links) are the frontend's; with ``redirect`` Django's URL of
  the page redirects there (``headless_redirect``, applied by the
  ``before_serve_page`` hook in ``preview.hooks``).
* ``HeadlessPreviewMixin``: the above plus the "Frontend" preview mode.

``get_url_parts`` is left alone: it still gives the CMS site's root, which
Wagtail's routing, redirects, the edge-cache purge and media URLs rely on.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from wagtail_clinic.preview.frontends import frontend_for_page, frontend_page_url
from wagtail_clinic.preview.tokens import (
    HEADLESS_PREVIEW_MODE,
    content_type_string,
    create_preview,
    preview_url,
)


class HeadlessServeMixin:
    """The headless frontend as the live view of a page type.

    Put it before ``Page`` in the bases. Without ``HEADLESS_FRONTENDS`` it
    changes nothing.
    """

    def get_frontend_url(self, request=None):
        """The page's URL on its site's frontend, or None (Django serves it)."""
        return frontend_page_url(self, request)

    def get_url(self, request=None, current_site=None):
        """The frontend URL on a headless site (always absolute: another host)."""
        return self.get_frontend_url(request) or super().get_url(
            request=request, current_site=current_site
        )

    # Page binds these properties to its own methods: rebind them to ours.
    url = property(get_url)

    def get_full_url(self, request=None):
        """The frontend URL on a headless site, else Wagtail's."""
        return self.get_frontend_url(request) or super().get_full_url(request=request)

    full_url = property(get_full_url)

    def headless_redirect(self, request):
        """A 302 to the frontend when this page's Django URL should redirect.

        Only on a site whose frontend has ``redirect`` set, and only for a
        GET or HEAD (a form post is handled here), never for a preview, and
        never for a signed-in user who may use the Wagtail admin (editors
        keep seeing Django's rendering). The path and query are kept.

        Returns:
            An ``HttpResponseRedirect``, or None to serve the page.
        """
        if request.method not in ("GET", "HEAD") or getattr(
            request, "is_preview", False
        ):
            return None
        frontend = frontend_for_page(self, request)
        if frontend is None or not frontend.redirect or not frontend.url:
            return None
        # Reading request.user loads the session: only when the visitor may
        # be signed in (a session cookie), so anonymous responses stay cacheable.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.has_perm("wagtailadmin.access_admin"):
                return None
        target = frontend.url.rstrip("/") + request.path_info
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(f"{target}?{query}" if query else target)


class HeadlessPreviewMixin(HeadlessServeMixin):
    """Lets editors preview a page as the headless frontend renders it.

    Put it before ``Page`` in the bases. With no preview URL for the page's
    site (``HEADLESS_FRONTENDS``' ``preview_url``, or ``HEADLESS_PREVIEW_URL``
    for the default) it changes nothing: previews render the page's HTML
    templates. With one, a "Frontend" preview mode comes first (so it is the
    default) and redirects the preview to the frontend with a token for the
    draft. Includes ``HeadlessServeMixin``.
    """

    @property
    def preview_modes(self):
        """Wagtail's preview modes, after "Frontend" when a frontend is set."""
        modes = list(super().preview_modes)
        if self.get_headless_preview_url(None):
            modes.insert(0, (HEADLESS_PREVIEW_MODE, _("Frontend")))
        return modes

    def get_headless_preview_url(self, request):
        """The preview route of the frontend of this page's site, or None."""
        frontend = frontend_for_page(self, request)
        return frontend.preview_url if frontend is not None else None

    def serve_preview(self, request, mode_name):
        """Redirect the "Frontend" mode to the frontend; render the others."""
        base_url = self.get_headless_preview_url(request)
        if mode_name != HEADLESS_PREVIEW_MODE or not base_url:
            return super().serve_preview(request, mode_name)
        token = create_preview(self)
        model = self.specific_class or type(self)
        return HttpResponseRedirect(
            preview_url(base_url, content_type_string(model), token)
        )
