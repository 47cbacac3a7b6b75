"""Pieces of the public API operations' declarations (ninja, pydantic).

Layer 1 (shared public input):

* ``anonymous``: the auth callback of endpoints that read no cookie or
  session;
* ``DocumentedBody``/``PAYLOAD``: a body parameter that only documents the
  request body in OpenAPI, for views that read and check the raw body
  themselves (``public_input.json_body``), so that oversized, mistyped or
  malformed bodies get precise problem responses (and never a 500);
* ``Documented``: ``Annotated`` metadata stating a rule checked elsewhere in
  the JSON schema;
* ``pydantic_errors``: a pydantic ``ValidationError`` as ``(field, code,
  message)`` triples (``problems.body_field_errors``).
"""

from django.contrib.auth.models import AnonymousUser
from ninja.params.models import Body, BodyModel


__all__ = [
    "PAYLOAD",
    "Documented",
    "DocumentedBody",
    "anonymous",
    "pydantic_errors",
]


def anonymous(request):
    """Ninja auth callback: no cookie or session ever counts here."""
    request.user = AnonymousUser()
    return request.user


class _UnreadBodyModel(BodyModel):
    @classmethod
    def resolve(cls, request, api, path_params):
        return dict.fromkeys(cls.model_fields)


class DocumentedBody(Body):
    """A ninja body parameter that documents the body but never reads it."""

    _model = _UnreadBodyModel

    @classmethod
    def _param_source(cls):
        return "body"


#: The default of a view's documented-only body parameter.
PAYLOAD = DocumentedBody(...)


class Documented:
    """``Annotated`` metadata: a JSON schema keyword for a rule checked elsewhere.

    For limits that the views or the forms enforce themselves (with their
    own status codes and messages), so that the OpenAPI document states
    them too. ``value`` may be a callable (e.g. reading a setting): it is
    called each time the document is built (ninja builds it per request),
    so the document follows the settings. A None value adds nothing.
    """

    def __init__(self, keyword, value):
        self.keyword = keyword
        self.value = value

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        value = self.value() if callable(self.value) else self.value
        if value is not None:
            schema[self.keyword] = value
        return schema


def pydantic_errors(error):
    """``(field, code, message)`` triples for a pydantic ``ValidationError``."""
    result = []
    for item in error.errors(include_url=False, include_input=False):
        loc = item.get("loc") or ()
        name = str(loc[0]) if loc else "__all__"
        result.append((name, item.get("type", "invalid"), item.get("msg", "")))
    return result
