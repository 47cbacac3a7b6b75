"""The clinic's HTTP API on Wagtail's API v3 (layers 5 and 6): HTTP only.

``router`` mounts the features' routers under ``/api/v3/clinic/`` beside the
page endpoints, ``listings`` serves the cards, ``visibility`` decides what
an anonymous visitor may see, ``caching`` sets the HTTP cache headers and
``cache_invalidation`` empties the representation cache on changes.
Everything that touches Wagtail's v3 internals lives in ``v3``, so an
upstream change to the (preview) v3 API is a one-module fix. The API values
themselves are built in ``wagtail_clinic.serialisation``.
"""
