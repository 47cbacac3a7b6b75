"""Per-site headless frontends: their live and preview URLs (layer 4b).

``WAGTAIL_CLINIC["HEADLESS_FRONTENDS"]`` maps a Wagtail ``Site`` to the
frontend that serves it, in the manner of wagtail-headless-preview's
``CLIENT_URLS``: keys are ``"hostname:port"`` or ``"hostname"`` of the Site
record (tried in that order), then ``"default"``::

    WAGTAIL_CLINIC = {
        "HEADLESS_FRONTENDS": {
            "default": {
                "url": "https://www.clinic.example",
                "preview_url": "https://www.clinic.example/api/draft",
                "redirect": True,
            },
            "fr.clinic.example": {"url": "https://fr.clinic.example"},
            "intranet.clinic.example": None,  # Django renders this site.
        },
    }

``url`` is the frontend's base URL: a page's public URL there is ``url`` +
the page's path on the CMS (locale prefix included), and the admin's
"View live" opens it. ``preview_url`` is the frontend's preview route (the
"Frontend" preview mode sends the draft's token there). ``redirect`` makes
Django's URL of a page redirect to the frontend (``preview.mixins``).
``HEADLESS_PREVIEW_URL`` stays the default's ``preview_url``.

The lookup costs no query: a Site is recognised by the root URL that
Wagtail's (cached) site root paths already hold.
"""

import difflib

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core import checks

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.serialisation.locations import page_location


__all__ = [
    "DEFAULT_KEY",
    "ENTRY_KEYS",
    "Frontend",
    "check_headless_frontends",
    "frontend_for_page",
    "frontend_for_root_url",
    "frontend_for_site",
    "frontend_page_url",
    "site_keys",
]

#: The entry used for sites without one of their own.
DEFAULT_KEY = "default"
#: The keys an entry may have.
ENTRY_KEYS = ("url", "preview_url", "redirect")

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Frontend:
    """The frontend serving a site.

    Attributes:
        url: its base URL ("https://www.clinic.example"), or None when it
            only shows previews (pages keep their Django URLs).
        preview_url: its preview route, or None (no "Frontend" preview).
        redirect: whether Django's page URLs redirect to ``url``.
    """

    url: str | None = None
    preview_url: str | None = None
    redirect: bool = False


def site_keys(hostname, port):
    """The setting keys that may name a site, most specific first."""
    hostname = (hostname or "").lower()
    return (f"{hostname}:{port}", hostname, DEFAULT_KEY)


def _configured():
    frontends = clinic_settings.HEADLESS_FRONTENDS
    return frontends if isinstance(frontends, dict) else {}


def _lookup(hostname, port):
    """``(key found or None, entry)`` for a site."""
    frontends = {str(key).lower(): value for key, value in _configured().items()}
    for key in site_keys(hostname, port):
        if key in frontends:
            return key, frontends[key]
    return None, None


def _frontend(hostname, port):
    key, entry = _lookup(hostname, port)
    if key is not None and not isinstance(entry, dict):
        # None (or anything malformed, which a system check reports): this
        # site has no frontend, not even the default's.
        return None
    entry = entry or {}
    preview_url = entry.get("preview_url") or None
    if preview_url is None and key in (None, DEFAULT_KEY):
        preview_url = clinic_settings.HEADLESS_PREVIEW_URL or None
    url = entry.get("url") or None
    if url is None and preview_url is None:
        return None
    return Frontend(
        url=url, preview_url=preview_url, redirect=bool(entry.get("redirect"))
    )


def frontend_for_site(site):
    """The ``Frontend`` of a Wagtail ``Site`` (or None: Django serves it)."""
    if site is None:
        return _frontend("", "")
    return _frontend(site.hostname, site.port)


def frontend_for_root_url(root_url):
    """The ``Frontend`` of the site whose root URL is ``root_url``.

    ``root_url`` is a Site's ``root_url`` ("http://localhost:8000",
    "https://www.clinic.example"), as ``Page.get_url_parts`` returns it;
    None (an unrouted page) gives the default's frontend.
    """
    if not root_url:
        return _frontend("", "")
    parts = urlsplit(root_url)
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme, "")
    except ValueError:
        port = ""
    return _frontend(parts.hostname, port)


def _url_parts(page, request):
    parts = page.get_url_parts(request=request)
    if parts is None:
        return None, None
    _site_id, root_url, path = parts
    if path is None:
        # Wagtail's page serving is not in the URLconf (a headless-only CMS):
        # the page's path below its site root is still its frontend path.
        location = page_location(page)
        if location is None:
            return None, None
        root_url, path = location["root_url"], location["path"]
    return root_url, path


def frontend_for_page(page, request=None):
    """The ``Frontend`` of the site ``page`` belongs to, or None.

    A page not (yet) in any site, e.g. one previewed from the "add page"
    form before its tree position is known, gets the default's.
    """
    if not _configured() and not clinic_settings.HEADLESS_PREVIEW_URL:
        return None  # The usual case costs nothing.
    root_url, _path = _url_parts(page, request) if page.url_path else (None, None)
    return frontend_for_root_url(root_url)


def frontend_page_url(page, request=None):
    """The page's URL on its site's frontend, or None (no frontend ``url``).

    The frontend base URL followed by the page's path on the CMS, locale
    prefix included: ``https://www.clinic.example/fr/conditions/dos/``.
    """
    if not _configured() or not page.url_path:
        return None
    root_url, path = _url_parts(page, request)
    if path is None:
        return None
    frontend = frontend_for_root_url(root_url)
    if frontend is None or frontend.url is None:
        return None
    return frontend.url.rstrip("/") + path


# System checks ------------------------------------------------------------

_OBJ = 'settings.WAGTAIL_CLINIC["HEADLESS_FRONTENDS"]'


def _is_http_url(value):
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _url_error(value, obj, name):
    return checks.Error(
        f"{name} must be an absolute http:// or https:// URL, not {value!r}.",
        hint='For example "https://www.clinic.example" (and "…/api/draft" '
        "for a preview route).",
        obj=obj,
        id="wagtail_clinic.E603",
    )


def _is_site_key(key):
    if key == DEFAULT_KEY:
        return True
    if not isinstance(key, str) or not key or "/" in key or key != key.strip():
        return False
    parts = urlsplit(f"//{key}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return bool(parts.hostname) and not parts.username and not parts.password


def _check_entry(key, entry):
    obj = f"{_OBJ}[{key!r}]"
    if entry is None:
        return []
    if not isinstance(entry, dict):
        return [
            checks.Error(
                f"The frontend of {key!r} must be a dict (or None), "
                f"not {type(entry).__name__}.",
                hint='e.g. {"url": "https://www.clinic.example", '
                '"preview_url": "https://www.clinic.example/api/draft"}',
                obj=obj,
                id="wagtail_clinic.E602",
            )
        ]
    errors = []
    for name in sorted(set(entry) - set(ENTRY_KEYS), key=str):
        close = difflib.get_close_matches(str(name), ENTRY_KEYS, n=1)
        errors.append(
            checks.Error(
                f"Unknown key {name!r} in the frontend of {key!r}.",
                hint=(f'Did you mean "{close[0]}"? ' if close else "")
                + "The keys are: "
                + ", ".join(ENTRY_KEYS)
                + ".",
                obj=f"{obj}[{name!r}]",
                id="wagtail_clinic.E604",
            )
        )
    for name in ("url", "preview_url"):
        value = entry.get(name)
        if value is not None and not _is_http_url(value):
            errors.append(_url_error(value, f"{obj}[{name!r}]", name))
    redirect = entry.get("redirect", False)
    if not isinstance(redirect, bool):
        errors.append(
            checks.Error(
                f"redirect must be True or False, not {redirect!r}.",
                obj=f"{obj}['redirect']",
                id="wagtail_clinic.E605",
            )
        )
    elif redirect and not entry.get("url"):
        errors.append(
            checks.Error(
                f"The frontend of {key!r} redirects but has no url to redirect to.",
                hint='Add "url", the frontend\'s base URL, or remove "redirect".',
                obj=f"{obj}['redirect']",
                id="wagtail_clinic.E605",
            )
        )
    return errors


def check_headless_frontends(app_configs=None, **kwargs):
    """``wagtail_clinic.E601``-``E605``: malformed headless frontend settings.

    ``E601`` ``HEADLESS_FRONTENDS`` is not a dict or a key is not a
    hostname, ``hostname:port`` or ``"default"``; ``E602`` an entry is not a
    dict or None; ``E603`` a URL (``url``, ``preview_url``,
    ``HEADLESS_PREVIEW_URL``) is not absolute http(s); ``E604`` an unknown
    key in an entry; ``E605`` ``redirect`` is not a bool or has no ``url``.

    Returns:
        A list of ``checks.Error``, each naming the setting it is about.
    """
    user = getattr(django_settings, "WAGTAIL_CLINIC", None) or {}
    if not isinstance(user, dict):
        return []
    errors = []
    preview_url = user.get("HEADLESS_PREVIEW_URL")
    if preview_url is not None and not _is_http_url(preview_url):
        errors.append(
            _url_error(
                preview_url,
                'settings.WAGTAIL_CLINIC["HEADLESS_PREVIEW_URL"]',
                "HEADLESS_PREVIEW_URL",
            )
        )
    frontends = user.get("HEADLESS_FRONTENDS")
    if frontends is None:
        return errors
    if not isinstance(frontends, dict):
        errors.append(
            checks.Error(
                "HEADLESS_FRONTENDS must be a dict of site hostnames (or "
                f'"default") to frontends, not {type(frontends).__name__}.',
                obj=_OBJ,
                id="wagtail_clinic.E601",
            )
        )
        return errors
    for key, entry in frontends.items():
        if not _is_site_key(key):
            errors.append(
                checks.Error(
                    f"{key!r} is not a site: use the hostname of a Wagtail "
                    'Site, "hostname:port", or "default".',
                    hint='e.g. "www.clinic.example" or "localhost:8000", '
                    'without "https://" or a path.',
                    obj=f"{_OBJ}[{key!r}]",
                    id="wagtail_clinic.E601",
                )
            )
        errors.extend(_check_entry(key, entry))
    return errors
