"""Spreadsheet export of appointment requests, safe to open in Excel (layer 5).

A cell starting with = + - @, a tab or a carriage return is a formula to
spreadsheet programs ("CSV injection"): a patient could type
``=HYPERLINK(...)`` as their name. Wagtail's XLSX export stores such cells
as text; its CSV export does not, so every such CSV cell here gets a
leading apostrophe, which spreadsheets show as text.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_csv_cell(value):
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
