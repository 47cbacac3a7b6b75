"""Headless delivery: block and page serialisation shared by API v2 and v3.

``representations`` builds the JSON values, ``schemas`` declares their types.
Everything that touches Wagtail's v3 internals lives in ``v3``, so an upstream
change to the (preview) v3 API is a one-module fix.
"""
