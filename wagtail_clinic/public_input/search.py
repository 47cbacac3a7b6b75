"""Search input as plain words: never passed raw to a query syntax.

Wagtail's database search backends build full-text queries from the words
they are given: SQLite's FTS5 ``MATCH`` syntax, PostgreSQL's ``tsquery``.
A double quote, a ``*``, ``NEAR(``, ``-``, ``:`` or parentheses in what a
visitor typed could reach that syntax and fail (SQLite: "unterminated
string", a 500). So search text is first reduced to plain words:

* normalised (NFKC, so full-width letters and ligatures become plain ones);
* split into runs of letters, digits and combining marks: every other
  character (punctuation, quotes, operators, underscores, spaces)
  separates words;
* the operator words of those syntaxes, typed in capitals (``AND``,
  ``OR``, ``NOT``, ``NEAR``), are left out: they were meant as operators,
  which are not supported, and as words they would only make every page
  fail to match (the backends look for all the words);
* lower-cased (so no word left can be read as an operator);
* at most ``MAX_WORDS`` words of at most ``MAX_WORD_LENGTH`` characters
  each (longer ones are cut).

Searching for those words finds what the visitor meant ("back-pain" finds
"back pain"); text with no words at all finds nothing.
"""

import unicodedata


MAX_WORDS = 10
MAX_WORD_LENGTH = 50
#: Operator words of SQLite FTS5 and of Wagtail's query-string parser.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


def _in_word(char):
    """Letters and digits of any script, and the marks that go with them
    (accents, Indic vowel signs)."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def search_words(text):
    """The plain words to search for in ``text``, as a list (maybe empty)."""
    if not text:
        return []
    normalised = unicodedata.normalize("NFKC", str(text))
    spaced = "".join(char if _in_word(char) else " " for char in normalised)
    words = [word for word in spaced.split() if word not in OPERATOR_WORDS]
    return [word.lower()[:MAX_WORD_LENGTH] for word in words[:MAX_WORDS]]


def search_query(text):
    """``text`` as plain words joined by spaces ("" when there are none)."""
    return " ".join(search_words(text))


__all__ = ["MAX_WORDS", "MAX_WORD_LENGTH", "search_query", "search_words"]
