"""The stored conditions summaries: what massage types show of the conditions.

``ConditionsSummary`` keeps, per massage type, how many live, public
conditions of its site and locale it helps and the first few by title, and
per massage type index the conditions its filter offers, so that listings
read a row instead of counting every article. These tests change content
the ways editors do (publish, unpublish, move, delete, restrict, choose)
and check the summary follows, that the refresh waits for the commit and a
task with a queueing backend, and that a summary the task has not caught up
with never shows what a visitor may not see.
"""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks import task_backends
from wagtail.models import Page, PageViewRestriction, Site

from tests.utils import (
    choose_massage_types,
    make_condition_index,
    make_condition_page,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.models import ConditionPage, MassageTypePage
from wagtail_clinic.models.condition_summary import (
    EMBEDDED_CONDITIONS,
    ConditionsSummary,
    refresh_conditions_summaries,
)


API = "/api/v3/clinic"
DUMMY_TASKS = "django_tasks.backends.dummy.DummyBackend"


def stored(page):
    """``(count, [titles])`` of ``page``'s stored summary."""
    summary = ConditionsSummary.objects.get(page=page)
    titles = dict(
        Page.objects.filter(pk__in=summary.condition_ids).values_list("pk", "title")
    )
    return summary.count, [titles[pk] for pk in summary.condition_ids]


class SummaryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.conditions_index = make_condition_index(cls.home, slug="conditions")
        cls.massage_index = make_massage_type_index(cls.home, slug="massage-types")
        cls.sports = make_massage_type(cls.massage_index, title="Sports", slug="sports")
        cls.deep = make_massage_type(cls.massage_index, title="Deep", slug="deep")
        cls.articles = [
            make_condition_page(
                cls.conditions_index, title=f"Ache {n}", slug=f"ache-{n}"
            )
            for n in (3, 1, 4, 2, 0, 5)
        ]
        for article in cls.articles:
            choose_massage_types(article, [cls.sports])
        choose_massage_types(cls.articles[0], [cls.sports, cls.deep])
        # Counted when first shown; kept up to date from then on.
        ConditionsSummary.of([cls.sports, cls.deep, cls.massage_index])

    def article(self, n):
        """Article "Ache n" as stored (with the body that chose its massage types)."""
        return ConditionPage.objects.get(slug=f"ache-{n}")

    def publish(self, page):
        page.save_revision().publish()


class TestWhatIsCounted(SummaryTestCase):
    def test_a_massage_type_counts_its_conditions_and_keeps_the_first_by_title(self):
        self.assertEqual(
            stored(self.sports),
            (6, [f"Ache {n}" for n in range(EMBEDDED_CONDITIONS)]),
        )
        self.assertEqual(stored(self.deep), (1, ["Ache 3"]))

    def test_drafts_private_pages_and_other_sites_are_not_counted(self):
        draft = make_condition_page(
            self.conditions_index, title="A draft", slug="a-draft", live=False
        )
        private = make_condition_page(
            self.conditions_index, title="A secret", slug="secret"
        )
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.LOGIN
        )
        other_home = self.home.get_parent().add_child(
            instance=Page(title="Other clinic", slug="other-clinic")
        )
        Site.objects.create(hostname="other.example", root_page=other_home)
        elsewhere = make_condition_page(
            make_condition_index(other_home, slug="conditions"),
            title="Abroad",
            slug="abroad",
        )
        for article in (draft, private, elsewhere):
            choose_massage_types(article, [self.deep])
        self.assertEqual(stored(self.deep), (1, ["Ache 3"]))

    def test_the_index_offers_the_conditions_most_massage_types_help(self):
        self.assertEqual(stored(self.massage_index)[1][:2], ["Ache 3", "Ache 0"])
        self.assertEqual(
            [c.title for c in self.massage_index.get_condition_choices(limit=2)],
            ["Ache 0", "Ache 3"],
        )

    def test_a_missing_summary_is_computed_when_first_shown(self):
        ConditionsSummary.objects.all().delete()
        items = self.client.get(f"{API}/massage-types/").json()["items"]
        card = next(item for item in items if item["id"] == self.sports.pk)
        self.assertEqual(card["conditions_count"], 6)
        self.assertEqual(stored(self.sports)[0], 6)
        self.client.get("/massage-types/")
        self.assertEqual(stored(self.massage_index)[0], 6)


class TestWhenItIsRefreshed(SummaryTestCase):
    def test_publishing_a_new_title_reorders_the_first_conditions(self):
        article = self.article(5)
        article.title = "A new first"
        self.publish(article)
        self.assertEqual(stored(self.sports)[1][:2], ["A new first", "Ache 0"])

    def test_unpublishing_and_publishing_again(self):
        self.article(0).unpublish()
        self.assertEqual(stored(self.sports), (5, [f"Ache {n}" for n in range(1, 6)]))
        self.publish(self.article(0))
        self.assertEqual(stored(self.sports)[0], 6)

    def test_an_article_choosing_or_leaving_a_massage_type(self):
        choose_massage_types(self.article(5), [self.deep])
        self.assertEqual(stored(self.deep), (2, ["Ache 3", "Ache 5"]))
        article = self.article(3)
        article.body = []
        article.save()
        self.assertEqual(stored(self.deep), (1, ["Ache 5"]))
        self.assertEqual(stored(self.sports)[0], 5)

    def test_deleting_an_article_or_a_massage_type(self):
        self.article(0).delete()
        self.assertEqual(stored(self.sports)[0], 5)
        self.assertEqual(stored(self.massage_index)[0], 5)
        self.deep.delete()
        self.assertFalse(
            ConditionsSummary.objects.filter(page_id=self.deep.pk).exists()
        )

    def test_deleting_a_whole_section_leaves_no_summary_behind(self):
        # Wagtail unpublishes every page it deletes, inside the deletion:
        # the refresh that triggers must not recreate what is being deleted.
        self.home.delete()
        self.assertFalse(ConditionsSummary.objects.exists())
        connection.check_constraints()

    def test_a_new_massage_type_is_counted_when_first_shown(self):
        hot = make_massage_type(self.massage_index, title="Hot", slug="hot")
        choose_massage_types(self.article(2), [hot])
        self.assertFalse(ConditionsSummary.objects.filter(page=hot).exists())
        items = self.client.get(f"{API}/massage-types/").json()["items"]
        card = next(item for item in items if item["id"] == hot.pk)
        self.assertEqual(
            (card["conditions_count"], [c["title"] for c in card["conditions"]]),
            (1, ["Ache 2"]),
        )
        self.assertEqual(stored(hot), (1, ["Ache 2"]))

    def test_moving_articles_out_of_the_site_and_back(self):
        elsewhere = self.home.get_parent().add_child(
            instance=Page(title="Not a site", slug="not-a-site")
        )
        self.conditions_index.move(elsewhere, pos="last-child")
        self.assertEqual(stored(self.sports), (0, []))
        self.assertEqual(stored(self.massage_index), (0, []))
        self.conditions_index.refresh_from_db()
        self.conditions_index.move(self.home, pos="last-child")
        self.assertEqual(stored(self.sports)[0], 6)

    def test_view_restrictions_added_and_removed(self):
        restriction = PageViewRestriction.objects.create(
            page=self.conditions_index, restriction_type=PageViewRestriction.LOGIN
        )
        self.assertEqual(stored(self.sports), (0, []))
        restriction.delete()
        self.assertEqual(stored(self.sports)[0], 6)

    def test_a_site_moved_to_another_root(self):
        site = Site.objects.get(root_page=self.home)
        site.root_page = self.massage_index
        site.save()
        self.assertEqual(stored(self.sports), (0, []))

    def test_conditions_set_through_the_relation(self):
        self.deep.conditions.add(self.article(1))
        self.assertEqual(stored(self.deep), (2, ["Ache 1", "Ache 3"]))

    def test_an_unchanged_summary_is_not_written_again(self):
        before = ConditionsSummary.objects.get(page=self.sports).refreshed_at
        refresh_conditions_summaries.call([self.sports.pk])
        after = ConditionsSummary.objects.get(page=self.sports).refreshed_at
        self.assertEqual(before, after)


@override_settings(TASKS={"default": {"BACKEND": DUMMY_TASKS}})
class TestWithAQueue(SummaryTestCase):
    """With a backend that queues, the refresh waits for the commit and a
    worker; meanwhile a listing still shows only what visitors may see."""

    def scheduled(self, backend):
        return [
            result.args
            for result in backend.results
            if result.task.name == "refresh_conditions_summaries"
        ]

    def test_the_refresh_is_enqueued_on_commit_with_the_massage_types(self):
        backend = task_backends["default"]
        backend.clear()
        with self.captureOnCommitCallbacks() as callbacks:
            self.article(3).unpublish()
        self.assertEqual(self.scheduled(backend), [], "nothing before the commit")
        for callback in callbacks:
            callback()
        scheduled = self.scheduled(backend)
        self.assertEqual(scheduled, [[sorted([self.sports.pk, self.deep.pk])]])
        self.assertEqual(stored(self.deep), (1, ["Ache 3"]), "not refreshed yet")

        items = self.client.get(f"{API}/massage-types/").json()["items"]
        card = next(item for item in items if item["id"] == self.deep.pk)
        self.assertEqual(card["conditions"], [], "an unpublished page is never shown")

        refresh_conditions_summaries.call(*scheduled[0])
        self.assertEqual(stored(self.deep), (0, []))
        self.assertEqual(stored(self.massage_index)[0], 5)


class TestReadingIsCheap(SummaryTestCase):
    def test_listings_never_read_the_conditions_table(self):
        table = MassageTypePage.conditions.through._meta.db_table
        for url in (f"{API}/massage-types/", "/massage-types/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200)
                self.assertFalse([q["sql"] for q in queries if table in q["sql"]])
