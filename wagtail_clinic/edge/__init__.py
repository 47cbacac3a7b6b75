"""Pages cacheable at the edge (Varnish, a CDN) for anonymous visitors.

* ``pages`` (layer 4b): ``EdgeCacheMixin``, which page types mix in: the
  ``Cache-Control`` of each response (public with ``s-maxage`` for
  anonymous visitors, ``private, no-store`` otherwise) and whether the forms
  render a CSRF token;
* ``middleware`` (layer 6): ``EdgeFormsMiddleware``, which checks the
  ``Origin`` of the anonymous form posts those pages take instead of a CSRF
  token, and makes sure no cacheable response carries per-visitor state.

The ``Origin``/``Referer`` check itself is ``public_input.origin``. The
design and threat model: docs/deploy.md, "Caching pages at the edge".
This module imports nothing.
"""
