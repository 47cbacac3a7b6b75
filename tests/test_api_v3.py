"""API v3 typing: the OpenAPI document, the guarded installation and its
system checks (``wagtail_clinic.api.v3``). TypeScript generation from the
document: ``test_api_typescript.py``."""

import copy
import sys

from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest

from django.test import Client, SimpleTestCase, TestCase
from pydantic import TypeAdapter
from wagtail.api.v3.registry import ContentTypeRegistration, registry
from wagtail.api.v3.schemas import PageSchema
from wagtail.api.v3.schemas.generators.read import read_generator

from wagtail_clinic.api import v3
from wagtail_clinic.blocks import ArticleStreamBlock, MassageTypeStreamBlock
from wagtail_clinic.fields import ClinicStreamField
from wagtail_clinic.models import ConditionPage, MassageTypePage


def openapi_document(client):
    """The served OpenAPI document of API v3."""
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json()


class TestOpenAPI(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.document = openapi_document(Client())
        cls.components = cls.document["components"]["schemas"]

    def body_union(self, component):
        body = self.components[component]["properties"]["body"]
        self.assertEqual(body["type"], "array")
        self.assertNotEqual(body["items"], {}, f"{component}.body is untyped")
        return body["items"]

    def test_bodies_are_discriminated_unions_of_the_blocks(self):
        for component, stream in (
            ("ConditionPageSchema", ArticleStreamBlock()),
            ("MassageTypePageSchema", MassageTypeStreamBlock()),
        ):
            with self.subTest(component=component):
                items = self.body_union(component)
                self.assertEqual(items["discriminator"]["propertyName"], "type")
                mapping = items["discriminator"]["mapping"]
                self.assertEqual(set(mapping), set(stream.child_blocks))
                self.assertEqual(len(items["oneOf"]), len(stream.child_blocks))
                for name, ref in mapping.items():
                    item = self.components[ref.rsplit("/", 1)[1]]
                    self.assertEqual(item["properties"]["type"]["const"], name)
                    self.assertEqual(set(item["required"]), {"type", "value", "id"})
        self.assertNotIn(
            "massage_types",
            self.body_union("MassageTypePageSchema")["discriminator"]["mapping"],
        )

    def test_block_values_are_named_components(self):
        for name in (
            "ClinicImage",
            "ClinicPageLink",
            "ClinicDetails",
            "ClinicTherapist",
            "ClinicBookingCTA",
            "ClinicHeading",
            "ClinicFigure",
        ):
            with self.subTest(component=name):
                self.assertIn(name, self.components)
                self.assertIs(self.components[name]["additionalProperties"], False)
        booking = self.components["ClinicBookingCTA"]["properties"]
        self.assertEqual(
            booking["clinic"]["anyOf"][0],
            {"$ref": "#/components/schemas/ClinicDetails"},
        )
        paragraph = self.components["ClinicParagraphBlock"]["properties"]["value"]
        self.assertEqual(paragraph["type"], "string")
        self.assertIn("link", paragraph["x-rich-text-features"])

    def test_page_fields_are_typed(self):
        condition = self.components["ConditionPageSchema"]["properties"]
        massage_type = self.components["MassageTypePageSchema"]["properties"]
        self.assertEqual(
            condition["hero_image"]["anyOf"][0],
            {"$ref": "#/components/schemas/ClinicImage"},
        )
        self.assertEqual(
            condition["reviewed_by"]["anyOf"][0],
            {"$ref": "#/components/schemas/ClinicTherapist"},
        )
        self.assertEqual(
            condition["outline"]["anyOf"][0]["items"],
            {"$ref": "#/components/schemas/ClinicOutlineEntry"},
        )
        self.assertEqual(
            massage_type["conditions"]["anyOf"][0]["items"],
            {"$ref": "#/components/schemas/ClinicPageLink"},
        )
        self.assertEqual(
            massage_type["session_lengths"]["anyOf"][0]["items"], {"type": "integer"}
        )
        self.assertEqual(condition["last_reviewed"]["anyOf"][0]["format"], "date")

    def test_no_untyped_stream_field_anywhere(self):
        """Every ClinicStreamField of every page type (host ones too) is typed."""
        for name, component in self.components.items():
            body = component.get("properties", {}).get("body")
            if body and name.endswith("PageSchema") and body.get("type") == "array":
                model_name = name.removesuffix("Schema")
                if model_name in (
                    "ConditionPage",
                    "MassageTypePage",
                    "HostConditionPage",
                ):
                    with self.subTest(component=name):
                        self.assertIn("discriminator", body["items"])


@pytest.fixture
def fresh_state(monkeypatch):
    """A blank InstallState, so these tests leave the real one alone."""
    state = v3.InstallState()
    monkeypatch.setattr(v3, "state", state)
    return state


@pytest.fixture
def generator_copy():
    """Wagtail's read generator as it was before our registration."""
    generator = copy.copy(read_generator)
    generator.field_schemas = {
        field_class: func
        for field_class, func in read_generator.field_schemas.items()
        if field_class is not ClinicStreamField
    }
    generator._reverse_related_schema_cache = {}
    generator._foreign_key_schema_cache = {}
    return generator


def body_annotation(generator, model=ConditionPage):
    schema = generator.generate_schema(model, base_class=PageSchema)
    return schema.model_fields["body"].annotation


def test_install_types_the_body(fresh_state, generator_copy):
    assert body_annotation(generator_copy) == list[Any]
    state = v3.install(generator=generator_copy, mount=False)
    assert state.typed and not state.errors
    article_schema = TypeAdapter(body_annotation(generator_copy)).json_schema()
    assert (
        article_schema == TypeAdapter(ArticleStreamBlock().api_schema()).json_schema()
    )
    massage_type_schema = TypeAdapter(
        body_annotation(generator_copy, MassageTypePage)
    ).json_schema()
    assert (
        "massage_types" not in massage_type_schema["items"]["discriminator"]["mapping"]
    )


def test_a_failing_type_falls_back_to_untyped_output(
    fresh_state, generator_copy, monkeypatch, caplog
):
    def broken(stream_field):
        raise TypeError("no such block type")

    monkeypatch.setattr(v3, "stream_field_type", broken)
    with caplog.at_level("ERROR", logger="wagtail_clinic.api"):
        state = v3.install(generator=generator_copy, mount=False)

    assert not state.typed
    assert "no such block type" in state.errors[0]
    assert "no such block type" in caplog.text
    # Nothing registered: Wagtail's own list[Any].
    assert ClinicStreamField not in generator_copy.field_schemas
    assert body_annotation(generator_copy) == list[Any]
    [warning] = v3.check_install()
    assert warning.id == "wagtail_clinic.W002"
    assert "no such block type" in warning.msg


def test_a_type_failing_after_registration_falls_back_per_field(
    fresh_state, generator_copy, monkeypatch, caplog
):
    v3.install(generator=generator_copy, mount=False)

    def broken(stream_field):
        raise ValueError("schema changed upstream")

    monkeypatch.setattr(v3, "stream_field_type", broken)
    with caplog.at_level("ERROR", logger="wagtail_clinic.api"):
        assert body_annotation(generator_copy) == list[Any]
    assert "schema changed upstream" in caplog.text
    assert any("ConditionPage.body" in error for error in fresh_state.errors)


def test_install_never_raises(fresh_state, monkeypatch):
    def boom():
        raise RuntimeError("v3 moved")

    monkeypatch.setattr(v3, "_validate_types", boom)
    state = v3.install(generator=object(), mount=False)
    assert not state.typed
    assert "v3 moved" in state.errors[0]


def test_mounting_is_skipped_without_the_endpoints_module(
    fresh_state, generator_copy, monkeypatch, caplog
):
    # A None entry makes importing the endpoints module raise ImportError.
    monkeypatch.setitem(sys.modules, v3.ENDPOINTS_MODULE, None)
    with caplog.at_level("WARNING", logger="wagtail_clinic.api"):
        state = v3.install(generator=generator_copy, api=object())
    assert state.typed and not state.mounted and not state.errors
    assert "Not mounting /clinic/" in caplog.text


def test_a_broken_endpoints_module_is_reported(
    fresh_state, generator_copy, monkeypatch, caplog
):
    def broken_import():
        raise ModuleNotFoundError("No module named 'markdown_it'", name="markdown_it")

    monkeypatch.setattr(v3, "import_endpoints", broken_import)
    with caplog.at_level("ERROR", logger="wagtail_clinic.api"):
        state = v3.install(generator=generator_copy, api=object())
    assert state.typed and not state.mounted
    assert "markdown_it" in state.errors[0]
    [warning] = v3.check_install()
    assert warning.id == "wagtail_clinic.W002"


def test_a_failing_router_is_logged_not_raised(
    fresh_state, generator_copy, monkeypatch, caplog
):
    class BrokenAPI:
        def add_router(self, prefix, router):
            raise RuntimeError("urls already built")

    fake = SimpleNamespace(build_router=lambda schema: object())
    monkeypatch.setitem(sys.modules, v3.ENDPOINTS_MODULE, fake)
    with caplog.at_level("ERROR", logger="wagtail_clinic.api"):
        state = v3.install(generator=generator_copy, api=BrokenAPI())
    assert state.typed and not state.mounted
    assert "urls already built" in state.errors[0]


class TestSystemChecks(SimpleTestCase):
    def test_app_order_problems(self):
        self.assertEqual(
            v3.app_order_problems(
                ["wagtail_clinic", "wagtail.images", "wagtail.snippets"]
            ),
            [],
        )
        self.assertEqual(
            v3.app_order_problems(
                [
                    "wagtail.contrib.redirects",
                    "wagtail.users",
                    "wagtail.images",
                    "wagtail_clinic",
                    "wagtail.documents",
                ]
            ),
            ["wagtail.contrib.redirects", "wagtail.images"],
        )
        self.assertEqual(v3.app_order_problems(["wagtail.images"]), [])

    def test_check_app_order_warns_with_a_hint(self):
        configs = [
            SimpleNamespace(name=name)
            for name in ("wagtail.snippets", "wagtail_clinic", "wagtail.images")
        ]
        with mock.patch.object(v3.apps, "get_app_configs", return_value=configs):
            [warning] = v3.check_app_order()
        self.assertEqual(warning.id, "wagtail_clinic.W001")
        self.assertIn('Move "wagtail_clinic" above wagtail.snippets', warning.hint)

    def test_the_test_settings_pass(self):
        self.assertEqual(v3.check_app_order(), [])
        self.assertEqual(v3.check_install(), [])
        self.assertTrue(v3.state.typed)
        self.assertEqual(v3.untyped_stream_fields(), [])

    def test_untyped_bodies_are_reported(self):
        generator = copy.copy(read_generator)
        generator.field_schemas = {
            k: f
            for k, f in read_generator.field_schemas.items()
            if k is not ClinicStreamField
        }
        untyped = generator.generate_schema(ConditionPage, base_class=PageSchema)
        real_get = registry.get

        def get(label):
            if label == "wagtail_clinic.ConditionPage":
                return ContentTypeRegistration(
                    name=label, label="condition", read_schema=untyped
                )
            return real_get(label)

        with mock.patch.object(registry, "get", side_effect=get):
            self.assertEqual(
                v3.untyped_stream_fields(), ["wagtail_clinic.ConditionPage.body"]
            )
            [warning] = v3.check_install()
        self.assertEqual(warning.id, "wagtail_clinic.W003")
