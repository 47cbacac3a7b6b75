"""System checks that every absolute URL the site prints has the same origin (layer 6).

Absolute URLs come from two places, as in Wagtail itself:

* the **Site record** (Settings › Sites: hostname and port) of the page's
  site: canonical link, ``og:url``, ``og:image``, JSON-LD, the API's page
  URLs and page images (``Page.get_full_url``, and Wagtail's API
  ``html_url``/``detail_url`` unless ``WAGTAILAPI_BASE_URL`` is set);
* ``WAGTAILADMIN_BASE_URL`` where no page says which site: image URLs in
  StreamField blocks of the API (as Wagtail's ``rendition.full_url``),
  links in notification emails.

They agree only if the default Site's root URL and these settings name the
same origin. Wagtail starts every database with a Site "localhost", port 80,
which is rarely where the site is served. Registered by
``wagtail_clinic.checks``:

=====================  ========================================================
``W501``               the default Site is still "localhost" in production
                       (``DEBUG`` off, or ``ALLOWED_HOSTS`` naming other hosts)
``W502``               ``WAGTAILADMIN_BASE_URL`` disagrees with the default Site
``W503``               ``WAGTAILAPI_BASE_URL`` disagrees with the default Site
=====================  ========================================================

``WAGTAILADMIN_BASE_URL`` missing is Wagtail's own ``wagtailadmin.W003``.
The checks read the database; before ``migrate`` has created the tables
(Django runs checks before migrating) they report nothing.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from wagtail.models import Site


#: Hosts that stand for "this machine" or Django's test client, not a real host.
LOCAL_HOSTS = frozenset({"*", "localhost", ".localhost", "testserver"})
#: Wagtail's initial Site record (``wagtailcore`` migration 0002).
INITIAL_HOSTNAME = "localhost"

_SITE_HINT = (
    "Set the default Site's hostname and port to where the site is served "
    "(Settings › Sites in the admin, e.g. hostname 127.0.0.1 and port 8302, "
    "or www.clinic.example and port 443 for https), so canonical links, Open "
    'Graph, JSON-LD and API URLs point there. See the README, "Site '
    'hostname, port and WAGTAILADMIN_BASE_URL".'
)


def origin(url):
    """``(scheme, hostname, port)`` of an absolute URL, default ports filled in.

    None for an empty or relative URL, so ``http://clinic.example`` and
    ``http://clinic.example:80/`` compare equal.
    """
    try:
        parts = urlsplit(str(url or "").strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, parts.hostname.lower(), port or default


def _default_site():
    """The default Site, or None when there is none or it cannot be read.

    Django runs the checks before every ``migrate`` (no tables yet), in a
    build step without a database (``collectstatic``) and in tests that
    forbid queries: none of those may fail because of these warnings.
    """
    try:
        return Site.objects.filter(is_default_site=True).first()
    except DatabaseError:
        return None
    except Exception:  # noqa: BLE001 (e.g. SimpleTestCase's forbidden queries)
        return None


def _served_elsewhere(site):
    """Whether the settings say the site is not served at the Site record."""
    if not settings.DEBUG:
        return True
    hosts = {str(host).lower() for host in settings.ALLOWED_HOSTS}
    return bool(hosts - LOCAL_HOSTS - {site.hostname.lower()})


def check_default_site(app_configs=None, **kwargs):
    """``wagtail_clinic.W501``: the default Site is still Wagtail's "localhost"."""
    site = _default_site()
    if site is None or site.hostname.lower() != INITIAL_HOSTNAME:
        return []
    if not _served_elsewhere(site):
        return []
    return [
        checks.Warning(
            f'The default Site is still "{site.hostname}" (port {site.port}), '
            "while DEBUG is off or ALLOWED_HOSTS names other hosts: canonical "
            f"links, Open Graph tags, JSON-LD and API URLs say {site.root_url}/… "
            "instead of the address visitors use.",
            hint=_SITE_HINT,
            obj=site,
            id="wagtail_clinic.W501",
        )
    ]


def _disagreement(setting_name, check_id):
    value = getattr(settings, setting_name, None)
    if not value or origin(value) is None:
        return []
    site = _default_site()
    if site is None or origin(value) == origin(site.root_url):
        return []
    return [
        checks.Warning(
            f"{setting_name} ({value}) and the default Site ({site.root_url}, "
            "from its hostname and port) name different addresses: absolute "
            "URLs built from one disagree with those built from the other.",
            hint=(
                f"Make them the same address: set {setting_name} to "
                f'"{site.root_url}", or change the Site\'s hostname and port '
                f"to match {value}. " + _SITE_HINT
            ),
            obj=site,
            id=check_id,
        )
    ]


def check_admin_base_url(app_configs=None, **kwargs):
    """``wagtail_clinic.W502``: ``WAGTAILADMIN_BASE_URL`` is not the default Site's URL."""
    return _disagreement("WAGTAILADMIN_BASE_URL", "wagtail_clinic.W502")


def check_api_base_url(app_configs=None, **kwargs):
    """``wagtail_clinic.W503``: ``WAGTAILAPI_BASE_URL`` is not the default Site's URL."""
    return _disagreement("WAGTAILAPI_BASE_URL", "wagtail_clinic.W503")
