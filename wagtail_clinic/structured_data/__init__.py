"""Schema.org structured data (JSON-LD) of the clinic's pages (layer 4b).

* ``entities``: the builders, ``structured_data_for_page`` and ``render_script``;
* ``mixins``: ``StructuredDataMixin``, which gives page types
  ``get_structured_data()`` and the ``structured_data_entities()`` hook;
* ``fields``: ``StructuredDataField``, the ``structured_data`` API field.

Import from the submodules; this package imports nothing itself.
"""
