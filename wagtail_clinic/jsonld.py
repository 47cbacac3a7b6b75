"""Deprecated: moved to ``wagtail_clinic.structured_data`` (removed in 0.2).

The builders, ``structured_data_for_page`` and ``render_script`` live in
``wagtail_clinic.structured_data.entities``, ``StructuredDataMixin`` in
``wagtail_clinic.structured_data.mixins``.
"""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.structured_data import entities, mixins


__getattr__ = forward(
    __name__,
    [entities, mixins],
    [
        "HEADLINE_LENGTH",
        "SCHEMA_CONTEXT",
        "WEEKDAYS",
        "LinkedData",
        "StructuredDataMixin",
        "absolute_url",
        "breadcrumb_entity",
        "citation_entities",
        "clinic_entity",
        "condition_page_entities",
        "description",
        "faq_entity",
        "image_entity",
        "index_page_entities",
        "massage_therapies",
        "massage_type_page_entities",
        "opening_hours_specification",
        "page_image_entity",
        "person_entity",
        "pixels",
        "plain_text",
        "postal_address",
        "ref",
        "render_script",
        "reserve_action",
        "structured_data_for_page",
        "therapy_entity",
        "to_json",
        "web_page_entity",
    ],
)
