"""Reader comments in the headless API: /api/v3/clinic/pages/{id}/comments/."""

import json

from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from wagtail.models import PageViewRestriction, Site

from tests.comment_utils import (
    COMMENTER_EMAIL,
    COMMENTER_NAME,
    NO_LIMITS,
    PRIVATE,
    api_body,
    api_url,
    make_article,
    make_comment,
    make_moderator,
    post_json,
)
from tests.utils import make_condition_page
from wagtail_clinic.models import ClinicSettings, CommentStatus, ReaderComment


ORIGIN = "https://www.clinic.example"
SETTINGS = {**NO_LIMITS, "API_CORS_ORIGINS": [ORIGIN]}
ITEM_KEYS = {"id", "author_name", "body", "body_html", "created_at", "replies"}
REPLY_KEYS = ITEM_KEYS - {"replies"}


class APITestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()

    def setUp(self):
        cache.clear()

    def get(self, page=None, **params):
        return self.client.get(api_url(page or self.page), params)

    def post(self, body, page=None, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return post_json(self.client, page or self.page, body, **extra)

    def assert_problem(self, response, status, fields=()):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        data = response.json()
        self.assertEqual(data["status"], status)
        found = {
            error.get("field") or error["loc"][-1] for error in data.get("errors", [])
        }
        self.assertEqual(found, set(fields))
        return data


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestList(APITestCase):
    def test_approved_comments_with_nested_replies(self):
        first = make_comment(
            self.page, author_name="Ann", body="First\n\nhttps://a.example"
        )
        reply = make_comment(self.page, parent=first, author_name="Bo", body="Reply")
        make_comment(self.page, parent=reply, body="Reply to reply")
        second = make_comment(self.page, author_name="Cy", body="Second")
        for status in ("pending", "rejected", "spam"):
            make_comment(self.page, status=status, body=f"hidden {status}")
            make_comment(
                self.page, parent=first, status=status, body=f"hidden {status}"
            )
        response = self.get()
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(
            set(data), {"count", "total_comments", "comments_open", "items"}
        )
        self.assertEqual(data["count"], 2)
        self.assertEqual(data["total_comments"], 4)
        self.assertTrue(data["comments_open"])
        self.assertEqual([item["id"] for item in data["items"]], [first.pk, second.pk])
        item = data["items"][0]
        self.assertEqual(set(item), ITEM_KEYS)
        self.assertEqual(item["author_name"], "Ann")
        self.assertEqual(item["body"], "First\n\nhttps://a.example")
        self.assertEqual(
            item["body_html"],
            '<p>First</p>\n\n<p><a rel="nofollow ugc" href="https://a.example">'
            "https://a.example</a></p>",
        )
        self.assertEqual(
            [r["body"] for r in item["replies"]], ["Reply", "Reply to reply"]
        )
        self.assertEqual(set(item["replies"][0]), REPLY_KEYS)
        self.assertNotIn("hidden", response.content.decode())

    def test_pagination_by_thread(self):
        comments = [make_comment(self.page, body=f"c{n}") for n in range(5)]
        make_comment(self.page, parent=comments[2], body="reply")
        data = self.get(offset=2, limit=2).json()
        self.assertEqual(data["count"], 5)
        self.assertEqual([i["body"] for i in data["items"]], ["c2", "c3"])
        self.assertEqual(data["items"][0]["replies"][0]["body"], "reply")
        self.assertEqual(self.get(offset=10**30).json()["items"], [])

    def test_bad_parameters(self):
        self.assert_problem(self.get(limit=1000), 400, ["limit"])
        self.assert_problem(self.get(offset=-1), 422, ["offset"])
        response = self.client.get(api_url(self.page) + "?limit=1&limit=2")
        self.assert_problem(response, 422, ["limit"])
        for page_id in ("0", "-5", str(2**64), "abc"):
            response = self.client.get(f"/api/v3/clinic/pages/{page_id}/comments/")
            self.assertIn(response.status_code, (404, 422), page_id)
            self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_no_email_or_ip_ever(self):
        make_comment(self.page, author_name=COMMENTER_NAME, email=COMMENTER_EMAIL)
        response = self.get()
        text = response.content.decode()
        self.assertIn(COMMENTER_NAME, text)
        for secret in [*PRIVATE, "email", "ip_hash", "127.0.0.1"]:
            self.assertNotIn(secret, text)

    def test_closed_page_lists_nothing(self):
        make_comment(self.page)
        self.page.comments_enabled = False
        self.page.save_revision().publish()
        data = self.get().json()
        self.assertEqual(
            data, {"count": 0, "total_comments": 0, "comments_open": False, "items": []}
        )

    def test_closed_site_lists_nothing(self):
        make_comment(self.page)
        settings = ClinicSettings.for_site(Site.objects.get(is_default_site=True))
        settings.comments_enabled = False
        settings.save()
        self.assertFalse(self.get().json()["comments_open"])

    def test_only_live_public_commentable_pages(self):
        make_comment(self.page, body="secret words")
        draft = make_condition_page(self.page.get_parent(), title="Draft", live=False)
        private = make_condition_page(self.page.get_parent(), title="Private")
        PageViewRestriction.objects.create(
            page=private, restriction_type="password", password="x"
        )
        make_comment(private, body="secret words")
        for page in (draft, private, self.page.get_parent(), self.home):
            response = self.get(page)
            self.assert_problem(response, 404, ["page_id"])
            self.assertNotIn("secret words", response.content.decode())

    def test_publicly_cacheable_with_validators(self):
        make_comment(self.page)
        response = self.get()
        self.assertTrue(response["Cache-Control"].startswith("public"))
        self.assertIn("Authorization", response["Vary"])
        self.assertIn("Origin", response["Vary"])
        again = self.client.get(api_url(self.page), HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        make_comment(self.page, body="new")
        changed = self.client.get(
            api_url(self.page), HTTP_IF_NONE_MATCH=response["ETag"]
        )
        self.assertEqual(changed.status_code, 200)

    def test_cors_for_allowed_origins(self):
        response = self.client.get(api_url(self.page), HTTP_ORIGIN=ORIGIN)
        self.assertEqual(response["Access-Control-Allow-Origin"], ORIGIN)
        response = self.client.get(
            api_url(self.page), HTTP_ORIGIN="https://evil.example"
        )
        self.assertNotIn("Access-Control-Allow-Origin", response)


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestToken(APITestCase):
    def test_token_is_private_and_usable(self):
        response = self.client.get(f"{api_url(self.page)}token/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        data = response.json()
        self.assertEqual(data["min_fill_seconds"], 3)
        self.assertEqual(data["expires_in"], 86400)
        # Fresh: too fast to use at once.
        response = self.post(api_body(self.page, token=data["token"]))
        self.assert_problem(response, 422, ["token"])

    def test_unknown_page(self):
        response = self.client.get("/api/v3/clinic/pages/999999/comments/token/")
        self.assert_problem(response, 404, ["page_id"])


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestCreate(APITestCase):
    def test_held_for_moderation(self):
        moderator = make_moderator()
        response = self.post(api_body(self.page))
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(response.json(), {"status": "pending", "id": None})
        self.assertEqual(response["Cache-Control"], "no-store")
        comment = ReaderComment.objects.get()
        self.assertEqual(comment.source, "api")
        self.assertEqual(comment.status, CommentStatus.PENDING)
        self.assertEqual(mail.outbox[0].to, [moderator.email])
        self.assertEqual(self.get().json()["items"], [])

    @override_settings(
        WAGTAIL_CLINIC={**SETTINGS, "COMMENTS_AUTO_APPROVE_RETURNING": True}
    )
    def test_auto_approved_returning_commenter(self):
        make_comment(self.page, email=COMMENTER_EMAIL)
        response = self.post(api_body(self.page))
        self.assertEqual(response.status_code, 201)
        new = ReaderComment.objects.latest("pk")
        self.assertEqual(response.json(), {"status": "approved", "id": new.pk})
        self.assertEqual(self.get().json()["total_comments"], 2)

    def test_reply(self):
        parent = make_comment(self.page)
        self.assertEqual(
            self.post(api_body(self.page, parent_id=parent.pk)).status_code, 202
        )
        self.assertEqual(ReaderComment.objects.latest("pk").parent_id, parent.pk)
        other = make_condition_page(self.page.get_parent(), title="Other")
        elsewhere = make_comment(other)
        response = self.post(api_body(self.page, parent_id=elsewhere.pk))
        self.assert_problem(response, 422, ["parent_id"])
        self.assert_problem(
            self.post(api_body(self.page, parent_id=0)), 422, ["parent_id"]
        )
        self.assert_problem(
            self.post(api_body(self.page, parent_id=2**70)), 422, ["parent_id"]
        )
        huge = json.dumps(api_body(self.page)).replace(
            "{", '{"parent_id": ' + "9" * 10_000 + ",", 1
        )
        self.assert_problem(self.post(huge), 400)

    def test_schema_lengths_hold_even_for_a_filled_honeypot(self):
        # The silent honeypot used to answer 202 without validating the form,
        # so a body breaking the declared maxLength was "accepted" (found by
        # schemathesis); the fields are now validated first.
        for field, limit in (("email", 254), ("author_name", 100)):
            with self.subTest(field=field):
                body = api_body(self.page, website="http://spam.example")
                body[field] = "a" * (limit + 1)
                self.assert_problem(self.post(body), 422, [field])
        self.assertFalse(ReaderComment.objects.exists())

    def test_wrong_content_type_and_bodies(self):
        response = self.client.post(api_url(self.page), {"body": "x"})
        self.assert_problem(response, 415)
        self.assert_problem(self.post("{not json"), 400)
        self.assert_problem(self.post("[1, 2]"), 400)
        self.assert_problem(self.post('{"body": NaN}'), 400)
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_fields_are_typed_named_and_complete(self):
        response = self.post(api_body(self.page, email=5, body=None, parent_id="3"))
        self.assert_problem(response, 422, ["email", "body", "parent_id"])
        response = self.post(api_body(self.page, name="x"))
        self.assert_problem(response, 422, ["name"])
        response = self.post({})
        self.assert_problem(response, 422, ["author_name", "email", "body"])
        response = self.post(api_body(self.page, author_name="", email="bad", body=" "))
        data = self.assert_problem(response, 422, ["author_name", "email", "body"])
        messages = {error["field"]: error["msg"] for error in data["errors"]}
        self.assertEqual(
            messages["email"], "Enter an email address like name@example.com."
        )
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_closed_page(self):
        self.page.comments_enabled = False
        self.page.save_revision().publish()
        self.assert_problem(self.post(api_body(self.page)), 403)
        self.assertEqual(ReaderComment.objects.count(), 0)

    def test_draft_or_unknown_page(self):
        draft = make_condition_page(self.page.get_parent(), title="Draft", live=False)
        self.assert_problem(self.post(api_body(draft), page=draft), 404, ["page_id"])
        response = post_json(
            self.client, self.page, api_body(self.page), HTTP_HOST="testserver"
        )
        self.assertEqual(response.status_code, 202)

    def test_session_is_ignored_and_csrf_is_not_needed(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(make_moderator())
        with self.captureOnCommitCallbacks(execute=True):
            response = post_json(client, self.page, api_body(self.page))
        self.assertEqual(response.status_code, 202)

    def test_origins(self):
        response = self.post(api_body(self.page), HTTP_ORIGIN=ORIGIN)
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response["Access-Control-Allow-Origin"], ORIGIN)
        response = self.post(api_body(self.page), HTTP_ORIGIN="https://evil.example")
        self.assert_problem(response, 403)
        self.assertEqual(ReaderComment.objects.count(), 1)

    def test_preflight(self):
        response = self.client.options(
            api_url(self.page),
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], ORIGIN)
        self.assertIn("POST", response["Access-Control-Allow-Methods"])
        response = self.client.options(
            api_url(self.page),
            HTTP_ORIGIN="https://evil.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        )
        self.assertNotIn("Access-Control-Allow-Origin", response)

    def test_responses_never_echo_personal_data(self):
        for body in (
            api_body(self.page),
            api_body(self.page, body="<b>x</b>"),
            api_body(self.page, email=COMMENTER_EMAIL + "x@@"),
        ):
            text = self.post(body).content.decode()
            for secret in PRIVATE:
                self.assertNotIn(secret, text)


@override_settings(WAGTAIL_CLINIC=SETTINGS)
class TestOpenAPI(APITestCase):
    def test_endpoints_are_typed_without_email_in_responses(self):
        make_comment(self.page, email=COMMENTER_EMAIL, author_name=COMMENTER_NAME)
        self.post(api_body(self.page))
        response = self.client.get("/api/v3/openapi.json")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        for secret in PRIVATE:
            self.assertNotIn(secret, text)
        document = json.loads(text)
        path = document["paths"]["/api/v3/clinic/pages/{page_id}/comments/"]
        self.assertEqual(set(path), {"get", "post"})
        schemas = document["components"]["schemas"]
        self.assertEqual(
            set(schemas["ClinicComment"]["properties"]),
            ITEM_KEYS,
        )
        self.assertEqual(set(schemas["ClinicCommentReply"]["properties"]), REPLY_KEYS)
        body = path["post"]["requestBody"]["content"]["application/json"]["schema"]
        self.assertEqual(body["$ref"], "#/components/schemas/ClinicCommentSubmission")
        self.assertEqual(
            set(schemas["ClinicCommentSubmission"]["required"]),
            {"author_name", "email", "body"},
        )
        self.assertEqual(
            set(path["post"]["responses"]),
            {"201", "202", "400", "403", "404", "413", "415", "422", "429", "503"},
        )
        self.assertIn(
            "/api/v3/clinic/pages/{page_id}/comments/token/", document["paths"]
        )
