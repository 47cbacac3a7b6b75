"""Ids the public may send: bounded before any database sees them.

Layer 1 (shared public input). Numbers beyond a column's range are never
valid ids, and some databases fail on them (PostgreSQL: int4 overflow;
SQLite: beyond 64 bits) instead of finding nothing, so every id a request
names is checked against the range of its column first:

* ``MAX_PAGE_ID``: wagtailcore's ``Page.id`` is an ``AutoField`` (int4 on
  PostgreSQL); use it for every page id (massage types, conditions,
  request pages, commented pages);
* ``MAX_BIG_ID``: this app's ``BigAutoField`` models (e.g. comments) and
  SQLite's INTEGER.
"""

from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from pydantic import BeforeValidator, Field


__all__ = ["MAX_BIG_ID", "MAX_PAGE_ID", "SafeModelChoiceField", "json_integer"]

MAX_PAGE_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` that rejects non-ids before asking the database.

    Args:
        max_id: the largest id worth a lookup (default ``MAX_PAGE_ID``).
    """

    def __init__(self, *args, max_id=MAX_PAGE_ID, **kwargs):
        self.max_id = max_id
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        """The chosen object, or None; ``invalid_choice`` for a non-id."""
        if value in self.empty_values:
            return None
        text = str(value)
        # Check the length first: int() refuses strings of over 4300 digits.
        if (
            not text.isascii()
            or not text.isdigit()
            or len(text) > len(str(self.max_id))
            or not 0 < int(text) <= self.max_id
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


def _whole_number(value):
    """``1.0`` as ``1``: JSON (and the OpenAPI document's ``integer``) does
    not tell them apart, so neither may the strict models."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_integer(*, ge, le):
    """A JSON integer from ``ge`` to ``le`` for a strict pydantic model.

    Accepts ``1`` and ``1.0``, never ``"1"`` or true. The bounds go inside
    the type so that they stay ``minimum``/``maximum`` in the JSON schema.
    """
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_whole_number)]
