"""``GET /api/v3/clinic/preview/``: a draft page for a headless preview (layer 5).

Only the route lives here; tokens and stored drafts are in ``preview.tokens``
and ``preview.models``. Nothing here imports Wagtail's v3 modules: the API
router passes in the page detail schema (see ``wagtail_clinic.api.router``).
"""

from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.decorators import decorate_view
from pydantic import Field

from wagtail_clinic.api.caching import private_cache
from wagtail_clinic.preview.tokens import get_preview_page
from wagtail_clinic.public_input.problems import ClinicProblem, Problem
from wagtail_clinic.serialisation.cache import exclude_from_cache


#: ``app_label.modelname``, as the admin sends it to the frontend. Any case
#: (``Wagtail_Clinic.ConditionPage`` too): it is compared in lower case.
ContentTypeParam = Annotated[
    str,
    Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$", max_length=201),
]
#: A preview token; longer ones cannot be ours (they are ~120 characters).
TokenParam = Annotated[str, Field(min_length=1, max_length=1000)]

TOKEN_QUERY = Query(..., description="The signed preview token.")
CONTENT_TYPE_QUERY = Query(
    None,
    description='The page type sent with the token, e.g. "wagtail_clinic.conditionpage".',
)


def build_router(page_detail_schema):
    """A ninja ``Router`` with ``GET /preview/``.

    Args:
        page_detail_schema: Wagtail's v3 page detail schema (the union of
            every page type), so a draft has exactly the shape of
            ``GET /api/v3/pages/{id}/``.

    Returns:
        The router, to be added to the clinic's router (mounted at
        ``/api/v3/clinic/``).
    """
    router = Router(tags=["clinic"])

    @router.get(
        "/preview/",
        response={200: page_detail_schema, 404: ClinicProblem, 422: ClinicProblem},
        url_name="clinic_preview",
        operation_id="clinic_preview",
        summary="Draft page preview",
        description=(
            "The unsaved page an editor is previewing, in the shape of "
            "/api/v3/pages/{id}/. Pass on the `token` and `content_type` the "
            "admin sent to the frontend's preview URL. The token is signed and "
            'expires after WAGTAIL_CLINIC["HEADLESS_PREVIEW_MAX_AGE"] seconds '
            "(default 3600). An invalid, forged or expired token, or a "
            "content_type other than the token's, gives 404. Responses are "
            "`Cache-Control: private, no-store`. A page that was never saved "
            "(previewed from the add form) has id 0."
        ),
    )
    @decorate_view(private_cache)
    def clinic_preview(
        request: HttpRequest,
        token: TokenParam = TOKEN_QUERY,
        content_type: ContentTypeParam | None = CONTENT_TYPE_QUERY,
    ):
        # The token is the only credential: like the v3 API, never let a
        # session change what is returned.
        request.user = AnonymousUser()
        try:
            # A draft: never read from or written to the representation cache.
            return exclude_from_cache(get_preview_page(token, content_type))
        except Http404 as exc:
            return Problem(404, str(exc)).response()

    return router
