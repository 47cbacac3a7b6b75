"""Where a browser form post comes from: the ``Origin`` (or ``Referer``) check.

Layer 1 (shared public input). The anonymous HTML forms (comments,
appointment requests) carry no per-visitor CSRF token, so that the pages
that hold them can be cached at the edge (docs/deploy.md, "Caching pages at
the edge"). Instead, ``check_origin`` compares the origin the browser names
with the request's own origin (scheme and host) and with Django's
``CSRF_TRUSTED_ORIGINS`` (``https://*.example.com`` wildcards included):

* ``Origin`` present: it must match (``Origin: null``, sent by sandboxed
  frames and some privacy modes, never matches);
* no ``Origin`` but a ``Referer``: the referring page's origin must match;
* neither: accepted. Browsers send at least one of them with every
  cross-site POST, so a post without either does not come from another
  site's page in a browser; a non-browser client can forge both headers
  anyway, and what it could send is covered by the honeypot, the minimum
  fill time and the per-client rate limits.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import is_same_domain


__all__ = ["OriginCheck", "check_origin", "request_origin", "trusted_origin"]


@dataclass(frozen=True)
class OriginCheck:
    """The outcome of ``check_origin``.

    Attributes:
        allowed: whether the post may be processed.
        source: the header that decided ("Origin", "Referer" or "" if none).
        origin: the origin named by that header ("" if none).
    """

    allowed: bool
    source: str
    origin: str


def _origin_of(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def request_origin(request):
    """``scheme://host[:port]`` of ``request`` itself (as the browser sees it).

    Behind a TLS-terminating proxy this is ``https://…`` only when Django
    knows the request was secure (``SECURE_PROXY_SSL_HEADER``).
    """
    return f"{request.scheme}://{request.get_host()}".lower()


def trusted_origin(origin):
    """Whether ``origin`` is listed in ``settings.CSRF_TRUSTED_ORIGINS``.

    Entries may use a subdomain wildcard as in Django
    (``https://*.clinic.example``).
    """
    origin = origin.lower()
    parts = urlsplit(origin)
    for entry in getattr(settings, "CSRF_TRUSTED_ORIGINS", []) or []:
        entry = str(entry).strip().rstrip("/").lower()
        if "*" not in entry:
            if origin == entry:
                return True
            continue
        entry_parts = urlsplit(entry)
        if entry_parts.scheme == parts.scheme and is_same_domain(
            parts.netloc, entry_parts.netloc.replace("*", "", 1)
        ):
            return True
    return False


def check_origin(request):
    """Whether a form post in ``request`` comes from this site (see module doc).

    Returns:
        An ``OriginCheck``.
    """
    header = request.META.get("HTTP_ORIGIN")
    if header is not None:
        source, origin = "Origin", header.strip().rstrip("/").lower()
    else:
        referer = request.META.get("HTTP_REFERER")
        if not referer:
            return OriginCheck(allowed=True, source="", origin="")
        source, origin = "Referer", _origin_of(referer.strip())
    if not origin or origin == "null":
        return OriginCheck(allowed=False, source=source, origin=origin)
    allowed = origin == request_origin(request) or trusted_origin(origin)
    return OriginCheck(allowed=allowed, source=source, origin=origin)
