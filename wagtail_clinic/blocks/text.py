"""Length-limited text that counts what the editor sees (layer 3).

Browsers send every line break of a form field as CRLF (two characters) but
count it as one in the field, so a note that fits in the browser could fail
the server's ``max_length`` by one character per line break, and the
browser's own ``maxlength`` cut pasted text short without a word. Here:

* ``CountedTextInput`` and ``CountedTextarea`` read line breaks as LF
  (``normalise_line_breaks``), the same as the browser counts them, before
  any validation; and instead of the browser's hard ``maxlength`` cut they
  show a counter ("516 / 500") so the server's clear error explains the rest.
* ``CharBlock`` and ``TextBlock`` are Wagtail's blocks with those widgets.
  They deconstruct as Wagtail's own blocks: the stored value and the
  migration state are the same, so no site gets a migration from them.

Model fields get the widgets through their panels, e.g.
``FieldPanel("intro", widget=CountedTextarea)``.
"""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.widgets import AdminAutoHeightTextInput


#: The Stimulus controller of the counter (static/wagtail_clinic/js/character-count.js).
COUNTER_CONTROLLER = "clinic-count"
COUNTER_SCRIPT = "wagtail_clinic/js/character-count.js"


def normalise_line_breaks(value):
    """``value`` with every CRLF and lone CR turned into LF; other values as given."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class CountedInputMixin:
    """A text widget that reads LF line breaks and shows a character counter.

    The ``maxlength`` attribute Django adds for a limited field becomes the
    counter's limit (``data-clinic-count-max-value``), so the browser never
    shortens pasted text by itself. The counter counts characters as the
    server does: code points of the text without leading or trailing
    whitespace, a line break as one.
    """

    #: The share of the limit from which the counter shows (0: always).
    counter_threshold = 0

    def value_from_datadict(self, data, files, name):
        return normalise_line_breaks(super().value_from_datadict(data, files, name))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        limit = widget_attrs.pop("maxlength", None)
        if limit is not None:
            controllers = widget_attrs.get("data-controller", "").split()
            widget_attrs["data-controller"] = " ".join(
                [*controllers, COUNTER_CONTROLLER]
            )
            widget_attrs[f"data-{COUNTER_CONTROLLER}-max-value"] = str(limit)
            # "%(count)s / %(limit)s" is filled in by the script.
            widget_attrs[f"data-{COUNTER_CONTROLLER}-label-value"] = str(
                _("%(count)s / %(limit)s characters")
            )
            widget_attrs[f"data-{COUNTER_CONTROLLER}-over-value"] = str(
                _("%(over)s characters too many")
            )
            if self.counter_threshold:
                widget_attrs[f"data-{COUNTER_CONTROLLER}-threshold-value"] = str(
                    self.counter_threshold
                )
        return context

    @property
    def media(self):
        return super().media + forms.Media(js=[COUNTER_SCRIPT])


class CountedTextInput(CountedInputMixin, forms.TextInput):
    """A one-line text input with a character counter (see ``CountedInputMixin``).

    Its counter shows from 80 % of the limit on: short fields such as a
    heading stay uncluttered.
    """

    counter_threshold = 0.8


class CountedTextarea(CountedInputMixin, AdminAutoHeightTextInput):
    """Wagtail's auto-height textarea with a character counter and LF line breaks."""


class LineBreaksMixin:
    """Cleans text with LF line breaks also when it does not come from the form.

    An importer or a script calling ``clean()`` gets the same count as the
    editor in the browser. A stored null (a struct saved without this key:
    raw API data, imports, revisions older than the field) reads as "", as
    an empty field saves: translation tools such as wagtail-localize only
    accept strings.
    """

    def clean(self, value):
        return super().clean(normalise_line_breaks(value))

    def to_python(self, value):
        return "" if value is None else super().to_python(value)

    def get_default(self):
        default = super().get_default()
        return "" if default is None else default


class CharBlock(LineBreaksMixin, blocks.CharBlock):
    """Wagtail's ``CharBlock`` with a character counter instead of a hard cut."""

    def __init__(
        self,
        required=True,
        help_text=None,
        max_length=None,
        min_length=None,
        validators=(),
        **kwargs,
    ):
        super().__init__(
            required=required,
            help_text=help_text,
            max_length=max_length,
            min_length=min_length,
            validators=validators,
            **kwargs,
        )
        self.field = forms.CharField(
            required=required,
            help_text=help_text,
            max_length=max_length,
            min_length=min_length,
            validators=validators,
            widget=CountedTextInput,
        )

    def deconstruct(self):
        # The same stored value and arguments as Wagtail's block: no migration.
        return ("wagtail.blocks.CharBlock", *super().deconstruct()[1:])


class TextBlock(LineBreaksMixin, blocks.TextBlock):
    """Wagtail's ``TextBlock`` with LF line breaks and a character counter."""

    @cached_property
    def field(self):
        return forms.CharField(
            widget=CountedTextarea(attrs={"rows": self.rows}), **self.field_options
        )

    def deconstruct(self):
        return ("wagtail.blocks.TextBlock", *super().deconstruct()[1:])
