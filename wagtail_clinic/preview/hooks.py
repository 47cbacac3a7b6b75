"""Wagtail hooks of headless frontends (layer 6, imported by ``wagtail_hooks``).

``before_serve_page``: a page whose site's frontend has ``redirect`` set
answers Django's URL with a 302 to the frontend
(``HeadlessServeMixin.headless_redirect``). A hook rather than ``serve()``,
so page types whose own ``serve`` does not call ``super()`` redirect too,
and nothing of the page is rendered. Previews do not pass through it.
"""

from wagtail import hooks


@hooks.register("before_serve_page")
def redirect_to_headless_frontend(page, request, serve_args, serve_kwargs):
    """Redirect to the frontend when the page's ``headless_redirect`` says so."""
    redirect = getattr(page, "headless_redirect", None)
    return redirect(request) if redirect is not None else None
