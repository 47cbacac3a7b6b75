"""Reading the JSON body of a public POST endpoint: the one policy.

Both public POST endpoints (appointment requests and comments) read their
body with ``read_json_object``, before any parsing by ninja or pydantic, so
that every malformed request gets the same precise problem response, never
a 500:

* **415** unless the ``Content-Type`` is ``application/json`` (any case)
  with no ``charset`` or ``charset=utf-8`` (any case, quoted or not;
  ``utf8`` too). ``charset=latin-1``, ``utf-16`` and the like are refused:
  JSON is UTF-8 (RFC 8259 §8.1). The answer has ``Accept-Post:
  application/json``.
* **413** when the body is larger than the endpoint's limit (from the
  ``Content-Length`` header when given, else by reading at most one byte
  more than the limit). A ``Content-Length`` that is not a number is 400.
* **400** when the bytes are not UTF-8: UTF-16 or UTF-32 (with a byte order
  mark or without) and invalid UTF-8 sequences alike. A UTF-8 byte order
  mark at the start is accepted and ignored, as RFC 8259 §8.1 allows
  parsers to do (some Windows clients add one).
* **400** when the text is not JSON (including ``NaN`` and ``Infinity``,
  which JSON does not have, integers too long to read, and nesting too deep
  to parse), or is JSON but not an object.
"""

import json

from django.utils.http import parse_header_parameters
from pydantic import ValidationError as PydanticValidationError

from wagtail_clinic.public_input.operations import pydantic_errors
from wagtail_clinic.public_input.problems import problem_response


JSON_MEDIA_TYPE = "application/json"
#: ``charset`` values that name UTF-8 (compared in lower case).
UTF8_CHARSETS = frozenset({"utf-8", "utf8"})
UTF8_BOM = b"\xef\xbb\xbf"

UNSUPPORTED_MEDIA_TYPE = (
    'Send the request body as JSON, with "Content-Type: application/json" '
    "(UTF-8, no other charset)."
)
NOT_UTF8 = "The request body must be JSON encoded as UTF-8."
NOT_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object."
BAD_CONTENT_LENGTH = "Invalid Content-Length header."


def reject_constant(name):
    """``json.loads`` hook refusing NaN and Infinity, which JSON does not allow."""
    raise ValueError(f"{name} is not valid JSON")


def is_json_content_type(content_type):
    """Whether a ``Content-Type`` header value is JSON in UTF-8 (see the module)."""
    main_type, params = parse_header_parameters(content_type or "")
    if main_type.strip() != JSON_MEDIA_TYPE:
        return False
    charset = params.get("charset")
    if charset is None:
        # "; charset" with no value: older Django releases drop the bare
        # parameter, newer ones give "" (refused below either way).
        return not _names_a_charset(content_type)
    return charset.strip().lower() in UTF8_CHARSETS


def _names_a_charset(content_type):
    """Whether a ``Content-Type``'s parameters name ``charset`` at all."""
    return any(
        part.partition("=")[0].strip().lower() == "charset"
        for part in content_type.split(";")[1:]
    )


def _is_utf16_or_utf32(raw):
    """Whether ``raw`` starts like UTF-16 or UTF-32 text (BOM or NUL bytes)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    # Without a BOM, the first ASCII character of a JSON text ("{", a space)
    # comes with NUL bytes; UTF-8 JSON never holds a NUL byte.
    return b"\x00" in raw[:4]


def decode_json(raw):
    """``(value, None)`` for UTF-8 JSON bytes, or ``(None, problem detail)``."""
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    elif _is_utf16_or_utf32(raw):
        return None, NOT_UTF8
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, NOT_UTF8
    try:
        return json.loads(text, parse_constant=reject_constant), None
    except (ValueError, RecursionError):
        return None, NOT_JSON


def read_json_object(request, max_size):
    """The request's JSON object: ``(dict, None)`` or ``(None, problem response)``.

    Args:
        request: the ``HttpRequest``; its body is read here (at most
            ``max_size + 1`` bytes).
        max_size: the largest body accepted, in bytes.
    """
    if not is_json_content_type(request.META.get("CONTENT_TYPE", "")):
        return None, problem_response(
            415, UNSUPPORTED_MEDIA_TYPE, headers={"Accept-Post": JSON_MEDIA_TYPE}
        )
    max_size = int(max_size)
    too_large = problem_response(
        413, f"The request body must be at most {max_size} bytes."
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return None, problem_response(400, BAD_CONTENT_LENGTH)
    if declared > max_size:
        return None, too_large
    raw = request.read(max_size + 1)
    if len(raw) > max_size:
        return None, too_large
    data, detail = decode_json(raw)
    if detail is not None:
        return None, problem_response(400, detail)
    if not isinstance(data, dict):
        return None, problem_response(400, NOT_AN_OBJECT)
    return data, None


def read_json_model(request, model, max_size, invalid):
    """The request's JSON object validated by ``model``.

    Args:
        request: the ``HttpRequest`` (see ``read_json_object``).
        model: the pydantic model of the body.
        max_size: the largest body accepted, in bytes.
        invalid: builds the 422 response from ``(field, code, message)``
            triples, in the endpoint's own wording.

    Returns:
        ``(model instance, None)`` or ``(None, problem response)``.
    """
    data, error = read_json_object(request, max_size)
    if error is not None:
        return None, error
    try:
        return model.model_validate(data), None
    except PydanticValidationError as exc:
        return None, invalid(pydantic_errors(exc))


__all__ = [
    "decode_json",
    "is_json_content_type",
    "read_json_model",
    "read_json_object",
    "reject_constant",
]
