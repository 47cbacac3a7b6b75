"""What the public forms (appointment requests, comments) have in common.

Layer 1 (shared public input):

* ``PublicFormMixin``: the error summary at the top of an HTML form, the
  ``(field, code, message)`` errors of the JSON API and the honeypot test,
  for a Django ``Form`` that declares ``summary_order``;
* ``form_data``: a JSON endpoint's validated body as the form data the
  HTML form would have posted, so that both channels run the same form.
"""

from django.utils.datastructures import MultiValueDict

from wagtail_clinic.public_input.honeypot import honeypot_filled


__all__ = ["PublicFormMixin", "form_data"]


class PublicFormMixin:
    """Error reporting and the honeypot test for a public ``forms.Form``.

    Attributes:
        summary_order: the field names in the order the error summary lists
            them.
        hidden_fields_without_anchor: fields with no visible input to link
            to from the error summary.
    """

    summary_order = ()
    hidden_fields_without_anchor = frozenset()

    @property
    def honeypot_filled(self):
        """Whether the honeypot was filled in (checked before validation)."""
        return self.is_bound and honeypot_filled(self.data)

    @property
    def is_spam(self):
        """The same as ``honeypot_filled`` (the booking form's name)."""
        return self.honeypot_filled

    def error_summary(self):
        """``[(anchor id or "", message)]``: the errors, in form order.

        Anchors point at the field's input (the first option of a group),
        for the links of the error summary at the top of the form.
        """
        items = [("", message) for message in self.non_field_errors()]
        for name in self.summary_order:
            if name not in self.errors:
                continue
            anchor = ""
            if name not in self.hidden_fields_without_anchor:
                bound = self[name]
                anchor = bound.auto_id
                if bound.use_fieldset:
                    anchor = f"{anchor}_0"
            items.extend((anchor, message) for message in self.errors[name])
        return items

    def field_errors(self):
        """``[(field name, code, message)]`` for API responses."""
        result = []
        for name, errors in self.errors.as_data().items():
            for error in errors:
                for message in error.messages:
                    result.append((name, error.code or "invalid", message))
        return result


def form_data(body, renames=None):
    """A validated JSON body (a pydantic model) as HTML form data.

    Lists become multiple values, None becomes "" (an empty input), True
    becomes "on" (a ticked checkbox) and False leaves the field out (an
    unticked one); other values become text.

    Args:
        body: the pydantic model instance.
        renames: ``{JSON name: form field name}`` where they differ, e.g.
            ``{"massage_type_id": "massage_type"}``; a JSON name renamed to
            None is not form data (e.g. the page the body is for).

    Returns:
        A ``MultiValueDict`` to pass as the form's ``data``.
    """
    renames = renames or {}
    data = MultiValueDict()
    for name in type(body).model_fields:
        field = renames.get(name, name)
        if field is None:
            continue
        value = getattr(body, name)
        if isinstance(value, (list, tuple)):
            data.setlist(field, [str(item) for item in value])
        elif value is None:
            data[field] = ""
        elif value is True:
            data[field] = "on"
        elif value is not False:
            data[field] = str(value)
    return data
