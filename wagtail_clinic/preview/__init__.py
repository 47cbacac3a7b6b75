"""Draft previews rendered by a headless frontend (layer 4b).

* ``tokens``: signed, expiring tokens for stored drafts;
* ``frontends``: per-site frontends (``HEADLESS_FRONTENDS``), their URLs
  and system checks;
* ``mixins``: ``HeadlessServeMixin`` (the frontend as the live view: page
  URLs, the redirect) and ``HeadlessPreviewMixin`` (that plus the "Frontend"
  preview mode);
* ``hooks``: the ``before_serve_page`` hook of the redirect;
* ``models``: ``PagePreview``, the stored drafts;
* ``api``: ``GET /api/v3/clinic/preview/`` (imported by the API router only).

The names below stay importable from ``wagtail_clinic.preview`` (migration
0004 names ``wagtail_clinic.preview.HeadlessPreviewMixin``).
"""

from wagtail_clinic.preview.mixins import HeadlessPreviewMixin, HeadlessServeMixin
from wagtail_clinic.preview.tokens import (
    HEADLESS_PREVIEW_MODE,
    content_type_string,
    create_preview,
    get_preview_page,
    get_signer,
    preview_url,
)


__all__ = [
    "HEADLESS_PREVIEW_MODE",
    "HeadlessPreviewMixin",
    "HeadlessServeMixin",
    "content_type_string",
    "create_preview",
    "get_preview_page",
    "get_signer",
    "preview_url",
]
