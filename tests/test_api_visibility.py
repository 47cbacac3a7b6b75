"""Anonymous API clients see live, public pages of the requested site only.

Every page API the package ships or mounts is checked against every hidden
state: Wagtail's v2 pages (list, ``fields=*``, detail), v3 pages (list,
detail, ``find``) and the clinic's own endpoints (detail by id and by path,
both listings). Hidden pages carry "SECRET" in their titles (and the newer
draft of a live page in its body too), so a leak anywhere in a response
body fails the test, not only a leaked id.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import TestCase, override_settings
from wagtail.models import APIToken, Page, PageViewRestriction, Site

from tests.settings import MIDDLEWARE
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)


API = "/api/v3/clinic"
SECRET = b"SECRET"
OTHER_HOST = "127.0.0.1"


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def restrict(page, restriction_type, **kwargs):
    groups = kwargs.pop("groups", ())
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, **kwargs
    )
    restriction.groups.set(groups)
    return restriction


class VisibilityTreeMixin:
    """Pages in every state, on the default site and on a second site.

    Attributes ending in ``hidden`` lists are the pages no anonymous client
    of the default site may see.
    """

    @classmethod
    def setUpTestData(cls):
        root, cls.home = make_site_tree()
        index = make_condition_index(cls.home, slug="conditions")
        cls.public = make_condition_page(
            index, title="Public condition", slug="public", body=[paragraph("Hello")]
        )
        cls.with_draft = make_condition_page(
            index, title="Live title", slug="with-draft", body=[paragraph("Live words")]
        )
        draft = Page.objects.get(pk=cls.with_draft.pk).specific
        draft.title = "Draft title SECRET"
        draft.body = [paragraph("Draft words SECRET")]
        draft.save_revision()

        cls.draft_only = make_condition_page(
            index, title="Draft only SECRET", slug="draft-only", live=False
        )
        cls.draft_only.save_revision()
        cls.unpublished = make_condition_page(
            index, title="Unpublished SECRET", slug="unpublished"
        )
        cls.unpublished.unpublish()
        cls.password = make_condition_page(
            index, title="Password SECRET", slug="password"
        )
        restrict(cls.password, PageViewRestriction.PASSWORD, password="open-sesame")
        cls.login = make_condition_page(index, title="Login SECRET", slug="login")
        restrict(cls.login, PageViewRestriction.LOGIN)
        cls.groups = make_condition_page(index, title="Groups SECRET", slug="groups")
        restrict(
            cls.groups,
            PageViewRestriction.GROUPS,
            groups=[Group.objects.create(name="Patients")],
        )
        members = make_condition_index(
            cls.home, title="Members area SECRET", slug="members"
        )
        restrict(members, PageViewRestriction.LOGIN)
        cls.members_only = make_condition_page(
            members, title="Members only SECRET", slug="members-only"
        )

        other_home = root.add_child(
            instance=Page(title="Other home SECRET", slug="other-home")
        )
        Site.objects.create(hostname=OTHER_HOST, port=80, root_page=other_home)
        other_index = make_condition_index(
            other_home, title="Other SECRET", slug="conditions"
        )
        cls.other_site = make_condition_page(
            other_index, title="Other site SECRET", slug="elsewhere"
        )
        # Same path as the default site's public page.
        cls.other_twin = make_condition_page(
            other_index, title="Other twin SECRET", slug="public"
        )

        conditions = [
            cls.public,
            cls.with_draft,
            cls.draft_only,
            cls.unpublished,
            cls.password,
            cls.login,
            cls.groups,
            cls.members_only,
            cls.other_site,
        ]
        massage_index = make_massage_type_index(cls.home, slug="massage-types")
        # The "conditions it helps" rows are set directly (as articles
        # choosing them would): the articles' bodies stay as they are.
        cls.massage = make_massage_type(massage_index, title="Visible massage")
        cls.massage.conditions.set(conditions)
        cls.draft_massage = make_massage_type(
            massage_index,
            title="Draft massage SECRET",
            slug="draft-massage",
            live=False,
        )
        cls.draft_massage.conditions.set([cls.public])
        cls.private_massage = make_massage_type(
            massage_index,
            title="Private massage SECRET",
            slug="private-massage",
        )
        cls.private_massage.conditions.set([cls.public])
        restrict(cls.private_massage, PageViewRestriction.PASSWORD, password="x")
        cls.other_massage = make_massage_type(
            make_massage_type_index(other_home, slug="massage-types"),
            title="Other massage SECRET",
        )
        cls.other_massage.conditions.set([cls.other_site])

        cls.hidden = [
            cls.draft_only,
            cls.unpublished,
            cls.password,
            cls.login,
            cls.groups,
            members,
            cls.members_only,
            cls.other_site,
            cls.other_twin,
            cls.draft_massage,
            cls.private_massage,
            cls.other_massage,
        ]
        cls.visible = [cls.home, cls.public, cls.with_draft, cls.massage]
        cls.other_home = other_home

    # Helpers

    def listing_urls(self):
        return [
            "/api/v2/pages/?limit=50",
            "/api/v2/pages/?limit=50&fields=*",
            "/api/v2/pages/?type=wagtail_clinic.ConditionPage&fields=*&limit=50",
            "/api/v2/pages/?type=wagtail_clinic.MassageTypePage&fields=*&limit=50",
            "/api/v3/pages/?limit=50",
            "/api/v3/pages/?type=wagtail_clinic.ConditionPage&limit=50",
            f"{API}/conditions/?limit=50",
            f"{API}/massage-types/?limit=50",
        ]

    def detail_urls(self, page):
        urls = [
            f"/api/v2/pages/{page.pk}/",
            f"/api/v2/pages/{page.pk}/?fields=*",
            f"/api/v3/pages/{page.pk}/",
            f"/api/v3/pages/{page.pk}/?version=draft",
            f"/api/v3/pages/find/?id={page.pk}",
            f"{API}/pages/{page.pk}/",
            f"{API}/pages/{page.pk}/?version=draft",
        ]
        if page.pk != self.other_twin.pk:  # Its path is the public page's.
            # The path within the page's own site: drop the site root's slug.
            path = "/" + page.url_path.split("/", 2)[2]
            urls += [
                f"/api/v3/pages/find/?html_path={path}",
                f"{API}/pages/by-path/?path={path}",
            ]
        return urls

    @staticmethod
    def listed_ids(response):
        data = response.json()
        return {item["id"] for item in data.get("items", [])}

    def assert_no_secret(self, response, url):
        self.assertNotIn(
            SECRET, response.content, f"{url} leaked: {response.content[:500]}"
        )


class TestAnonymousVisibility(VisibilityTreeMixin, TestCase):
    def test_listings_exclude_hidden_pages(self):
        hidden_ids = {page.pk for page in self.hidden}
        for url in self.listing_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_no_secret(response, url)
                self.assertFalse(self.listed_ids(response) & hidden_ids)

    def test_listings_include_visible_pages(self):
        # So that the exclusions above are not vacuous.
        expected = {
            f"{API}/conditions/?limit=50": {self.public.pk, self.with_draft.pk},
            f"{API}/massage-types/?limit=50": {self.massage.pk},
            "/api/v3/pages/?limit=50": {page.pk for page in self.visible},
            "/api/v2/pages/?limit=50": {page.pk for page in self.visible},
        }
        for url, ids in expected.items():
            with self.subTest(url=url):
                self.assertLessEqual(ids, self.listed_ids(self.client.get(url)))

    def test_massage_type_cards_list_only_visible_conditions(self):
        response = self.client.get(f"{API}/massage-types/")
        [card] = response.json()["items"]
        self.assertEqual(
            [condition["id"] for condition in card["conditions"]],
            [self.with_draft.pk, self.public.pk],  # "Live title", "Public condition"
        )

    def test_hidden_pages_are_404_everywhere(self):
        for page in self.hidden:
            for url in self.detail_urls(page):
                with self.subTest(page=page.slug, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 404, response.content[:300])
                    self.assert_no_secret(response, url)

    def test_visible_pages_are_200_everywhere(self):
        for page in self.visible:
            for url in self.detail_urls(page):
                with self.subTest(page=page.slug, url=url):
                    response = self.client.get(url, follow=True)
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.json()["id"], page.pk)
                    # Nor what they embed: a massage type's conditions.
                    self.assert_no_secret(response, url)

    def test_a_live_page_with_a_newer_draft_shows_the_live_content(self):
        for url in [*self.detail_urls(self.with_draft), *self.listing_urls()]:
            with self.subTest(url=url):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assert_no_secret(response, url)
        detail = self.client.get(f"{API}/pages/{self.with_draft.pk}/").json()
        self.assertEqual(detail["title"], "Live title")
        self.assertIn("Live words", str(detail["body"]))

    def test_filters_cannot_reach_hidden_pages(self):
        for page in (self.draft_massage, self.private_massage, self.other_massage):
            with self.subTest(massage_type=page.slug):
                response = self.client.get(f"{API}/conditions/?massage_type={page.pk}")
                self.assertEqual(response.status_code, 422)
                self.assert_no_secret(response, page.slug)
        for page in (self.draft_only, self.password, self.other_site):
            for value in (page.pk, page.slug):
                with self.subTest(condition=value):
                    response = self.client.get(
                        f"{API}/massage-types/?condition={value}"
                    )
                    self.assertEqual(response.status_code, 422)
                    self.assert_no_secret(response, value)

    def test_a_page_of_the_same_path_on_another_site_is_not_found(self):
        response = self.client.get(f"{API}/pages/by-path/?path=/conditions/public/")
        self.assertEqual(response.json()["id"], self.public.pk)
        self.assert_no_secret(response, "by-path")

    def test_another_sites_root_is_404(self):
        for url in (
            f"/api/v2/pages/{self.other_home.pk}/",
            f"/api/v3/pages/{self.other_home.pk}/",
            f"/api/v3/pages/find/?id={self.other_home.pk}",
            f"{API}/pages/{self.other_home.pk}/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)


class TestOtherSite(VisibilityTreeMixin, TestCase):
    """The second site sees its own pages and none of the default site's."""

    def get(self, url):
        return self.client.get(url, HTTP_HOST=OTHER_HOST)

    def test_listings_and_details_are_scoped_to_the_requested_site(self):
        listing = self.get(f"{API}/conditions/")
        self.assertEqual(
            self.listed_ids(listing), {self.other_site.pk, self.other_twin.pk}
        )
        self.assertEqual(
            self.listed_ids(self.get(f"{API}/massage-types/")), {self.other_massage.pk}
        )
        by_path = self.get(f"{API}/pages/by-path/?path=/conditions/public/")
        self.assertEqual(by_path.json()["id"], self.other_twin.pk)
        self.assertEqual(
            self.get(f"{API}/pages/{self.other_site.pk}/").status_code, 200
        )
        for page in (self.public, self.with_draft, self.massage):
            with self.subTest(page=page.slug):
                self.assertEqual(self.get(f"{API}/pages/{page.pk}/").status_code, 404)

    def test_the_site_parameter_picks_the_site(self):
        response = self.client.get(f"{API}/conditions/", {"site": OTHER_HOST})
        self.assertEqual(
            self.listed_ids(response), {self.other_site.pk, self.other_twin.pk}
        )


class TestCredentialsDoNotWidenVisibility(VisibilityTreeMixin, TestCase):
    """A token or a session shows nothing more on the clinic's endpoints."""

    def setUp(self):
        self.editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.com", "password"
        )
        _, self.token = APIToken.create_token(user=self.editor, name="frontend")

    def clinic_urls(self):
        urls = [f"{API}/conditions/?limit=50", f"{API}/massage-types/?limit=50"]
        for page in self.hidden:
            urls += [f"{API}/pages/{page.pk}/", f"{API}/pages/{page.pk}/?version=draft"]
        return urls + [f"{API}/pages/{self.with_draft.pk}/?version=draft"]

    def assert_only_public(self, **headers):
        for url in self.clinic_urls():
            with self.subTest(url=url):
                response = self.client.get(url, **headers)
                self.assertIn(response.status_code, (200, 404))
                self.assert_no_secret(response, url)
                self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_bearer_token(self):
        # Sanity: the same token does see drafts through Wagtail's own v3 API.
        draft = self.client.get(
            f"/api/v3/pages/{self.with_draft.pk}/?version=draft",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )
        self.assertIn(SECRET, draft.content)
        self.assert_only_public(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def test_invalid_token(self):
        self.assert_only_public(HTTP_AUTHORIZATION="Bearer wagtail_nope")

    def test_logged_in_session(self):
        self.client.force_login(self.editor)
        self.assert_only_public()


CACHE_MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    *MIDDLEWARE,
    "django.middleware.cache.FetchFromCacheMiddleware",
]


class CacheSafetyMixin(VisibilityTreeMixin):
    """An anonymous request after a token request never gets the draft."""

    def setUp(self):
        cache.clear()
        editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.com", "password"
        )
        _, token = APIToken.create_token(user=editor, name="frontend")
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def urls(self):
        return [
            f"/api/v3/pages/{self.with_draft.pk}/?version=draft",
            f"/api/v3/pages/{self.draft_only.pk}/",
            f"/api/v3/pages/{self.draft_only.pk}/?version=draft",
            "/api/v3/pages/?limit=50",
            f"{API}/pages/{self.with_draft.pk}/?version=draft",
            f"{API}/pages/{self.draft_only.pk}/",
            f"{API}/conditions/?limit=50",
            f"{API}/massage-types/?limit=50",
        ]

    def test_anonymous_after_token(self):
        for url in self.urls():
            with self.subTest(url=url):
                self.client.get(url, **self.auth)
                for _ in range(2):
                    anonymous = self.client.get(url)
                    self.assertIn(anonymous.status_code, (200, 404))
                    self.assert_no_secret(anonymous, url)

    def test_anonymous_before_and_after_token(self):
        for url in self.urls():
            with self.subTest(url=url):
                self.client.get(url)
                self.client.get(url, **self.auth)
                self.assert_no_secret(self.client.get(url), url)


class TestCacheSafetyWithoutCache(CacheSafetyMixin, TestCase):
    pass


@override_settings(
    MIDDLEWARE=CACHE_MIDDLEWARE,
    CACHE_MIDDLEWARE_SECONDS=60,
    CACHE_MIDDLEWARE_KEY_PREFIX="visibility",
)
class TestCacheSafetyWithDjangoCacheMiddleware(CacheSafetyMixin, TestCase):
    def test_public_clinic_responses_are_cached(self):
        # Sanity: the middleware does cache, so the tests above mean something.
        url = f"{API}/conditions/?limit=50"
        first = self.client.get(url)
        with self.assertNumQueries(0):
            second = self.client.get(url)
        self.assertEqual(second.content, first.content)
