"""Edge-cache purging on page changes, and the deploy checks (docs/deploy.md).

``WAGTAILFRONTENDCACHE`` points Wagtail's ``HTTPBackend`` at a real HTTP
server on 127.0.0.1 started by the test, which records every PURGE request
(as Varnish would receive them). Wagtail's own frontend-cache receivers
(which purge a page's own URLs on publish and unpublish) are connected for
these tests only: ``wagtail.contrib.frontend_cache`` is not in the suite's
INSTALLED_APPS, so the rest of the suite publishes without its task.
"""

import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase, TestCase, override_settings
from wagtail.contrib.frontend_cache import signal_handlers
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    massage_types_section,
    page_link,
)
from wagtail_clinic.frontend_cache import checks as deploy_checks
from wagtail_clinic.frontend_cache.paths import page_change_urls


class PurgeReceiver:
    """An edge cache's purge endpoint: records ``(host, path)`` of each PURGE."""

    def __init__(self):
        self.purged = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 - the HTTP method's name.
                receiver.purged.append((self.headers["Host"], self.path))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self.thread.daemon = True
        self.thread.start()

    @property
    def location(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def paths(self):
        return {path for _host, path in self.purged}

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def connect_wagtail_receivers(testcase):
    """Connect ``wagtail.contrib.frontend_cache``'s receivers until cleanup."""
    signal_handlers.register_signal_handlers()

    def disconnect():
        for model in apps.get_models():
            if issubclass(model, Page):
                page_published.disconnect(
                    signal_handlers.page_published_signal_handler, sender=model
                )
                page_unpublished.disconnect(
                    signal_handlers.page_unpublished_signal_handler, sender=model
                )

    testcase.addCleanup(disconnect)


def api(page, path):
    """The API URLs of ``page`` at ``path`` (as purged)."""
    return {
        f"/api/v3/clinic/pages/{page.pk}/",
        f"/api/v3/pages/{page.pk}/",
        f"/api/v3/clinic/pages/by-path/?path={path}",
    }


class FrontendCacheTestCase(TestCase):
    """Two massage types, their index, an article listing one, a draft."""

    @classmethod
    def setUpTestData(cls):
        _root, cls.home = make_site_tree()
        cls.conditions = make_condition_index(cls.home, slug="conditions")
        cls.massage_index = make_massage_type_index(cls.home, slug="massage")
        cls.sports = make_massage_type(cls.massage_index, slug="sports")
        cls.shiatsu = make_massage_type(
            cls.massage_index, title="Shiatsu", slug="shiatsu"
        )
        cls.article = make_condition_page(
            cls.conditions,
            slug="back-pain",
            body=[massage_types_section([cls.sports])],
        )
        cls.draft = make_condition_page(
            cls.conditions,
            title="Neck pain",
            slug="neck-pain",
            live=False,
            body=[{"type": "paragraph", "value": f"<p>{page_link(cls.sports)}</p>"}],
        )

    def setUp(self):
        self.receiver = PurgeReceiver()
        self.addCleanup(self.receiver.close)
        edge = override_settings(
            WAGTAILFRONTENDCACHE={
                "varnish": {
                    "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                    "LOCATION": self.receiver.location,
                }
            }
        )
        edge.enable()
        self.addCleanup(edge.disable)
        connect_wagtail_receivers(self)

    def change(self, action):
        """Run ``action`` in a transaction; return the paths purged after it."""
        self.receiver.purged.clear()
        with self.captureOnCommitCallbacks(execute=True):
            action()
        return self.receiver.paths()

    def sports_shown(self):
        """Every URL that shows the sports massage's content."""
        return {
            "/massage/sports/",
            *api(self.sports, "/massage/sports/"),
            "/api/v3/clinic/massage-types/",
            "/massage/",
            *api(self.massage_index, "/massage/"),
            "/conditions/back-pain/",
            *api(self.article, "/conditions/back-pain/"),
            "/api/v3/clinic/conditions/",
        }


class TestPurgeOnChange(FrontendCacheTestCase):
    def test_publish_purges_the_page_and_every_page_that_shows_it(self):
        self.sports.title = "Sports massage therapy"
        purged = self.change(lambda: self.sports.save_revision().publish())

        self.assertLessEqual(self.sports_shown(), purged)
        # Nothing else: not the draft, not the other massage type.
        self.assertNotIn("/conditions/neck-pain/", purged)
        self.assertNotIn("/massage/shiatsu/", purged)
        self.assertTrue(all(host == "localhost" for host, _ in self.receiver.purged))

    def test_the_purge_waits_for_the_commit(self):
        self.receiver.purged.clear()
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.shiatsu.save_revision().publish()
        ours = self.receiver.paths()
        self.assertNotIn("/massage/", ours, "the index was purged before the commit")
        for callback in callbacks:
            callback()
        self.assertIn("/massage/", self.receiver.paths())

    def test_unpublish_purges_the_same_urls(self):
        purged = self.change(self.sports.unpublish)

        self.assertLessEqual(self.sports_shown() - {"/conditions/back-pain/"}, purged)
        self.assertIn("/massage/sports/", purged)

    def test_a_draft_purges_nothing(self):
        self.sports.title = "A draft title"
        purged = self.change(self.sports.save_revision)

        self.assertEqual(purged, set())

    def test_move_purges_the_old_and_the_new_urls(self):
        other_index = make_massage_type_index(self.home, title="More", slug="more")
        self.receiver.purged.clear()
        purged = self.change(lambda: self.shiatsu.move(other_index, "last-child"))

        self.assertLessEqual(
            {
                "/massage/shiatsu/",
                "/more/shiatsu/",
                "/massage/",
                "/more/",
                "/api/v3/clinic/pages/by-path/?path=/massage/shiatsu/",
                "/api/v3/clinic/pages/by-path/?path=/more/shiatsu/",
                f"/api/v3/clinic/pages/{self.shiatsu.pk}/",
            },
            purged,
        )

    def test_delete_purges_the_page_and_every_page_that_showed_it(self):
        purged = self.change(lambda: Page.objects.get(pk=self.sports.pk).delete())

        self.assertLessEqual(self.sports_shown(), purged)

    def test_deleting_a_draft_purges_nothing(self):
        purged = self.change(lambda: Page.objects.get(pk=self.draft.pk).delete())

        self.assertEqual(purged, set())

    def test_an_index_purges_each_page_of_its_listing_and_each_filter(self):
        back_pain = self.article
        self.sports.conditions.set([back_pain])
        self.sports.save_revision().publish()
        with override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 1}):
            purged = self.change(lambda: self.massage_index.save_revision().publish())

        self.assertLessEqual(
            {
                "/massage/",
                "/massage/?page=1",
                "/massage/?page=2",
                "/massage/?condition=back-pain",
            },
            purged,
        )

    def test_nothing_is_purged_without_an_edge_cache(self):
        with override_settings(WAGTAILFRONTENDCACHE=None):
            purged = self.change(lambda: self.sports.save_revision().publish())

        self.assertEqual(purged, set())

    def test_a_failing_purge_never_fails_the_publish(self):
        with (
            mock.patch(
                "wagtail_clinic.frontend_cache.signals.truncated_change_urls",
                side_effect=RuntimeError("boom"),
            ),
            self.assertLogs("wagtail_clinic.frontend_cache", "ERROR"),
        ):
            self.change(lambda: self.sports.save_revision().publish())

        self.sports.refresh_from_db()
        self.assertTrue(self.sports.live)

    def test_paths_reuse_the_webhooks_affected_pages(self):
        urls = page_change_urls(self.sports.specific, self.massage_index)

        self.assertIn("http://localhost/conditions/back-pain/", urls)
        self.assertNotIn("http://localhost/conditions/neck-pain/", urls)


class TestBoundedPurge(FrontendCacheTestCase):
    """Past WEBHOOK_MAX_PATHS pages: the first ones, the listings, a log line."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n in range(4):
            make_condition_page(
                cls.conditions,
                title=f"Article {n}",
                slug=f"article-{n}",
                body=[
                    {"type": "paragraph", "value": f"<p>{page_link(cls.sports)}</p>"}
                ],
            )

    def test_past_the_maximum_the_first_pages_and_the_listings(self):
        with (
            override_settings(WAGTAIL_CLINIC={"WEBHOOK_MAX_PATHS": 3}),
            self.assertLogs("wagtail_clinic.frontend_cache", "INFO") as logs,
        ):
            purged = self.change(lambda: self.sports.save_revision().publish())

        articles = {path for path in purged if path.startswith("/conditions/")}
        # The page (its HTML by Wagtail's receivers), its index and the first
        # article in tree order; then every listing of the site.
        self.assertEqual(articles, {"/conditions/back-pain/"})
        self.assertLessEqual(
            {
                "/massage/sports/",
                "/massage/",
                f"/api/v3/clinic/pages/{self.sports.pk}/shown-on/",
                "/api/v3/clinic/conditions/",
                "/api/v3/clinic/massage-types/",
            },
            purged,
        )
        [line] = logs.output
        self.assertIn(f"page {self.sports.pk} is shown on 7 pages", line)

    def test_at_the_maximum_every_page(self):
        with override_settings(WAGTAIL_CLINIC={"WEBHOOK_MAX_PATHS": 7}):
            purged = self.change(lambda: self.sports.save_revision().publish())

        for n in range(4):
            self.assertIn(f"/conditions/article-{n}/", purged)
        self.assertIn("/conditions/back-pain/", purged)


@override_settings(
    DEBUG=False,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": "5/hour"},
)
class TestDeployChecks(SimpleTestCase):
    def ids(self, messages):
        return [message.id for message in messages]

    def test_a_per_process_cache_under_the_rate_limits_is_a_warning(self):
        [warning] = deploy_checks.check_rate_limit_cache()
        self.assertEqual(warning.id, "wagtail_clinic.W401")
        self.assertIn("LocMemCache", warning.msg)
        self.assertIn("APPOINTMENT_RATE_LIMIT", warning.msg)

    def test_a_dummy_cache_is_a_warning_and_a_file_cache_an_info(self):
        dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        with override_settings(CACHES={"default": dummy}):
            self.assertEqual(
                self.ids(deploy_checks.check_rate_limit_cache()),
                ["wagtail_clinic.W401"],
            )
        files = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/nonexistent/wagtail-clinic-check-cache",
        }
        with override_settings(CACHES={"default": files}):
            self.assertEqual(
                self.ids(deploy_checks.check_rate_limit_cache()),
                ["wagtail_clinic.I401"],
            )

    def test_redis_or_limits_off_pass(self):
        redis = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",
        }
        with override_settings(CACHES={"default": redis}):
            self.assertEqual(deploy_checks.check_rate_limit_cache(), [])
        off = {"APPOINTMENT_RATE_LIMIT": None, "COMMENTS_RATE_LIMIT": None}
        with override_settings(WAGTAIL_CLINIC=off):
            self.assertEqual(deploy_checks.check_rate_limit_cache(), [])

    def test_the_plain_redis_cache_is_an_info(self):
        plain = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",
        }
        with override_settings(CACHES={"default": plain}):
            self.assertEqual(
                self.ids(deploy_checks.check_cache_outage()), ["wagtail_clinic.I402"]
            )
        tolerant = {**plain, "BACKEND": "wagtail_clinic.cache_backends.RedisCache"}
        with override_settings(CACHES={"default": tolerant}):
            self.assertEqual(deploy_checks.check_cache_outage(), [])
        self.assertEqual(deploy_checks.check_cache_outage(), [])  # LocMem: W401.

    def test_the_immediate_task_backend_without_debug_is_a_warning(self):
        immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        with override_settings(TASKS={"default": immediate}):
            [warning] = deploy_checks.check_task_backend()
            self.assertEqual(warning.id, "wagtail_clinic.W402")
            with override_settings(DEBUG=True):
                self.assertEqual(deploy_checks.check_task_backend(), [])
        worker = {"BACKEND": "django_tasks_db.DatabaseBackend"}
        with override_settings(TASKS={"default": worker}):
            self.assertEqual(deploy_checks.check_task_backend(), [])

    def test_an_edge_cache_without_wagtails_app_is_a_warning(self):
        edge = {
            "default": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": "http://127.0.0.1:6081",
            }
        }
        with override_settings(WAGTAILFRONTENDCACHE=edge):
            self.assertEqual(
                self.ids(deploy_checks.check_frontend_cache()), ["wagtail_clinic.W403"]
            )
            with self.installed_frontend_cache_app():
                self.assertEqual(deploy_checks.check_frontend_cache(), [])
        with self.installed_frontend_cache_app():
            self.assertEqual(
                self.ids(deploy_checks.check_frontend_cache()), ["wagtail_clinic.W404"]
            )
        self.assertEqual(deploy_checks.check_frontend_cache(), [])

    def installed_frontend_cache_app(self):
        is_installed = apps.is_installed
        return mock.patch.object(
            apps,
            "is_installed",
            lambda name: name == deploy_checks.FRONTEND_CACHE_APP or is_installed(name),
        )

    def test_check_deploy_names_the_problems(self):
        with self.assertRaises(SystemCheckError) as raised:
            call_command("check", "--deploy", "--fail-level", "WARNING")
        output = str(raised.exception)
        self.assertIn("wagtail_clinic.W401", output)
        self.assertIn("wagtail_clinic.W402", output)
