"""Query parameters shared by the clinic API's read operations.

Layer 1 (shared public input): the site and rich-text parameters, the URL
path parameter, the listings' ``limit`` (documented with, and checked
against, its maximum) and the refusal of repeated single-valued
parameters. Text parameters follow the one text policy for what people send
(``public_input.text``): no control or invisible characters.
"""

from typing import Annotated

from django.conf import settings
from ninja import Query

from wagtail_clinic.conf import clinic_settings
from wagtail_clinic.public_input.operations import Documented
from wagtail_clinic.public_input.problems import Problem, field_error
from wagtail_clinic.public_input.text import SingleLineText


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_PATH_LENGTH",
    "PATH_QUERY",
    "RICH_TEXT_DESCRIPTION",
    "RICH_TEXT_QUERY",
    "SITE_DESCRIPTION",
    "SITE_QUERY",
    "Limit",
    "SafeText",
    "check_limit",
    "limit_max",
    "reject_repeated",
]

#: ``limit`` when none is given (and Wagtail's default WAGTAILAPI_LIMIT_MAX).
DEFAULT_LIMIT = 20
MAX_PATH_LENGTH = 2048

#: A text parameter: one line, no control or invisible characters.
SafeText = SingleLineText

SITE_DESCRIPTION = (
    'The site to look in, as "hostname" or "hostname:port" of a Wagtail Site. '
    "Default: the site that serves the request's host name."
)
RICH_TEXT_DESCRIPTION = (
    "How rich text is returned (default: WAGTAILAPI_RICH_TEXT_FORMAT), as in "
    "/api/v3/pages/{id}/."
)

# Parameter declarations shared by the operations.
PATH_QUERY = Query(
    ...,
    max_length=MAX_PATH_LENGTH,
    description='URL path within the site, e.g. "/conditions/back-pain/".',
)
SITE_QUERY = Query(None, max_length=255, description=SITE_DESCRIPTION)
RICH_TEXT_QUERY = Query(None, description=RICH_TEXT_DESCRIPTION)


def limit_max():
    """The largest ``limit`` allowed, or None for no limit."""
    if clinic_settings.API_LIMIT_MAX is not None:
        return clinic_settings.API_LIMIT_MAX
    return getattr(settings, "WAGTAILAPI_LIMIT_MAX", DEFAULT_LIMIT)


#: A listing's ``limit``, documented with its maximum (``limit_max()``). A
#: ``limit`` above it is a 400 (``check_limit``), as in Wagtail's listings.
Limit = Annotated[int, Documented("maximum", limit_max)]


def check_limit(request, limit):
    """The ``limit`` to use: ``limit`` itself, or the maximum for the default.

    Args:
        request: the request (a ``limit`` it did not give is the default,
            lowered to a lower maximum).
        limit: the validated ``limit`` parameter.

    Raises:
        Problem: 400 when the request's ``limit`` is above ``limit_max()``.
    """
    maximum = limit_max()
    if maximum is None or limit <= maximum:
        return limit
    if "limit" not in request.GET:  # The default, above a lower maximum.
        return maximum
    raise Problem(
        400,
        f"limit cannot be higher than {maximum}",
        [
            field_error(
                "limit",
                f"Input should be less than or equal to {maximum}",
                kind="less_than_equal",
            )
        ],
    )


def reject_repeated(request, names):
    """Refuse single-valued parameters given more than once.

    Raises:
        Problem: 422 with an error for each repeated parameter of ``names``.
    """
    errors = [
        field_error(name, "Give this parameter at most once.", kind="repeated")
        for name in names
        if len(request.GET.getlist(name)) > 1
    ]
    if errors:
        raise Problem(422, "Validation failed", errors)
