"""Signed, expiring tokens for headless previews (layer 4b).

When ``WAGTAIL_CLINIC["HEADLESS_PREVIEW_URL"]`` is set, pages that use
``HeadlessPreviewMixin`` (``preview.mixins``) gain a "Frontend" preview mode.
Choosing it stores the editor's unsaved page in a ``PagePreview`` row
(``preview.models``) and redirects the preview panel to the frontend with a
signed, expiring token::

    {HEADLESS_PREVIEW_URL}?content_type=wagtail_clinic.conditionpage&token=…

The frontend then reads the draft from ``GET /api/v3/clinic/preview/?token=…``
(``preview.api``), in the same shape as the page detail.

The token is a ``TimestampSigner`` signature over the content type and the
row's random key: it cannot be guessed, forged, reused for another page type,
or used after ``HEADLESS_PREVIEW_MAX_AGE`` seconds. This follows
wagtail-headless-preview's design without depending on it (it only serves
API v2, and would be one more runtime dependency for ~100 lines of code).
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.http import Http404

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.preview.models import PagePreview


#: The name of the preview mode added by ``HeadlessPreviewMixin``.
HEADLESS_PREVIEW_MODE = "headless"

_SIGNING_SALT = "wagtail_clinic.preview"


def get_signer():
    """The signer of preview tokens (keyed on ``SECRET_KEY`` and a salt)."""
    return signing.TimestampSigner(salt=_SIGNING_SALT)


def content_type_string(model):
    """``"app_label.modelname"``, as sent to the frontend, e.g. ``wagtail_clinic.conditionpage``."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def create_preview(page):
    """Store ``page``'s current (unsaved) state and return its signed token.

    Also deletes previews older than ``HEADLESS_PREVIEW_MAX_AGE``, so the
    table only ever holds recent drafts.
    """
    model = page.specific_class or type(page)
    content_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        PagePreview.objects.expired(clinic_settings.HEADLESS_PREVIEW_MAX_AGE).delete()
        preview = PagePreview.objects.create(
            content_type=content_type, content_json=page.to_json()
        )
    return get_signer().sign(f"{content_type_string(model)}:{preview.key}")


def get_preview_page(token, content_type=None):
    """The draft page a preview token stands for.

    Args:
        token: the signed token from the preview URL.
        content_type: optionally the ``app_label.modelname`` the frontend was
            sent with the token; it must match the token's.

    Raises:
        Http404: the token is malformed, forged, expired, for another page
            type, or its draft has been deleted.
    """
    try:
        value = get_signer().unsign(
            token, max_age=clinic_settings.HEADLESS_PREVIEW_MAX_AGE
        )
    except signing.BadSignature as exc:  # SignatureExpired is a subclass.
        raise Http404("Invalid or expired preview token.") from exc
    label, _sep, key = value.rpartition(":")
    if content_type is not None and content_type.lower() != label:
        raise Http404("Invalid or expired preview token.")
    app_label, _sep, model_name = label.partition(".")
    preview = (
        PagePreview.objects.filter(
            key=key,
            content_type__app_label=app_label,
            content_type__model=model_name,
        )
        .select_related("content_type")
        .first()
    )
    if preview is None or preview.content_type.model_class() is None:
        raise Http404("Invalid or expired preview token.")
    return preview.as_page()


def preview_url(base_url, content_type, token):
    """``base_url`` with ``content_type`` and ``token`` added to its query."""
    parts = urlsplit(base_url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in {"content_type", "token"}
    ]
    query += [("content_type", content_type), ("token", token)]
    return urlunsplit(parts._replace(query=urlencode(query)))
