"""Old import paths (issue 12): they warn, give the very same objects as the
new paths, and nothing in wagtail_clinic itself uses them.

The table is the one of the CHANGELOG's "Deprecated" section.
"""

import ast
import importlib
import pathlib
import warnings

import pytest

from django.utils.module_loading import import_string


#: ``(old module, name, new module)``: the documented names of each shim.
SHIMS = [
    ("wagtail_clinic.forms", "AppointmentRequestForm", "wagtail_clinic.booking.forms"),
    ("wagtail_clinic.phone", "normalise_phone", "wagtail_clinic.public_input.phone"),
    ("wagtail_clinic.phone", "format_phone", "wagtail_clinic.public_input.phone"),
    ("wagtail_clinic.antispam", "client_hash", "wagtail_clinic.public_input.client"),
    ("wagtail_clinic.antispam", "count_hit", "wagtail_clinic.public_input.ratelimit"),
    (
        "wagtail_clinic.antispam",
        "parse_rate_setting",
        "wagtail_clinic.public_input.ratelimit",
    ),
    ("wagtail_clinic.antispam", "RateLimited", "wagtail_clinic.public_input.ratelimit"),
    ("wagtail_clinic.antispam", "Hit", "wagtail_clinic.public_input.ratelimit"),
    (
        "wagtail_clinic.antispam",
        "give_back_hit",
        "wagtail_clinic.public_input.ratelimit",
    ),
    (
        "wagtail_clinic.antispam",
        "honeypot_filled",
        "wagtail_clinic.public_input.honeypot",
    ),
    (
        "wagtail_clinic.antispam",
        "HONEYPOT_FIELD",
        "wagtail_clinic.public_input.honeypot",
    ),
    (
        "wagtail_clinic.appointments.notifications",
        "notify_clinic",
        "wagtail_clinic.booking.notifications",
    ),
    (
        "wagtail_clinic.appointments.notifications",
        "notification_recipients",
        "wagtail_clinic.booking.notifications",
    ),
    (
        "wagtail_clinic.richtext",
        "expand_rich_text_in",
        "wagtail_clinic.serialisation.richtext",
    ),
    (
        "wagtail_clinic.richtext",
        "BatchedRichText",
        "wagtail_clinic.serialisation.richtext",
    ),
    (
        "wagtail_clinic.richtext",
        "iter_rich_text",
        "wagtail_clinic.serialisation.richtext",
    ),
    (
        "wagtail_clinic.api.schemas",
        "block_api_schema",
        "wagtail_clinic.serialisation.schemas",
    ),
    (
        "wagtail_clinic.api.schemas",
        "stream_api_schema",
        "wagtail_clinic.serialisation.schemas",
    ),
    (
        "wagtail_clinic.api.schemas",
        "stream_item_type",
        "wagtail_clinic.serialisation.schemas",
    ),
    (
        "wagtail_clinic.api.schemas",
        "ClinicImage",
        "wagtail_clinic.serialisation.schemas",
    ),
    ("wagtail_clinic.api.schemas", "ClinicFaq", "wagtail_clinic.blocks.schemas"),
    (
        "wagtail_clinic.api.representations",
        "page_summary",
        "wagtail_clinic.serialisation.representations",
    ),
    (
        "wagtail_clinic.api.representations",
        "get_clinic_settings",
        "wagtail_clinic.serialisation.site",
    ),
    ("wagtail_clinic.api.fields", "ClinicField", "wagtail_clinic.models.api_fields"),
    ("wagtail_clinic.api.fields", "PageImageField", "wagtail_clinic.models.api_fields"),
    (
        "wagtail_clinic.api.representation_cache",
        "invalidate",
        "wagtail_clinic.serialisation.cache",
    ),
    (
        "wagtail_clinic.api.representation_cache",
        "exclude_from_cache",
        "wagtail_clinic.serialisation.cache",
    ),
    (
        "wagtail_clinic.jsonld",
        "StructuredDataMixin",
        "wagtail_clinic.structured_data.mixins",
    ),
    (
        "wagtail_clinic.jsonld",
        "structured_data_for_page",
        "wagtail_clinic.structured_data.entities",
    ),
    (
        "wagtail_clinic.jsonld",
        "render_script",
        "wagtail_clinic.structured_data.entities",
    ),
    (
        "wagtail_clinic.api.structured_data",
        "StructuredDataField",
        "wagtail_clinic.structured_data.fields",
    ),
]

#: ``(path, name, home)``: stable re-exports (feature package API, migration
#: and task paths): the same object, without a warning.
STABLE = [
    (
        "wagtail_clinic.booking",
        "validate_booking_url_template",
        "wagtail_clinic.blocks.booking",
    ),
    ("wagtail_clinic.booking", "booking_link", "wagtail_clinic.blocks.booking"),
    ("wagtail_clinic.preview", "HeadlessPreviewMixin", "wagtail_clinic.preview.mixins"),
    (
        "wagtail_clinic.preview",
        "HEADLESS_PREVIEW_MODE",
        "wagtail_clinic.preview.tokens",
    ),
    ("wagtail_clinic.preview", "create_preview", "wagtail_clinic.preview.tokens"),
    ("wagtail_clinic.preview", "get_preview_page", "wagtail_clinic.preview.tokens"),
    ("wagtail_clinic.preview", "get_signer", "wagtail_clinic.preview.tokens"),
    ("wagtail_clinic.review", "add_months", "wagtail_clinic.review.status"),
    ("wagtail_clinic.review", "status_q", "wagtail_clinic.review.status"),
    ("wagtail_clinic.review", "unsourced_fact_counts", "wagtail_clinic.review.status"),
    (
        "wagtail_clinic.webhooks",
        "deliver_webhook_task",
        "wagtail_clinic.webhooks.delivery",
    ),
    (
        "wagtail_clinic.models.settings",
        "DEFAULT_DISCLAIMER",
        "wagtail_clinic.serialisation.site",
    ),
    (
        "wagtail_clinic.models.settings",
        "get_clinic_settings",
        "wagtail_clinic.serialisation.site",
    ),
    (
        "wagtail_clinic.models.settings",
        "get_default_clinic",
        "wagtail_clinic.serialisation.site",
    ),
]

#: Modules nothing in wagtail_clinic may import (a package covers its modules).
SHIM_MODULES = sorted({old for old, _, _ in SHIMS} | {"wagtail_clinic.appointments"})

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "wagtail_clinic"


@pytest.mark.parametrize(("old", "name", "new"), SHIMS)
def test_an_old_path_warns_and_gives_the_same_object(old, name, new):
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=name):
        found = getattr(module, name)
    assert found is getattr(importlib.import_module(new), name)


@pytest.mark.parametrize(("path", "name", "home"), STABLE)
def test_a_stable_re_export_is_the_same_object_without_a_warning(path, name, home):
    module = importlib.import_module(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        found = getattr(module, name)
    assert found is getattr(importlib.import_module(home), name)


def test_the_queued_webhook_task_path_still_resolves():
    task = import_string("wagtail_clinic.webhooks.deliver_webhook_task")
    assert task.name == "deliver_webhook_task"


def test_unknown_names_are_still_attribute_errors():
    module = importlib.import_module("wagtail_clinic.phone")
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path):
    """``(line, module)`` of every import in ``path``, ``from`` names included."""
    module_name = _module_name(path)
    package = (
        module_name if path.name == "__init__.py" else module_name.rpartition(".")[0]
    )
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _is_within(module, prefix):
    return module == prefix or module.startswith(prefix + ".")


def test_wagtail_clinic_imports_no_shim():
    shims = {
        path
        for path in _sources()
        if any(_is_within(_module_name(path), old) for old in SHIM_MODULES)
    }
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"
        for path in _sources()
        if path not in shims
        for line, module in _imported_modules(path)
        if any(_is_within(module, old) for old in SHIM_MODULES)
    ]
    assert found == []


def test_only_api_v3_imports_wagtail_api_v3():
    allowed = PACKAGE / "api" / "v3.py"
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"
        for path in _sources()
        if path != allowed
        for line, module in _imported_modules(path)
        if _is_within(module, "wagtail.api.v3")
    ]
    assert found == []
