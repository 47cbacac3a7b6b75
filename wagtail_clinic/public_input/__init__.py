"""Shared handling of what the public sends: the bottom layer of the package.

One of each, used by every feature that takes input from people or
headless frontends:

* ``text``: the one policy for free text people submit (names, messages,
  comments, page paths, query parameters): control characters and
  invisible or direction-changing characters (Unicode category Cf) are
  refused with a field-level message;
* ``search``: search input turned into plain words, so that no database's
  full-text query syntax ever sees what was typed;
* ``json_body``: reading the JSON body of a public POST endpoint (media
  type, charset, encoding, size, syntax);
* ``problems``: building RFC 7807 ``application/problem+json`` responses.

This package is the bottom layer: apart from its own modules it imports
nothing from ``wagtail_clinic`` except ``wagtail_clinic.conf``, so that every
other module may import it without a cycle.
"""
