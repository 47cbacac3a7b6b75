"""Everything that touches Wagtail's API v3 internals, guarded.

API v3 is a preview in Wagtail 8 and may change in any release, so this is
the only module of wagtail-clinic that imports ``wagtail.api.v3``. It does
three things, from ``WagtailClinicAppConfig.ready()`` (see ``install``):

1. Registers a read field-schema for ``ClinicStreamField`` with Wagtail's v3
   read schema generator, so a body is typed (and documented in OpenAPI) as
   the discriminated union of its blocks' declared types instead of
   ``list[Any]``.
2. Mounts the plugin's router (``wagtail_clinic.api.router.build_router``)
   on Wagtail's v3 API under ``/clinic/``.
3. Post-processes the API's OpenAPI document so that it validates and
   declares what is served (``install_openapi_contract``), and adds the
   publish notifications as OpenAPI 3.1 ``webhooks``
   (``wagtail_clinic.webhooks.schema``).

Wagtail builds the v3 page schemas once, when ``wagtail.api.v3.registry``
is first imported, which happens in the ``ready()`` of ``wagtail.images``,
``wagtail.documents``, ``wagtail.snippets``, ``wagtail.locales`` and
``wagtail.contrib.redirects``. So ``wagtail_clinic`` must come before those
apps in ``INSTALLED_APPS``; the system checks here say so when it does not.

Nothing here may break start-up: every failure is logged to the
``wagtail_clinic.api`` logger, reported by a system check, and leaves
Wagtail's own, untyped output in place. That is why ``wagtail.api.v3`` is
only imported inside the functions, guarded: a preview API may move, and
importing ``wagtail.api.v3.registry`` (through its routers or ``api``)
freezes the page schemas, which must not happen before ``_register()``.

Layer 6 (delivery); its system checks are registered by
``wagtail_clinic.checks``.
"""

import importlib
import logging
import sys

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import checks
from pydantic import TypeAdapter
from wagtail.coreutils import get_content_languages

from wagtail_clinic.fields import ClinicStreamField
from wagtail_clinic.public_input.problems import PROBLEM_JSON
from wagtail_clinic.serialisation.schemas import block_api_schema
from wagtail_clinic.webhooks.schema import add_webhooks


logger = logging.getLogger("wagtail_clinic.api")

#: Apps whose ``ready()`` imports ``wagtail.api.v3.api`` (and with it the
#: registry that freezes the page schemas), checked in Wagtail 8.0.1.
SCHEMA_FREEZING_APPS = (
    "wagtail.images",
    "wagtail.documents",
    "wagtail.snippets",
    "wagtail.locales",
    "wagtail.contrib.redirects",
)

_REGISTRY_MODULE = "wagtail.api.v3.registry"
ENDPOINTS_MODULE = "wagtail_clinic.api.router"


@dataclass
class InstallState:
    """What ``install()`` achieved; read by the system checks."""

    ran: bool = False
    typed: bool = False
    mounted: bool = False
    frozen_before_install: bool = False
    errors: list[str] = field(default_factory=list)


state = InstallState()


def stream_field_type(stream_field):
    """The pydantic type of a ``ClinicStreamField``'s read value."""
    return block_api_schema(stream_field.stream_block)


def clinic_stream_fields():
    """Every ``ClinicStreamField`` of an installed model."""
    return [
        model_field
        for model in apps.get_models()
        for model_field in model._meta.get_fields()
        if isinstance(model_field, ClinicStreamField)
    ]


def _validate_types():
    """Build every body type and its JSON schema now, so errors show at start-up."""
    for stream_field in clinic_stream_fields():
        TypeAdapter(stream_field_type(stream_field)).json_schema()


def clinic_stream_field_read_schema(generator, stream_field):
    """Wagtail v3 read field-schema for ``ClinicStreamField``.

    Returns ``(annotation, default, resolver)`` like Wagtail's own
    ``streamfield_schema``, and falls back to that (``list[Any]``) if the
    typed annotation cannot be built.
    """
    from wagtail.api.v3.schemas.generators.read import streamfield_schema

    try:
        annotation = stream_field_type(stream_field)
    except Exception as exc:
        _record_error(f"typing {stream_field.model.__name__}.{stream_field.name}", exc)
        return streamfield_schema(generator, stream_field)

    field_name = stream_field.name

    def resolve(obj, context):
        value = getattr(obj, field_name)
        return value.stream_block.get_api_representation(value, context)

    return annotation, [], staticmethod(resolve)


def install(*, generator=None, api=None, mount=True):
    """Type ``ClinicStreamField`` in v3 and mount the clinic router.

    Called from ``WagtailClinicAppConfig.ready()``. Never raises: failures are
    logged and recorded in ``state`` for the system checks.

    Args:
        generator: the read schema generator (Wagtail's ``read_generator``
            by default; tests pass a copy).
        api: the ``NinjaAPI`` to mount the router on (Wagtail's by default).
        mount: whether to mount the clinic router at all.

    Returns:
        The ``InstallState``.
    """
    state.ran = True
    state.frozen_before_install = _REGISTRY_MODULE in sys.modules
    _register(generator)
    if mount:
        _mount(api)
    return state


def _register(generator):
    try:
        if generator is None:
            from wagtail.api.v3.schemas.generators.read import read_generator

            generator = read_generator
        _validate_types()
        generator.register_field_schema(
            ClinicStreamField, clinic_stream_field_read_schema
        )
    except Exception as exc:
        _record_error("typing ClinicStreamField", exc)
        return
    state.typed = True
    if state.frozen_before_install:
        logger.warning(
            "Wagtail's API v3 page schemas were built before wagtail_clinic was "
            "ready, so page bodies stay untyped (list[Any]). List "
            '"wagtail_clinic" above %s in INSTALLED_APPS.',
            ", ".join(SCHEMA_FREEZING_APPS),
        )


def import_endpoints():
    """The plugin's router module (written separately, possibly absent)."""
    return importlib.import_module(ENDPOINTS_MODULE)


def _mount(api):
    try:
        endpoints = import_endpoints()
    except ModuleNotFoundError as exc:
        if exc.name != ENDPOINTS_MODULE:
            _record_error(
                f"importing {ENDPOINTS_MODULE}", exc, "/clinic/ is not mounted"
            )
        else:
            logger.warning("Not mounting /clinic/ on API v3: %s", exc)
        return
    except Exception as exc:
        _record_error(f"importing {ENDPOINTS_MODULE}", exc, "/clinic/ is not mounted")
        return
    try:
        from wagtail.api.v3.routers.pages import PageDetailSchema

        if api is None:
            from wagtail.api.v3.api import api
        router = endpoints.build_router(PageDetailSchema)
        api.add_router("/clinic/", router)
    except Exception as exc:
        _record_error("mounting /clinic/ on API v3", exc, "/clinic/ is not mounted")
        return
    state.mounted = True
    try:
        install_openapi_contract(
            api,
            router_operation_ids(router),
            body_limits=getattr(endpoints, "request_body_limits", dict)(),
        )
    except Exception as exc:
        _record_error(
            "fixing the API v3 OpenAPI document",
            exc,
            "/openapi.json is served as Wagtail generates it",
        )


def _record_error(what, exc, consequence="Wagtail's untyped API v3 output is used"):
    logger.exception("wagtail_clinic: %s failed; %s.", what, consequence)
    state.errors.append(f"{what}: {type(exc).__name__}: {exc}")


# The OpenAPI document ------------------------------------------------------
#
# ninja documents every response as ``application/json`` (its renderer's
# media type) and Wagtail's ``AllowAnonymous`` auth as an ``http`` security
# scheme without the ``scheme`` that OpenAPI requires, so the document ninja
# builds is neither valid nor what is served. ``install_openapi_contract``
# post-processes it each time it is built (ninja builds it per request, so
# the body sizes read from the settings are always current; the ``limit``
# maximum and field lengths come from ``schemas.Documented`` annotations):
#
# * every security scheme that cannot be valid (``type: http`` without a
#   ``scheme``: "no credentials needed") is removed, and the operations that
#   listed it get the empty requirement ``{}``, OpenAPI's way of saying
#   "anonymous requests are accepted too" (Wagtail's own operations included);
# * the error responses (4xx, 5xx) of the clinic's operations are declared as
#   ``application/problem+json``, the media type they are sent with;
# * their 429 and 503 responses declare the ``Retry-After`` header they carry;
# * their ``locale`` parameters list the content languages (an ``enum``);
# * the request bodies they read state their largest size in bytes (there is
#   no JSON schema keyword for it): ``x-max-body-size`` and the description
#   of the body and of the 413 response.
# * the publish notifications (``webhooks.schema``) are added as the
#   top-level ``webhooks`` (one per event) and their body schemas.

#: Responses that tell the client when to try again.
RETRY_AFTER_STATUSES = ("429", "503")
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before sending the request again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
_CONTRACT_MARK = "_wagtail_clinic_contract"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def router_operation_ids(router):
    """The ``operationId`` of every documented operation of a ninja router,
    including those of the routers mounted in it (``Router.add_router``)."""
    return {
        operation.operation_id
        for mount in router.build_routers("")
        for path_view in mount.template.path_operations.values()
        for operation in path_view.operations
        if operation.include_in_schema and operation.operation_id
    }


def install_openapi_contract(api, operation_ids, body_limits=None):
    """Make ``api``'s OpenAPI document valid and true to what is served.

    Wraps ``api.get_openapi_schema`` (once; later calls add operations) so
    that every document it builds goes through ``fix_openapi_document``. A
    failure there is logged and the document served as ninja built it.

    Args:
        api: the ``NinjaAPI`` (Wagtail's v3 API).
        operation_ids: the ``operationId`` values of the clinic's operations.
        body_limits: ``{operationId: callable}``, the callable returning the
            largest request body (in bytes) the operation reads.
    """
    current = api.get_openapi_schema
    contract = getattr(current, _CONTRACT_MARK, None)
    if contract is not None:  # Already wrapped: only add the operations.
        contract["operations"].update(operation_ids)
        contract["body_limits"].update(body_limits or {})
        return
    contract = {
        "operations": set(operation_ids),
        "body_limits": dict(body_limits or {}),
    }

    def get_openapi_schema(*args, **kwargs):
        document = current(*args, **kwargs)
        try:
            fix_openapi_document(
                document, contract["operations"], contract["body_limits"]
            )
        except Exception:
            logger.exception(
                "wagtail_clinic: fixing the API v3 OpenAPI document failed; it is "
                "served as ninja generated it."
            )
        return document

    setattr(get_openapi_schema, _CONTRACT_MARK, contract)
    api.get_openapi_schema = get_openapi_schema


def _operations(document):
    for path_item in (document.get("paths") or {}).values():
        for method, operation in path_item.items():
            if method in _HTTP_METHODS and isinstance(operation, dict):
                yield operation


def fix_openapi_document(document, clinic_operation_ids, body_limits=None):
    """Fix ``document`` (an OpenAPI dict) in place; see the comment above."""
    body_limits = body_limits or {}
    fix_security_schemes(document)
    # The publish notifications a frontend receives (OpenAPI 3.1 webhooks).
    add_webhooks(document)
    for operation in _operations(document):
        operation_id = operation.get("operationId")
        if operation_id in clinic_operation_ids:
            fix_clinic_operation(operation)
            if operation_id in body_limits:
                document_body_limit(operation, body_limits[operation_id]())
    return document


def fix_security_schemes(document):
    """Replace invalid "anonymous" ``http`` schemes by the ``{}`` requirement."""
    components = document.get("components") or {}
    schemes = components.get("securitySchemes") or {}
    anonymous = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and not scheme.get("scheme")
    }
    if not anonymous:
        return
    for name in anonymous:
        del schemes[name]
    if not schemes:
        components.pop("securitySchemes", None)
    for operation in _operations(document):
        security = operation.get("security")
        if not security:
            continue
        requirements = []
        for requirement in security:
            requirement = {k: v for k, v in requirement.items() if k not in anonymous}
            if requirement not in requirements:
                requirements.append(requirement)
        operation["security"] = requirements


def fix_clinic_operation(operation):
    """Declare the clinic's error responses as they are sent, and the
    content languages ``?locale=`` takes."""
    document_locale_parameter(operation)
    for status, response in (operation.get("responses") or {}).items():
        if str(status)[:1] not in ("4", "5"):
            continue
        content = response.get("content") or {}
        if "application/json" in content:
            content[PROBLEM_JSON] = content.pop("application/json")
        if str(status) in RETRY_AFTER_STATUSES:
            headers = response.setdefault("headers", {})
            headers["Retry-After"] = dict(RETRY_AFTER_HEADER)


def document_locale_parameter(operation):
    """State the codes ``?locale=`` accepts: the content languages
    (``WAGTAIL_CONTENT_LANGUAGES``, read each time the document is built);
    any other is refused with 400 (``api.locales``)."""
    for parameter in operation.get("parameters") or ():
        if parameter.get("in") != "query" or parameter.get("name") != "locale":
            continue
        # "" is accepted as no choice, as by Wagtail's own filter.
        schema = {"type": "string", "enum": ["", *get_content_languages()]}
        title = (parameter.get("schema") or {}).get("title")
        if title:
            schema["title"] = title
        parameter["schema"] = schema


def document_body_limit(operation, max_bytes):
    """State the largest request body ``operation`` reads, ``max_bytes``."""
    body = operation.get("requestBody")
    if body is None or max_bytes is None:
        return
    limit = f"At most {max_bytes} bytes; a larger body is refused with 413."
    body["description"] = " ".join(filter(None, [body.get("description"), limit]))
    body["x-max-body-size"] = max_bytes
    responses = operation.get("responses") or {}
    # ninja's keys are ints; they only become strings in the JSON.
    too_large = responses.get(413, responses.get("413"))
    if too_large is not None:
        too_large["description"] = (
            f"Content Too Large: the request body is larger than {max_bytes} bytes."
        )


# System checks (registered by ``wagtail_clinic.checks.register_all``).


def app_order_problems(app_names):
    """Apps listed before ``wagtail_clinic`` that freeze the v3 schemas.

    Args:
        app_names: ``AppConfig.name`` values in ``INSTALLED_APPS`` order.
    """
    if "wagtail_clinic" not in app_names:
        return []
    position = list(app_names).index("wagtail_clinic")
    return [name for name in app_names[:position] if name in SCHEMA_FREEZING_APPS]


def check_app_order(app_configs=None, **kwargs):
    """Warn when an app listed above us has already frozen the v3 schemas."""
    names = [config.name for config in apps.get_app_configs()]
    early = app_order_problems(names)
    if not early:
        return []
    return [
        checks.Warning(
            "Wagtail's API v3 page schemas are built before wagtail_clinic is "
            "ready, so ConditionPage.body and MassageTypePage.body are untyped "
            "in API v3 (list[Any] in OpenAPI, no response validation).",
            hint=(f'Move "wagtail_clinic" above {", ".join(early)} in INSTALLED_APPS.'),
            id="wagtail_clinic.W001",
        )
    ]


def check_install(app_configs=None, **kwargs):
    """Report a failed ``install()`` and bodies left untyped despite it."""
    messages = []
    if state.errors:
        messages.append(
            checks.Warning(
                "wagtail_clinic could not fully set up API v3: "
                + "; ".join(state.errors),
                hint=(
                    'See the traceback logged to the "wagtail_clinic.api" logger '
                    "at start-up. Page bodies fall back to Wagtail's untyped output."
                ),
                id="wagtail_clinic.W002",
            )
        )
    if state.typed:
        untyped = untyped_stream_fields()
        if untyped:
            messages.append(
                checks.Warning(
                    "API v3 serves these ClinicStreamFields untyped: "
                    + ", ".join(untyped)
                    + ".",
                    hint=(
                        "Another app built Wagtail's v3 schemas before "
                        'wagtail_clinic was ready. Move "wagtail_clinic" to the '
                        "top of INSTALLED_APPS."
                    ),
                    id="wagtail_clinic.W003",
                )
            )
    return messages


def untyped_stream_fields():
    """``Model.field`` labels whose v3 read schema is not our typed one.

    Only looks when Wagtail has built its schemas already (it has, once any
    of ``SCHEMA_FREEZING_APPS`` is ready); never triggers that build itself.
    """
    registry_module = sys.modules.get(_REGISTRY_MODULE)
    if registry_module is None:
        return []
    untyped = []
    for stream_field in clinic_stream_fields():
        model = stream_field.model
        registration = registry_module.registry.get(model._meta.label)
        if registration is None or registration.read_schema is None:
            continue  # Not a page type, or not exposed through API v3.
        model_field = registration.read_schema.model_fields.get(stream_field.name)
        if model_field is None:
            continue  # Not in the model's api_fields.
        if model_field.annotation in (Any, list[Any]):
            untyped.append(f"{model._meta.label}.{stream_field.name}")
    return untyped
