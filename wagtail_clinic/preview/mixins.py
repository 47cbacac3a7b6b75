"""``HeadlessPreviewMixin``: the "Frontend" preview mode of a page (layer 4b)."""

from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.preview.tokens import (
    HEADLESS_PREVIEW_MODE,
    content_type_string,
    create_preview,
    preview_url,
)


class HeadlessPreviewMixin:
    """Lets editors preview a page as the headless frontend renders it.

    Put it before ``Page`` in the bases. With ``HEADLESS_PREVIEW_URL`` unset
    it changes nothing: previews render the page's HTML templates. With it
    set, a "Frontend" preview mode comes first (so it is the default) and
    redirects the preview to the frontend with a token for the draft.
    """

    @property
    def preview_modes(self):
        """Wagtail's preview modes, after "Frontend" when a frontend is set."""
        modes = list(super().preview_modes)
        if clinic_settings.HEADLESS_PREVIEW_URL:
            modes.insert(0, (HEADLESS_PREVIEW_MODE, _("Frontend")))
        return modes

    def get_headless_preview_url(self, request):
        """The frontend's preview route; override for per-site frontends."""
        return clinic_settings.HEADLESS_PREVIEW_URL

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
