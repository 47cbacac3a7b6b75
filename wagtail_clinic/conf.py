"""The ``WAGTAIL_CLINIC`` settings dict, with defaults (layer 0).

A host site overrides any key in its Django settings::

    WAGTAIL_CLINIC = {
        "RENDITIONS": {"card": "fill-400x300"},
    }

Values are re-read when Django's ``setting_changed`` signal fires, so tests
can use ``override_settings``. ``check_settings`` (system check
``wagtail_clinic.W004``) warns about keys this app does not know, e.g. typos.

This module imports nothing from ``wagtail_clinic``: every other module may
import it.
"""

import difflib

from django.conf import settings as django_settings
from django.core import checks
from django.core.signals import setting_changed
from django.dispatch import receiver


DEFAULTS = {
    # Image rendition filter specs used by the default templates, by purpose.
    # They are prefetched together with the images so that a page view costs
    # one query for all images, however many there are.
    "RENDITIONS": {
        "hero": "fill-1200x600",
        "content": "max-960x720",
        "card": "fill-480x320",
        "portrait": "fill-160x160",
    },
    # Number of cards per page on the index pages.
    "INDEX_PAGE_SIZE": 24,
    # Include the optional stylesheet in the default base template.
    "INCLUDE_STYLESHEET": True,
    # Medical review (docs/medical-review.md): months from a review to the
    # next one, used when an editor leaves "next review due" blank, and how
    # many days ahead the review report counts an article as "due soon".
    "REVIEW_INTERVAL_MONTHS": 12,
    "REVIEW_DUE_SOON_DAYS": 30,
    # Appointment requests (docs/booking.md). Accepted requests per client IP
    # (keyed on a keyed hash, never the raw IP) as "N/second|minute|hour|day";
    # None turns the limit off.
    "APPOINTMENT_RATE_LIMIT": "5/hour",
    # Origins (e.g. "https://www.clinic.example") whose browser pages may POST
    # to the clinic API (appointment requests, comments); "*" allows any.
    "API_CORS_ORIGINS": [],
    # Largest JSON body the appointment endpoint reads, in bytes.
    "APPOINTMENT_MAX_BODY_SIZE": 16 * 1024,
    # Days requests are kept before purge_appointment_requests deletes them.
    "APPOINTMENT_RETENTION_DAYS": 180,
    # Where new-request notifications go (an address or a list); None means
    # the clinic's own email address.
    "APPOINTMENT_NOTIFICATION_EMAIL": None,
    # Country calling code assumed for phone numbers typed without "+".
    "PHONE_DEFAULT_COUNTRY_CODE": "1",
    # Seconds a public form (appointment requests, comments) keeps waiting
    # for, and retrying, a write while the database is busy (locked by
    # another writer) before answering 503 with Retry-After. Keep it well
    # below the web server's worker timeout (gunicorn: 30 s).
    "DATABASE_BUSY_TIMEOUT": 10,
    # Seconds shared caches may keep the clinic API's anonymous responses
    # (Cache-Control: public, max-age=…); ETags make revalidation cheap.
    "API_CACHE_MAX_AGE": 60,
    # Pages cached at the edge (docs/deploy.md, "Caching pages at the edge"):
    # an anonymous GET of a live, public article, massage type, index or
    # appointment request page gets "Cache-Control: public,
    # max-age=EDGE_CACHE_MAX_AGE, s-maxage=EDGE_CACHE_S_MAXAGE". max-age is
    # for browsers (keep it small: only shared caches are purged on
    # publish), s-maxage for Varnish/CDNs. 0 or None for EDGE_CACHE_S_MAXAGE
    # turns it off. Forms on cached pages need EdgeFormsMiddleware.
    "EDGE_CACHE_MAX_AGE": 0,
    "EDGE_CACHE_S_MAXAGE": 300,
    # Keep the API values of live pages (bodies, outlines, structured data,
    # images, the reviewer…) in Django's cache, so a repeated API detail costs
    # only Wagtail's own page lookup. Invalidated by signals on every change
    # a value can show (docs/headless.md, "Representation cache"). None: on
    # when the cache is shared by all processes (not LocMemCache/DummyCache);
    # True: on regardless (e.g. a single process); False: off.
    "API_REPRESENTATION_CACHE": None,
    # The cache (a key of CACHES; it must be shared by all processes, e.g.
    # Redis) and the seconds an entry is kept at most; any content change
    # drops every entry at once anyway.
    "API_REPRESENTATION_CACHE_ALIAS": "default",
    "API_REPRESENTATION_CACHE_TIMEOUT": 300,
    # Largest `limit` of the clinic API listings; None means Wagtail's
    # WAGTAILAPI_LIMIT_MAX (20 unless set).
    "API_LIMIT_MAX": None,
    # Headless preview: the frontend route that shows a draft, e.g.
    # "http://localhost:3000/api/preview". When set, pages gain a "Frontend"
    # preview mode that redirects there with a signed, expiring token.
    "HEADLESS_PREVIEW_URL": None,
    # Headless frontends per Wagtail Site (docs/headless.md, "The frontend as
    # the live view"): {"default" | "hostname" | "hostname:port": {"url":
    # frontend base URL, "preview_url": its preview route, "redirect": bool}
    # or None}. A site with a "url" has its pages' public URLs ("View live",
    # html_url, sitemaps) on the frontend; "redirect" sends Django's page
    # URLs there. HEADLESS_PREVIEW_URL is the default's "preview_url".
    "HEADLESS_FRONTENDS": None,
    # Seconds a preview token stays valid (and its stored draft is kept).
    "HEADLESS_PREVIEW_MAX_AGE": 3600,
    # Publish notifications: [{"url": "https://…/api/revalidate",
    # "secret": "whsec_…"}, …], signed per Standard Webhooks (make a secret
    # with `manage.py webhook_secret`); optional per endpoint: "events", a
    # list of the events it wants (default: all), and "previous_secrets",
    # older secrets that also sign while receivers move to a new one.
    "WEBHOOKS": [],
    # Deprecated, removed in 0.2: also send the old X-Clinic-Signature,
    # X-Clinic-Timestamp and X-Clinic-Delivery headers. Set it to False once
    # every receiver verifies the Standard Webhooks headers.
    "WEBHOOK_LEGACY_SIGNATURE": True,
    # Page models that trigger webhooks, as "app_label.ModelName" labels;
    # None means every page type of the site.
    "WEBHOOK_PAGE_MODELS": None,
    # Most paths a webhook payload lists (and most pages whose URLs an
    # edge-cache purge lists). Past it the payload says "purge_all" and
    # gives "paths_url", an API operation listing every path page by page.
    "WEBHOOK_MAX_PATHS": 100,
    # Seconds to wait for a frontend to answer a webhook.
    "WEBHOOK_TIMEOUT": 5,
    # Attempts per delivery (the first one included) before giving up.
    "WEBHOOK_MAX_ATTEMPTS": 5,
    # Seconds before the first retry; each further retry waits twice as long.
    "WEBHOOK_RETRY_BACKOFF": 60,
    # Reader comments (docs/comments.md). Publish a commenter's new comments
    # at once if an earlier one (same email, matched by a keyed hash) was
    # approved; otherwise every comment waits for moderation.
    "COMMENTS_AUTO_APPROVE_RETURNING": False,
    # Hidden honeypot field: "silent" answers bots as if their comment was
    # received (nothing is stored), "reject" shows an error, None turns it off.
    "COMMENTS_HONEYPOT": "silent",
    # Seconds a reader must spend on the form before sending (a signed
    # timestamp travels with it), and how long a form stays valid. None or 0
    # turns the minimum off.
    "COMMENTS_MIN_FILL_SECONDS": 3,
    "COMMENTS_FORM_MAX_AGE": 24 * 3600,
    # Most links a comment may hold; None means no limit.
    "COMMENTS_MAX_LINKS": 2,
    # Accepted comments per client IP (a keyed hash of it), e.g. "10/hour";
    # None turns the limit off.
    "COMMENTS_RATE_LIMIT": "10/hour",
    # Longest comment, in characters.
    "COMMENTS_MAX_LENGTH": 3000,
    # Words, phrases or domains (e.g. "casino", "spam.example") that no name,
    # email or comment may contain; matched whole and case-insensitively.
    "COMMENTS_BLOCKLIST": [],
    # Where "comment awaiting moderation" emails go (an address or a list);
    # None means every active user who may moderate comments.
    "COMMENTS_NOTIFICATION_EMAIL": None,
}


class AppSettings:
    """Attribute access to ``WAGTAIL_CLINIC`` merged over ``DEFAULTS``.

    Dict defaults are merged key by key (``{"RENDITIONS": {"card": …}}``
    keeps the other renditions). Unknown names raise ``AttributeError``.
    """

    def __init__(self):
        self._cache = None

    def _load(self):
        user = getattr(django_settings, "WAGTAIL_CLINIC", {}) or {}
        merged = {}
        for key, default in DEFAULTS.items():
            value = user.get(key, default)
            if isinstance(default, dict):
                value = {**default, **value}
            merged[key] = value
        return merged

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._cache is None:
            self._cache = self._load()
        try:
            return self._cache[name]
        except KeyError as exc:
            raise AttributeError(f"Unknown WAGTAIL_CLINIC setting: {name}") from exc

    def reload(self):
        """Forget the merged values: the next access reads the settings again."""
        self._cache = None


clinic_settings = AppSettings()


@receiver(setting_changed)
def _reload_clinic_settings(*, setting, **kwargs):
    if setting == "WAGTAIL_CLINIC":
        clinic_settings.reload()


def check_settings(app_configs=None, **kwargs):
    """``wagtail_clinic.W004``: keys of ``settings.WAGTAIL_CLINIC`` not in ``DEFAULTS``.

    An unknown key is most likely a typo, silently ignored otherwise. The
    check is registered by ``wagtail_clinic.checks``.

    Returns:
        A list with one ``checks.Warning`` per unknown key (empty if none).
    """
    user = getattr(django_settings, "WAGTAIL_CLINIC", None) or {}
    if not isinstance(user, dict):
        return []
    warnings = []
    for key in sorted(set(user) - set(DEFAULTS), key=str):
        close = difflib.get_close_matches(str(key), DEFAULTS, n=1)
        hint = (
            f'Did you mean "{close[0]}"?'
            if close
            else "The known keys are those of wagtail_clinic.conf.DEFAULTS."
        )
        warnings.append(
            checks.Warning(
                f"Unknown WAGTAIL_CLINIC setting {key!r}: it is ignored.",
                hint=hint,
                obj="settings.WAGTAIL_CLINIC",
                id="wagtail_clinic.W004",
            )
        )
    return warnings
