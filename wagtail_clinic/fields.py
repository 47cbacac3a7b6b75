"""Model fields of wagtail-clinic."""

from wagtail.fields import StreamField


class ClinicStreamField(StreamField):
    """A ``StreamField`` whose blocks are described precisely in the v3 API.

    It stores and behaves exactly like ``StreamField``. The only difference is
    that ``wagtail_clinic.api.v3`` registers a typed schema for this class with
    Wagtail's v3 schema generator, so the OpenAPI document describes the body
    as a discriminated union of the block values instead of ``list[Any]``.
    """
