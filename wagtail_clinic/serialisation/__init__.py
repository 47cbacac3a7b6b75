"""Serialisation: the API values of clinic content (layer 2).

Below the blocks (layer 3) and the models (layer 4): the modules here turn
images, pages, clinics, therapists and rich text into the JSON values the
API and the templates share (``representations``), declare their types
(``schemas``), cache them (``cache``), batch rich text (``richtext``) and
read the per-site clinic settings (``site``).

They import only ``wagtail_clinic.conf``, ``wagtail_clinic.public_input``,
``wagtail_clinic.db``, Wagtail and Django: never the models (``site`` looks
the settings model up in the app registry when called), the blocks or the
HTTP API.
"""
