"""Shared handling of what the public sends: the bottom layer of the package.

Layer 1. One of each, used by every feature that takes input from people or
headless frontends:

* ``text``: the one policy for free text people submit (names, messages,
  comments, page paths, query parameters): control characters and
  invisible or direction-changing characters (Unicode category Cf) are
  refused with a field-level message;
* ``search``: search input turned into plain words, so that no database's
  full-text query syntax ever sees what was typed;
* ``json_body``: reading the JSON body of a public POST endpoint (media
  type, charset, encoding, size, syntax);
* ``problems``: RFC 7807 ``application/problem+json`` responses, the
  ``Problem`` exception and their OpenAPI schemas;
* ``params``: the query parameters the API operations share (site, rich
  text, path, ``limit``, repeated parameters);
* ``operations``: anonymous auth, the documented-only request body,
  pydantic errors as field errors;
* ``forms``: the public forms' error summary, API errors and honeypot test
  (``PublicFormMixin``), and JSON bodies as form data (``form_data``);
* ``honeypot``, ``ids``, ``phone``: the honeypot field, bounded ids, phone
  numbers;
* ``client``, ``ratelimit``: a keyed client hash and the per-client rate
  limit;
* ``cors``: which browser origins may call the public POST endpoints.

This package is the bottom layer: apart from its own modules it imports
nothing from ``wagtail_clinic`` except ``wagtail_clinic.conf``, so that every
other module may import it without a cycle.
"""
