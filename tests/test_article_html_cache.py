"""The article HTML cache (``serialisation.fragments``, ``{% clinic_cached_fragment %}``).

The reference-like article (every block, a hero image, a reviewer, chosen
massage types and clinic, the default clinic) against a plain page holding
its text with the same links, at the same depth of the tree: a warm article
costs what the plain page costs; the HTML is the same with and without the
cache; what makes the API values stale makes the HTML stale; nothing is
cached for signed-in users, previews, drafts, private pages.
"""

import re

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from tests.comment_utils import allow_site_comments
from tests.testapp.models import PlainArticlePage
from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
    page_link,
    set_default_clinic,
)
from wagtail_clinic.serialisation import fragments
from wagtail_clinic.serialisation.cache import exclude_from_cache
from wagtail_clinic.structured_data.mixins import load_shown_objects


WARM = override_settings(WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE": True})
OFF = override_settings(WAGTAIL_CLINIC={"API_REPRESENTATION_CACHE": False})
#: A cold article (cache cleared: Wagtail's site root paths and renditions
#: too), measured on SQLite: Wagtail's page lookup, the clinic settings and
#: comments, the body's chosen pages, images and renditions, its rich text
#: links, the hero image and reviewer (one query), the default clinic's hours;
#: the breadcrumb trail reuses the pages routing passed through. Not the
#: issue's goal of 10: Wagtail's page lookup (the article itself in one query
#: by its index page) and the comments alone cost 8-9. With translations on, two more per request: Wagtail's routing looks
#: up the active locale, and the hreflang links load the page's translations.
COLD_ARTICLE_BUDGET = 17 + 2


def _per_request_tokens_removed(html):
    """The HTML without the comment form's CSRF and form tokens."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="token" value="[^"]*"', "", html)


@WARM
class ArticleHTMLTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.site = Site.objects.get(is_default_site=True)
        cls.chosen_clinic = make_clinic(name="Chosen Clinic")
        cls.default_clinic = make_clinic(name="Default Clinic")
        set_default_clinic(cls.site, cls.default_clinic)
        # Comments are off by default: this site and the article take them.
        allow_site_comments(cls.site)
        index = make_condition_index(cls.home, slug="conditions")
        massage_index = make_massage_type_index(cls.home, slug="massage-types")
        cls.deep = make_massage_type(
            massage_index,
            title="Deep tissue massage",
            slug="deep-tissue",
            image=make_image(title="Deep tissue"),
        )
        cls.sports = make_massage_type(
            massage_index,
            title="Sports massage",
            slug="sports",
            image=make_image(title="Sports"),
        )
        cls.hero = make_image(title="Hero")
        cls.reviewer = make_therapist(name="Dana Lee")
        body = article_body(
            image=make_image(title="A lower back"),
            clinic=cls.chosen_clinic,
            massage_types=[cls.deep, cls.sports],
            link_page=cls.deep,
            paragraphs=3,
        )
        cls.article = make_condition_page(
            index,
            body=body,
            slug="back-pain",
            hero_image=cls.hero,
            hero_image_alt="A massage",
            reviewed_by=cls.reviewer,
            comments_enabled=True,
        )
        # The plain page: the article's text (with its links) in one
        # RichTextField, beside the article (the same page lookup).
        text = "".join(
            f"<p>Massage eases back pain; read about {page_link(cls.deep)} ({n}).</p>"
            for n in range(1, 4)
        )
        cls.plain = index.add_child(
            instance=PlainArticlePage(title="Plain", slug="plain", body=text)
        )

    def setUp(self):
        cache.clear()

    def reload(self, page):
        return type(page).objects.get(pk=page.pk)

    def html(self, page=None, client=None, **extra):
        response = (client or self.client).get((page or self.article).url, **extra)
        self.assertEqual(response.status_code, 200)
        return _per_request_tokens_removed(response.content.decode())

    def count(self, page, **extra):
        with CaptureQueriesContext(connection) as queries:
            self.html(page, **extra)
        return len(queries)

    def warm(self, page=None):
        self.html(page)
        self.html(page)

    def change(self, func, *args, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return func(*args, **kwargs)

    def publish(self, page, **changes):
        page = self.reload(page)
        for name, value in changes.items():
            setattr(page, name, value)
        self.change(lambda: page.save_revision().publish())


class TestQueryBudgets(ArticleHTMLTestCase):
    def test_a_warm_article_costs_what_the_plain_page_costs(self):
        self.warm(self.plain)
        self.warm()
        plain = self.count(self.plain)
        article = self.count(self.article)
        # Not more: the plain page's links are Wagtail's, which with
        # translations on look up the active locale once per link
        # (``page.localized``); the article's are batched.
        self.assertLessEqual(article, plain)

    def test_a_cold_article(self):
        self.warm()
        cache.clear()
        self.assertLessEqual(self.count(self.article), COLD_ARTICLE_BUDGET)

    def test_the_cache_saves_the_body_and_structured_data_queries(self):
        self.warm()
        with OFF:
            self.html()
            uncached = self.count(self.article)
        # The body's objects, renditions, links and the clinic's hours.
        self.assertLessEqual(self.count(self.article), uncached - 7)


class TestSameHTML(ArticleHTMLTestCase):
    def test_cached_and_uncached_html_are_identical(self):
        with OFF:
            self.html()
            uncached = self.html()
        first = self.html()
        cached = self.html()
        self.assertEqual(first, uncached)
        self.assertEqual(cached, uncached)
        self.assertIn("Deep tissue massage", cached)
        self.assertIn("application/ld+json", cached)
        self.assertIn('property="og:image"', cached)
        self.assertIn("On this page", cached)
        self.assertIn("Medically reviewed by Dana Lee", cached)

    def test_the_massage_type_page(self):
        with OFF:
            uncached = self.html(self.deep)
        self.html(self.deep)
        self.assertEqual(self.html(self.deep), uncached)

    def test_the_comment_form_is_rendered_per_request(self):
        self.warm()
        self.assertNotIn("awaiting moderation", self.html())
        self.assertIn("awaiting moderation", self.html(data={"comment": "pending"}))
        first = self.client.get(self.article.url).content.decode()
        second = self.client.get(self.article.url).content.decode()
        token = re.compile(r'name="token" value="([^"]*)"')
        self.assertTrue(token.search(first))
        self.assertNotEqual(token.search(first)[1], "")
        self.assertIn('id="respond"', second)


class TestInvalidation(ArticleHTMLTestCase):
    def assert_shows_after(self, change, text, page=None):
        self.warm(page)
        self.assertNotIn(text, self.html(page))
        change()
        self.assertIn(text, self.html(page))

    def test_publishing_the_article(self):
        self.assert_shows_after(
            lambda: self.publish(self.article, intro="A new lede for back pain."),
            "A new lede for back pain.",
        )

    def test_publishing_a_chosen_massage_type(self):
        self.assert_shows_after(
            lambda: self.publish(self.deep, title="Deep tissue massage, renamed"),
            "Deep tissue massage, renamed",
        )

    def test_changing_the_reviewer(self):
        def rename():
            self.reviewer.name = "Dana Lee-Smith"
            self.change(self.reviewer.save)

        self.assert_shows_after(rename, "Medically reviewed by Dana Lee-Smith")

    def test_changing_the_hero_image(self):
        def rename():
            self.hero.title = "Renamed hero"
            self.change(self.hero.save)
            self.change(lambda: self.hero.renditions.all().delete())

        self.warm()
        before = self.html()
        rename()
        after = self.html()
        with OFF:
            self.assertEqual(after, self.html())
        self.assertTrue(before)

    def test_changing_a_clinic(self):
        def rename():
            self.chosen_clinic.name = "Renamed Clinic"
            self.change(self.chosen_clinic.save)

        self.assert_shows_after(rename, "Renamed Clinic")

    def test_changing_the_default_clinic(self):
        def rename():
            self.default_clinic.name = "Renamed Default Clinic"
            self.change(self.default_clinic.save)

        self.assert_shows_after(rename, "Renamed Default Clinic")


class TestNeverCached(ArticleHTMLTestCase):
    def assert_not_cached(self, **extra):
        """Two requests read nothing from and write nothing to the cache."""
        self.html(**extra)
        with CaptureQueriesContext(connection) as queries:
            self.html(**extra)
        with OFF:
            self.html(**extra)
            with CaptureQueriesContext(connection) as uncached:
                self.html(**extra)
        self.assertEqual(len(queries), len(uncached))

    def test_for_a_signed_in_editor(self):
        editor = get_user_model().objects.create_superuser("editor", "e@x.test", "pw")
        self.client.force_login(editor)
        self.assert_not_cached()
        html = self.client.get(self.article.url).content.decode()
        self.assertIn("csrfmiddlewaretoken", html)

    def test_the_session_is_not_read(self):
        self.warm()
        cached = self.client.get(self.article.url)
        with OFF:
            uncached = self.client.get(self.article.url)
        self.assertEqual(cached.get("Vary"), uncached.get("Vary"))
        self.assertEqual(cached.cookies.keys(), uncached.cookies.keys())

    def test_a_request_with_a_session_cookie(self):
        self.client.cookies["sessionid"] = "x"
        self.assert_not_cached()

    def test_a_private_page(self):
        PageViewRestriction.objects.create(
            page=self.article,
            restriction_type=PageViewRestriction.PASSWORD,
            password="secret",
        )
        response = self.client.post(
            f"/_util/authenticate_with_password/"
            f"{PageViewRestriction.objects.get().pk}/{self.article.pk}/",
            {"password": "secret", "return_url": self.article.url},
        )
        self.assertEqual(response.status_code, 302)
        self.assert_not_cached()

    def test_a_draft_is_not_served_from_the_cache(self):
        self.warm()
        page = self.reload(self.article)
        page.intro = "A draft lede."
        self.change(page.save_revision)
        self.assertNotIn("A draft lede.", self.html())

    def test_preview_and_excluded_pages(self):
        page = self.reload(self.article)
        self.assertFalse(
            fragments.PageFragments(exclude_from_cache(page), _request()).active
        )
        request = _request()
        request.is_preview = True
        self.assertFalse(fragments.PageFragments(self.reload(page), request).active)
        self.assertTrue(fragments.PageFragments(self.reload(page), _request()).active)

    def test_a_preview_shows_the_draft_and_stores_nothing(self):
        self.warm()
        page = self.reload(self.article)
        page.intro = "A previewed lede."
        page.title = "A previewed title"
        preview = page.make_preview_request()
        preview.render()
        self.assertIn("A previewed lede.", preview.content.decode())
        self.assertIn("A previewed title", preview.content.decode())
        html = self.html()
        self.assertNotIn("A previewed lede.", html)
        self.assertNotIn("A previewed title", html)


class TestShownObjects(ArticleHTMLTestCase):
    def test_hero_image_and_reviewer_in_one_query(self):
        page = self.reload(self.article)
        with self.assertNumQueries(1):
            load_shown_objects(page)
            self.assertEqual(page.hero_image, self.hero)
            self.assertEqual(page.reviewed_by, self.reviewer)

    def test_a_key_changed_in_memory_is_kept(self):
        other = make_image(title="Other hero")
        page = self.reload(self.article)
        page.hero_image_id = other.pk
        load_shown_objects(page)
        self.assertEqual(page.hero_image, other)
        self.assertEqual(page.reviewed_by, self.reviewer)


class TestVariants(ArticleHTMLTestCase):
    @override_settings(ALLOWED_HOSTS=["*"])
    def test_per_site(self):
        other = Site.objects.create(
            hostname="other.test", port=80, root_page=self.home, site_name="Other"
        )
        self.warm()
        self.html(HTTP_HOST="other.test")
        html = self.html(HTTP_HOST="other.test")
        self.assertIn("http://other.test/", html)
        self.assertIn("| Other</title>", html)
        self.assertNotIn("http://other.test/", self.html())
        with OFF:
            self.assertEqual(self.html(HTTP_HOST="other.test"), html)
        self.assertTrue(other.pk)

    def test_per_language(self):
        self.warm()
        english = self.html()
        french = self.html(HTTP_ACCEPT_LANGUAGE="fr")
        self.assertIn('lang="en', english)
        with OFF:
            self.assertEqual(self.html(HTTP_ACCEPT_LANGUAGE="fr"), french)


def _request():
    return RequestFactory().get("/")
