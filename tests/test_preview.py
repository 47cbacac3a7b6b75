"""Headless preview: the "Frontend" preview mode, its tokens and the API."""

import datetime

from urllib.parse import parse_qs, urlsplit

import time_machine

from django.core import signing
from django.http import Http404
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.blocks.content import PARAGRAPH_FEATURES
from wagtail_clinic.models import ConditionPage, PagePreview
from wagtail_clinic.preview import (
    HEADLESS_PREVIEW_MODE,
    create_preview,
    get_preview_page,
    get_signer,
)


FRONTEND = "http://localhost:3000/api/preview"
PREVIEW_API = "/api/v3/clinic/preview/"
headless = override_settings(WAGTAIL_CLINIC={"HEADLESS_PREVIEW_URL": FRONTEND})


def edit_form_data(page, *, title, paragraph):
    """What the admin posts for a condition article being edited."""
    return nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "condition_name": page.condition_name,
            "intro": page.intro,
            "body": streamfield(
                [("paragraph", rich_text(paragraph, features=PARAGRAPH_FEATURES))]
            ),
        }
    )


class PreviewTestCase(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home, slug="conditions")
        cls.page = make_condition_page(
            cls.index,
            slug="back-pain",
            body=[{"type": "paragraph", "value": "<p>The live paragraph.</p>"}],
        )
        cls.massage_index = make_massage_type_index(cls.home)
        cls.massage = make_massage_type(cls.massage_index)
        cls.editor = cls.create_user("editor")
        cls.editor.groups.add(cls.editor.groups.model.objects.get(name="Editors"))

    def unsaved_page(self, title="Unsaved preview title"):
        """The article with edits the editor has not saved."""
        page = ConditionPage.objects.get(pk=self.page.pk)
        page.title = title
        page.body = [("paragraph", "<p>An unsaved paragraph.</p>")]
        return page

    def admin_preview(self, url, data):
        """Post the form as the admin's preview panel does, then open the
        "Frontend" mode; returns the redirect response."""
        self.client.force_login(self.editor)
        response = self.client.post(url, data)
        self.assertEqual(response.json(), {"is_valid": True, "is_available": True})
        return self.client.get(url, {"mode": HEADLESS_PREVIEW_MODE})

    def token_from(self, response):
        self.assertEqual(response.status_code, 302)
        location = urlsplit(response["Location"])
        self.assertEqual(
            f"{location.scheme}://{location.netloc}{location.path}", FRONTEND
        )
        query = parse_qs(location.query)
        return query["content_type"][0], query["token"][0]


class TestPreviewModes(PreviewTestCase):
    def test_without_a_frontend_url_previews_are_unchanged(self):
        self.assertEqual(self.page.preview_modes, [("", "Default")])
        self.client.force_login(self.editor)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.page.pk])
        data = edit_form_data(
            self.page, title="Draft", paragraph="<p>An HTML draft.</p>"
        )
        self.client.post(url, data)

        response = self.client.get(url, {"mode": HEADLESS_PREVIEW_MODE})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "An HTML draft.")
        self.assertFalse(PagePreview.objects.exists())

    @headless
    def test_the_frontend_mode_comes_first_on_every_clinic_page_type(self):
        for page in (self.page, self.index, self.massage, self.massage_index):
            with self.subTest(page=type(page).__name__):
                self.assertEqual(
                    [mode for mode, _label in page.preview_modes],
                    [HEADLESS_PREVIEW_MODE, ""],
                )
                self.assertEqual(page.default_preview_mode, HEADLESS_PREVIEW_MODE)
        self.assertEqual(dict(self.page.preview_modes)["headless"], "Frontend")

    @headless
    def test_the_html_preview_is_still_there(self):
        self.client.force_login(self.editor)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.page.pk])
        data = edit_form_data(self.page, title="D", paragraph="<p>An HTML draft.</p>")
        self.client.post(url, data)

        response = self.client.get(url, {"mode": ""})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "An HTML draft.")
        self.assertFalse(PagePreview.objects.exists())


class TestAdminPreview(PreviewTestCase):
    @headless
    def test_preview_on_edit_redirects_to_the_frontend_with_a_token(self):
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.page.pk])
        data = edit_form_data(
            self.page, title="Unsaved title", paragraph="<p>Unsaved body.</p>"
        )

        content_type, token = self.token_from(self.admin_preview(url, data))

        self.assertEqual(content_type, "wagtail_clinic.conditionpage")
        draft = get_preview_page(token, content_type)
        self.assertEqual(draft.pk, self.page.pk)
        self.assertEqual(draft.title, "Unsaved title")
        self.assertIn("Unsaved body.", str(draft.body[0].value))
        # Nothing was saved.
        self.page.refresh_from_db()
        self.assertEqual(self.page.title, "Relief From Pain In The Back")
        self.assertEqual(self.page.revisions.count(), 0)

    @headless
    def test_preview_on_add_works_for_a_page_never_saved(self):
        url = reverse(
            "wagtailadmin_pages:preview_on_add",
            args=["wagtail_clinic", "conditionpage", self.index.pk],
        )
        data = nested_form_data(
            {
                "title": "Sciatica",
                "slug": "sciatica",
                "condition_name": "Sciatica",
                "intro": "Pain down the leg.",
                "body": streamfield([]),
            }
        )

        content_type, token = self.token_from(self.admin_preview(url, data))

        draft = get_preview_page(token, content_type)
        self.assertEqual((draft.pk, draft.title), (0, "Sciatica"))
        self.assertEqual(draft.get_parent().pk, self.index.pk)
        self.assertFalse(Page.objects.filter(slug="sciatica").exists())

    @override_settings(
        WAGTAIL_CLINIC={"HEADLESS_PREVIEW_URL": FRONTEND + "?secret=abc&token=old"}
    )
    def test_the_frontend_url_keeps_its_own_query(self):
        response = self.unsaved_page().serve_preview(None, HEADLESS_PREVIEW_MODE)

        query = parse_qs(urlsplit(response["Location"]).query)
        self.assertEqual(query["secret"], ["abc"])
        self.assertEqual(len(query["token"]), 1)
        self.assertNotEqual(query["token"], ["old"])

    @headless
    def test_each_preview_prunes_expired_ones(self):
        create_preview(self.unsaved_page())
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
            create_preview(self.unsaved_page())
            create_preview(self.unsaved_page())

        self.assertEqual(PagePreview.objects.count(), 2)


class TestTokens(PreviewTestCase):
    def test_a_token_gives_the_unsaved_page(self):
        token = create_preview(self.unsaved_page())

        draft = get_preview_page(token)

        self.assertIsInstance(draft, ConditionPage)
        self.assertEqual(draft.title, "Unsaved preview title")
        self.assertTrue(draft.live)

    def test_a_token_is_not_the_stored_key(self):
        create_preview(self.unsaved_page())

        key = PagePreview.objects.get().key
        self.assertGreaterEqual(len(key), 40)
        with self.assertRaises(Http404):
            get_preview_page(key)

    def test_forged_tokens_are_refused(self):
        token = create_preview(self.unsaved_page())
        value, _ts, signature = token.rsplit(":", 2)
        forged = [
            token[:-1] + ("A" if token[-1] != "A" else "B"),
            signing.TimestampSigner(salt="another.salt").sign(value),
            signing.TimestampSigner(
                key="another-secret-key", salt=get_signer().salt
            ).sign(value),
            "wagtail_clinic.conditionpage:" + PagePreview.objects.get().key,
            "",
            "\x00",
        ]
        for bad in forged:
            with self.subTest(token=bad), self.assertRaises(Http404):
                get_preview_page(bad)

    def test_tokens_expire(self):
        token = create_preview(self.unsaved_page())

        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3590)):
            self.assertEqual(get_preview_page(token).title, "Unsaved preview title")
        with (
            time_machine.travel(timezone.now() + datetime.timedelta(seconds=3610)),
            self.assertRaises(Http404),
        ):
            get_preview_page(token)

    def test_max_age_is_a_setting(self):
        token = create_preview(self.unsaved_page())

        with (
            override_settings(WAGTAIL_CLINIC={"HEADLESS_PREVIEW_MAX_AGE": 60}),
            time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)),
            self.assertRaises(Http404),
        ):
            get_preview_page(token)

    def test_a_token_only_works_for_its_own_page_type(self):
        massage = self.massage
        massage.title = "Unsaved massage"
        token = create_preview(massage)

        self.assertEqual(
            get_preview_page(token, "wagtail_clinic.massagetypepage").title,
            "Unsaved massage",
        )
        with self.assertRaises(Http404):
            get_preview_page(token, "wagtail_clinic.conditionpage")

    def test_a_deleted_preview_is_gone(self):
        token = create_preview(self.unsaved_page())
        PagePreview.objects.all().delete()

        with self.assertRaises(Http404):
            get_preview_page(token)


class TestPreviewAPI(PreviewTestCase):
    def get_preview(self, **params):
        return self.client.get(PREVIEW_API, params)

    def assertPrivate(self, response):
        self.assertEqual(response["Cache-Control"], "private, no-store")
        vary = {v.strip() for v in response["Vary"].split(",")}
        self.assertLessEqual({"Authorization", "Cookie"}, vary)

    def assertNotFound(self, response):
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(response.json()["status"], 404)
        self.assertNotIn("Unsaved", response.content.decode())
        self.assertPrivate(response)

    @headless
    def test_the_api_returns_the_admin_preview_draft(self):
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.page.pk])
        data = edit_form_data(
            self.page, title="Unsaved title", paragraph="<p>Unsaved body text.</p>"
        )
        content_type, token = self.token_from(self.admin_preview(url, data))
        self.client.logout()

        response = self.get_preview(content_type=content_type, token=token)

        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["id"], self.page.pk)
        self.assertEqual(data["title"], "Unsaved title")
        self.assertEqual(data["meta"]["type"], "wagtail_clinic.ConditionPage")
        self.assertIn("Unsaved body text.", response.content.decode())
        self.assertNotIn("The live paragraph.", response.content.decode())
        self.assertPrivate(response)

    def test_the_preview_has_the_shape_of_the_page_detail(self):
        token = create_preview(self.unsaved_page())

        preview = self.get_preview(token=token).json()
        detail = self.client.get(f"/api/v3/pages/{self.page.pk}/").json()

        self.assertEqual(preview.keys(), detail.keys())
        self.assertEqual(preview["meta"].keys(), detail["meta"].keys())

    def test_anonymous_page_detail_still_shows_the_live_page(self):
        token = create_preview(self.unsaved_page())
        self.assertEqual(self.get_preview(token=token).status_code, 200)

        for version in ("live", "draft"):
            response = self.client.get(
                f"/api/v3/pages/{self.page.pk}/", {"version": version}
            )
            self.assertEqual(response.json()["title"], "Relief From Pain In The Back")
            self.assertNotIn("Unsaved", response.content.decode())

    def test_bad_forged_and_expired_tokens_are_404(self):
        token = create_preview(self.unsaved_page())

        self.assertNotFound(self.get_preview(token="not-a-token"))
        self.assertNotFound(self.get_preview(token=token[:-2] + "xx"))
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
            self.assertNotFound(self.get_preview(token=token))

    def test_another_page_types_token_is_404(self):
        token = create_preview(self.massage)

        self.assertNotFound(
            self.get_preview(content_type="wagtail_clinic.conditionpage", token=token)
        )
        response = self.get_preview(
            content_type="wagtail_clinic.massagetypepage", token=token
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["meta"]["type"], "wagtail_clinic.MassageTypePage"
        )

    def test_content_type_in_any_case(self):
        # Compared in lower case, so an upper-case one is not refused (422).
        token = create_preview(self.massage)
        response = self.get_preview(
            content_type="Wagtail_Clinic.MassageTypePage", token=token
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertNotFound(
            self.get_preview(content_type="WAGTAIL_CLINIC.CONDITIONPAGE", token=token)
        )

    def test_no_draft_without_a_token(self):
        self.client.force_login(self.editor)

        response = self.get_preview()

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(
            self.get_preview(token="x", content_type="Bad Type").status_code, 422
        )

    def test_documented_in_openapi(self):
        schema = self.client.get("/api/v3/openapi.json").json()

        operation = schema["paths"][PREVIEW_API]["get"]
        self.assertEqual(operation["operationId"], "clinic_preview")
        self.assertEqual(
            {p["name"] for p in operation["parameters"]}, {"token", "content_type"}
        )
        self.assertIn("404", operation["responses"])
