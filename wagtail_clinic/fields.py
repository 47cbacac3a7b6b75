"""Model fields of wagtail-clinic."""

import weakref

from wagtail.fields import Creator, StreamField


_OWNER_ATTR = "_wagtail_clinic_owner"


class _OwnedStreamCreator(Creator):
    """Wagtail's StreamField descriptor, remembering whose value it returns.

    The page is kept by weak reference: a value must not keep its page alive
    (or form a cycle with it).
    """

    def __get__(self, obj, type=None):
        value = super().__get__(obj, type)
        if obj is not None and value is not None:
            setattr(value, _OWNER_ATTR, weakref.ref(obj))
        return value


def stream_value_owner(value):
    """The model instance (page) a ``ClinicStreamField`` value was read from.

    None for a value that did not come from a model instance (e.g. one built
    in a test or by a form). Blocks use it in the API, which has no template
    context: a booking button deep-links to the massage type page it is on.
    """
    ref = getattr(value, _OWNER_ATTR, None)
    return ref() if ref is not None else None


class ClinicStreamField(StreamField):
    """A ``StreamField`` whose blocks are described precisely in the v3 API.

    It stores and behaves like ``StreamField``, with two additions:

    - ``wagtail_clinic.api.v3`` registers a typed schema for this class with
      Wagtail's v3 schema generator, so the OpenAPI document describes the
      body as a discriminated union of the block values instead of
      ``list[Any]``;
    - its values know the page they belong to (``stream_value_owner``), so
      the API representation of a block can depend on its page, as the
      HTML rendering does through the template context.
    """

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.name, _OwnedStreamCreator(self))
