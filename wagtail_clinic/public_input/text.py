"""The one text policy for free text people submit.

Every free-text field of the public forms and endpoints (names, email
addresses, phone numbers, messages, comments, page paths, query parameters)
goes through it, in the HTML forms (Django validators) and in the JSON
endpoints (pydantic ``AfterValidator`` functions) alike.

The policy, for every field:

* Control characters (category Cc), surrogates (Cs), private-use (Co) and
  unassigned (Cn) code points are refused. Multi-line fields (a message, a
  comment) allow line feeds, carriage returns and tabs; single-line fields
  (a name, an email address, a path) allow none of them, nor the Unicode
  line and paragraph separators (U+2028, U+2029).
* Unicode format characters (category Cf) are refused: they are invisible,
  and some change the reading order of what follows (bidirectional
  overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks
  U+200E, U+200F and U+061C), hide text (zero width space U+200B, word
  joiner U+2060, U+FEFF) or split words unseen (soft hyphen U+00AD). A
  name with U+202E would otherwise be stored, and shown reversed in the
  admin and the CSV export.
* One exception, the only Cf characters kept: the zero width joiner and
  non-joiner (U+200D, U+200C) between two visible non-ASCII characters.
  There they do real work (emoji sequences such as "health worker",
  U+1F469 U+200D U+2695 U+FE0F, and words in Persian or Indic scripts) and
  change nothing a reader could be misled by. Next to ASCII (where they
  could slip a word past the comment blocklist), at either end, or next to
  a space or another invisible character, they are refused like the rest.

Nothing is removed silently (beyond the forms' usual trimming of spaces at
either end): a refused value gets a field-level message the person can act
on ("Remove invisible or direction-changing characters."), and nothing of
the request is stored.
"""

import unicodedata

from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator


#: Categories refused everywhere: controls, surrogates, private use, unassigned.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
#: Format characters: invisible, some change the reading order.
FORMAT_CATEGORY = "Cf"
#: Controls a multi-line field may hold.
MULTILINE_WHITESPACE = frozenset("\n\r\t")
#: Line breaks that are not control characters (refused on one line).
LINE_SEPARATORS = frozenset("\u2028\u2029")
#: The format characters kept between two visible non-ASCII characters.
JOINERS = frozenset("\u200c\u200d")

#: Error codes, as API ``errors[].type`` and ``ValidationError.code``.
CONTROL_CHARACTERS = "control_characters"
INVISIBLE_CHARACTERS = "invisible_characters"

SINGLE_LINE_MESSAGE = _("Use letters, numbers and punctuation only, on one line.")
MULTILINE_MESSAGE = _("Remove the special characters from your message.")
INVISIBLE_MESSAGE = _("Remove invisible or direction-changing characters.")


def _visible_non_ascii(char):
    """Whether ``char`` is a visible character outside ASCII (a letter, a
    mark, a symbol such as an emoji): a joiner may stand next to it."""
    if char is None or char.isascii():
        return False
    return unicodedata.category(char)[0] not in ("C", "Z")


def _kept_joiner(value, index):
    """Whether ``value[index]`` is a joiner doing its job (see the module)."""
    before = value[index - 1] if index > 0 else None
    after = value[index + 1] if index + 1 < len(value) else None
    return _visible_non_ascii(before) and _visible_non_ascii(after)


def text_problem(value, *, multiline=False):
    """What is wrong with ``value`` under the policy, or None if nothing.

    Returns:
        ``CONTROL_CHARACTERS`` (a control or otherwise unusable character, or
        a line break in a single-line field), ``INVISIBLE_CHARACTERS`` (a
        format character) or None. The first offending character decides.
    """
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if category in FORBIDDEN_CATEGORIES:
            if multiline and char in MULTILINE_WHITESPACE:
                continue
            return CONTROL_CHARACTERS
        if char in LINE_SEPARATORS and not multiline:
            return CONTROL_CHARACTERS
        if category == FORMAT_CATEGORY:
            if char in JOINERS and _kept_joiner(value, index):
                continue
            return INVISIBLE_CHARACTERS
    return None


def text_error(value, *, multiline=False):
    """A ``ValidationError`` for ``value``, or None if it follows the policy."""
    if value is None:
        return None
    problem = text_problem(str(value), multiline=multiline)
    if problem is None:
        return None
    if problem == INVISIBLE_CHARACTERS:
        message = INVISIBLE_MESSAGE
    else:
        message = MULTILINE_MESSAGE if multiline else SINGLE_LINE_MESSAGE
    return ValidationError(message, code=problem)


# Django validators ------------------------------------------------------------


def validate_single_line(value):
    """Django validator for one-line text (a name, an email address, a path)."""
    error = text_error(value)
    if error is not None:
        raise error


def validate_multiline_text(value):
    """Django validator for multi-line text (a message, a comment)."""
    error = text_error(value, multiline=True)
    if error is not None:
        raise error


# pydantic -------------------------------------------------------------------------


def single_line_text(value):
    """pydantic ``AfterValidator``: ``validate_single_line`` as a ValueError.

    pydantic reports it as ``{"type": "value_error", "msg": "Value error, …"}``
    for the field. None passes (for optional fields).
    """
    error = text_error(value)
    if error is not None:
        raise ValueError(str(error.message))
    return value


def multiline_text(value):
    """pydantic ``AfterValidator``: ``validate_multiline_text`` as a ValueError."""
    error = text_error(value, multiline=True)
    if error is not None:
        raise ValueError(str(error.message))
    return value


#: A one-line string parameter or field that follows the policy.
SingleLineText = Annotated[str, AfterValidator(single_line_text)]
#: A multi-line string field that follows the policy.
MultilineText = Annotated[str, AfterValidator(multiline_text)]


__all__ = [
    "CONTROL_CHARACTERS",
    "INVISIBLE_CHARACTERS",
    "MultilineText",
    "SingleLineText",
    "multiline_text",
    "single_line_text",
    "text_error",
    "text_problem",
    "validate_multiline_text",
    "validate_single_line",
]
