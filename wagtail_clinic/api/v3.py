"""Everything that touches Wagtail's API v3 internals, guarded.

API v3 is a preview in Wagtail 8 and may change in any release, so this is
the only module of wagtail-clinic that imports ``wagtail.api.v3``. It does
two things, from ``WagtailClinicAppConfig.ready()`` (see ``install``):

1. Registers a read field-schema for ``ClinicStreamField`` with Wagtail's v3
   read schema generator, so a body is typed (and documented in OpenAPI) as
   the discriminated union of its blocks' declared types instead of
   ``list[Any]``.
2. Mounts the plugin's router (``wagtail_clinic.api.endpoints.build_router``)
   on Wagtail's v3 API under ``/clinic/``.

Wagtail builds the v3 page schemas once, when ``wagtail.api.v3.registry``
is first imported, which happens in the ``ready()`` of ``wagtail.images``,
``wagtail.documents``, ``wagtail.snippets``, ``wagtail.locales`` and
``wagtail.contrib.redirects``. So ``wagtail_clinic`` must come before those
apps in ``INSTALLED_APPS``; the system checks here say so when it does not.

Nothing here may break start-up: every failure is logged to the
``wagtail_clinic.api`` logger, reported by a system check, and leaves
Wagtail's own, untyped output in place.
"""

import importlib
import logging
import sys

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import checks


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
ENDPOINTS_MODULE = "wagtail_clinic.api.endpoints"


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
    from wagtail_clinic.api.schemas import block_api_schema

    return block_api_schema(stream_field.stream_block)


def clinic_stream_fields():
    """Every ``ClinicStreamField`` of an installed model."""
    from wagtail_clinic.fields import ClinicStreamField

    return [
        model_field
        for model in apps.get_models()
        for model_field in model._meta.get_fields()
        if isinstance(model_field, ClinicStreamField)
    ]


def _validate_types():
    """Build every body type and its JSON schema now, so errors show at start-up."""
    from pydantic import TypeAdapter

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
        from wagtail_clinic.fields import ClinicStreamField

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
        api.add_router("/clinic/", endpoints.build_router(PageDetailSchema))
    except Exception as exc:
        _record_error("mounting /clinic/ on API v3", exc, "/clinic/ is not mounted")
        return
    state.mounted = True


def _record_error(what, exc, consequence="Wagtail's untyped API v3 output is used"):
    logger.exception("wagtail_clinic: %s failed; %s.", what, consequence)
    state.errors.append(f"{what}: {type(exc).__name__}: {exc}")


# System checks (registered in apps.py).


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
