"""The honeypot of the public forms: a field people never see.

Layer 1 (shared public input). Bots fill in every field they find; the
honeypot is hidden from people and assistive technology by the form
templates, so anything typed into it marks the submission as spam.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


__all__ = ["HONEYPOT_FIELD", "HoneypotField", "honeypot_filled"]

#: The honeypot's field name: a plausible one, so that bots fill it in.
HONEYPOT_FIELD = "website"


class HoneypotField(forms.CharField):
    """The hidden honeypot input: optional, out of the tab order, no autofill.

    Declare it on a form as ``website = HoneypotField()`` (the name
    ``HONEYPOT_FIELD``); the template hides it.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)


def honeypot_filled(data, field_name=HONEYPOT_FIELD):
    """Whether ``data`` (a QueryDict or dict) has anything in the honeypot.

    Args:
        data: the submitted data, or None.
        field_name: the honeypot's name.
    """
    value = data.get(field_name) if data is not None else None
    return bool(value and str(value).strip())
