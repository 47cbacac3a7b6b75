"""Importers that bring content from other systems into wagtail-clinic pages (layer 6).

``wordpress`` reads WordPress exports (WXR XML and saved REST API JSON);
``manage.py import_wordpress`` is its command. See docs/importing.md.
"""
