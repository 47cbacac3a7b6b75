"""Medical review: review dates, the report, the dashboard panel and the workflow task."""

import csv
import datetime
import io
import unittest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import (
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.test.utils import WagtailPageTestCase
from wagtail.workflows import get_task_types

from tests.testapp.models import HostConditionPage
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_site_tree,
    make_therapist,
)
from wagtail_clinic.models import ClinicalReviewTask, ConditionPage
from wagtail_clinic.review import (
    ReviewStatus,
    add_months,
    count_unsourced_facts,
    needs_review_q,
    review_status,
    status_q,
    unsourced_fact_counts,
)
from wagtail_clinic.review.views import MedicalReviewPanel, review_counts


TODAY = datetime.date.today()
User = get_user_model()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def key_fact(source_title="", source_url=""):
    return {
        "type": "key_fact",
        "value": {
            "value": "85%",
            "statement": "of adults get back pain.",
            "source_title": source_title,
            "source_url": source_url,
        },
    }


def page_permission(codename):
    return Permission.objects.get(
        content_type__app_label="wagtailcore", codename=codename
    )


def make_user(username, *, groups=(), superuser=False):
    user = User.objects.create_user(
        username=username, password="password", is_superuser=superuser
    )
    user.groups.set(groups)
    return user


def make_group(
    name, *, pages=(), codenames=("add_page", "change_page", "publish_page")
):
    """A group with admin access and the given permissions on ``pages``."""
    group = Group.objects.create(name=name)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    for page in pages:
        for codename in codenames:
            GroupPagePermission.objects.create(
                group=group, page=page, permission=page_permission(codename)
            )
    return group


# --- Review dates ------------------------------------------------------------------


class TestAddMonths(TestCase):
    def test_month_arithmetic(self):
        cases = [
            (datetime.date(2025, 1, 15), 12, datetime.date(2026, 1, 15)),
            (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
            (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
            (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
            (datetime.date(2025, 11, 30), 3, datetime.date(2026, 2, 28)),
            (datetime.date(2025, 3, 31), -1, datetime.date(2025, 2, 28)),
            (datetime.date(2025, 1, 10), -13, datetime.date(2023, 12, 10)),
            (datetime.date(2025, 6, 1), 0, datetime.date(2025, 6, 1)),
        ]
        for start, months, expected in cases:
            with self.subTest(start=start, months=months):
                self.assertEqual(add_months(start, months), expected)


class TestReviewDates(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)
        cls.reviewer = make_therapist()

    def make_page(self, **kwargs):
        kwargs.setdefault("reviewed_by", self.reviewer)
        kwargs.setdefault("slug", f"article-{ConditionPage.objects.count()}")
        return make_condition_page(self.index, **kwargs)

    def test_next_review_defaults_to_a_year_after_the_review(self):
        page = self.make_page(last_reviewed=datetime.date(2025, 1, 31))
        page.refresh_from_db()
        self.assertEqual(page.next_review_due, datetime.date(2026, 1, 31))

    @override_settings(WAGTAIL_CLINIC={"REVIEW_INTERVAL_MONTHS": 6})
    def test_the_interval_is_a_setting(self):
        page = self.make_page(last_reviewed=datetime.date(2025, 8, 31))
        self.assertEqual(page.next_review_due, datetime.date(2026, 2, 28))

    def test_a_date_the_editor_chose_is_kept(self):
        page = self.make_page(
            last_reviewed=datetime.date(2025, 1, 1),
            next_review_due=datetime.date(2025, 6, 1),
        )
        page.refresh_from_db()
        self.assertEqual(page.next_review_due, datetime.date(2025, 6, 1))

    def test_never_reviewed_has_no_due_date(self):
        page = self.make_page(reviewed_by=None)
        self.assertIsNone(page.next_review_due)
        self.assertEqual(page.review_status, ReviewStatus.NEVER_REVIEWED)

    def test_clean_fills_the_date_in_so_the_editor_sees_it(self):
        page = ConditionPage(
            title="x",
            condition_name="x",
            intro="x",
            reviewed_by=self.reviewer,
            last_reviewed=datetime.date(2025, 5, 5),
        )
        page.clean()
        self.assertEqual(page.next_review_due, datetime.date(2026, 5, 5))

    def test_save_with_update_fields_saves_the_filled_date(self):
        page = self.make_page()
        page.last_reviewed = datetime.date(2025, 2, 2)
        page.save(update_fields=["last_reviewed"])
        page.refresh_from_db()
        self.assertEqual(page.next_review_due, datetime.date(2026, 2, 2))

    def test_a_drafts_review_date_never_reaches_the_live_row(self):
        page = self.make_page(last_reviewed=None)
        self.assertIsNone(page.next_review_due)
        page.last_reviewed = datetime.date(2025, 2, 2)
        page.save_revision(clean=False)  # saves the row with bookkeeping fields
        live = ConditionPage.objects.get(pk=page.pk)
        self.assertIsNone(live.last_reviewed)
        self.assertIsNone(live.next_review_due)
        # Publishing the draft brings both dates.
        live.get_latest_revision().publish()
        live.refresh_from_db()
        self.assertEqual(live.next_review_due, datetime.date(2026, 2, 2))

    def test_admin_edit_fills_the_date_in(self):
        page = self.make_page()
        self.login()
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            {
                "title": page.title,
                "slug": page.slug,
                "condition_name": page.condition_name,
                "also_known_as": "",
                "intro": page.intro,
                "hero_image": "",
                "hero_image_alt": "",
                "body-count": "0",
                "reviewed_by": str(self.reviewer.pk),
                "last_reviewed": "2025-04-10",
                "next_review_due": "",
                "comments_enabled": "on",
                "seo_title": "",
                "search_description": "",
                "action-publish": "publish",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        page.refresh_from_db()
        self.assertEqual(page.next_review_due, datetime.date(2026, 4, 10))

    def test_host_subclass_gets_the_default_too(self):
        page = self.home.add_child(
            instance=HostConditionPage(
                title="Hip",
                slug="hip",
                condition_name="Hip pain",
                intro="Hips.",
                reviewed_by=self.reviewer,
                last_reviewed=datetime.date(2025, 3, 3),
            )
        )
        self.assertEqual(page.next_review_due, datetime.date(2026, 3, 3))

    def test_the_page_shows_the_review_dates(self):
        page = self.make_page(last_reviewed=datetime.date(2025, 1, 31))
        response = self.client.get(page.url)
        self.assertContains(response, "Medically reviewed by Dana Lee, RMT")
        self.assertContains(
            response,
            'Page last reviewed: <time datetime="2025-01-31">Jan. 31, 2025</time>',
            html=False,
        )
        self.assertContains(
            response,
            'Next review due: <time datetime="2026-01-31">Jan. 31, 2026</time>',
            html=False,
        )

    def test_review_status(self):
        cases = [
            ({"last_reviewed": None}, ReviewStatus.NEVER_REVIEWED),
            (
                {"last_reviewed": days(-400), "next_review_due": days(-1)},
                ReviewStatus.OVERDUE,
            ),
            (
                {"last_reviewed": days(-340), "next_review_due": TODAY},
                ReviewStatus.DUE_SOON,
            ),
            (
                {"last_reviewed": days(-340), "next_review_due": days(30)},
                ReviewStatus.DUE_SOON,
            ),
            (
                {"last_reviewed": days(-300), "next_review_due": days(31)},
                ReviewStatus.CURRENT,
            ),
            # Reviewed before the due date was filled in automatically.
            (
                {"last_reviewed": add_months(TODAY, -13), "next_review_due": None},
                ReviewStatus.OVERDUE,
            ),
            (
                {"last_reviewed": add_months(days(10), -12), "next_review_due": None},
                ReviewStatus.DUE_SOON,
            ),
        ]
        for fields, expected in cases:
            with self.subTest(fields=fields):
                page = ConditionPage(**fields)
                self.assertEqual(review_status(page), expected)
                # The queryset filter agrees with the Python check.
                saved = self.make_page(reviewed_by=None)
                ConditionPage.objects.filter(pk=saved.pk).update(**fields)
                statuses = [
                    status
                    for status in (
                        ReviewStatus.NEVER_REVIEWED,
                        ReviewStatus.OVERDUE,
                        ReviewStatus.DUE_SOON,
                        ReviewStatus.CURRENT,
                    )
                    if ConditionPage.objects.filter(status_q(status), pk=saved.pk)
                ]
                self.assertEqual(statuses, [expected])
                self.assertEqual(
                    ConditionPage.objects.filter(
                        needs_review_q(), pk=saved.pk
                    ).exists(),
                    expected != ReviewStatus.CURRENT,
                )


class TestUnsourcedFacts(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)

    def test_counts_key_facts_without_a_source(self):
        body = [
            key_fact(),
            key_fact(source_title="A survey"),
            key_fact(source_url="https://health.example/"),
            key_fact(),
            {"type": "quote", "value": {"text": "key_fact", "attribution": ""}},
        ]
        page = make_condition_page(self.index, body=body)
        self.assertEqual(count_unsourced_facts(page.body), 2)
        sourced = make_condition_page(
            self.index, slug="sourced", body=[key_fact(source_title="A survey")]
        )
        mentions = make_condition_page(
            self.index,
            slug="mentions",
            body=[{"type": "quote", "value": {"text": "key_fact", "attribution": ""}}],
        )
        with self.assertNumQueries(1):
            counts = unsourced_fact_counts(ConditionPage.objects.all())
        self.assertEqual(counts, {page.pk: 2})
        self.assertNotIn(sourced.pk, counts)
        self.assertNotIn(mentions.pk, counts)


# --- The report and the dashboard panel --------------------------------------------


class ReportTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)
        cls.other_index = make_condition_index(
            cls.home, title="Other conditions", slug="other"
        )
        cls.reviewer = make_therapist(name="Sam Reviewer", credentials="PT")

        def article(title, parent=None, **kwargs):
            kwargs.setdefault("reviewed_by", cls.reviewer)
            return make_condition_page(parent or cls.index, title=title, **kwargs)

        cls.overdue = article(
            "Overdue article", last_reviewed=days(-400), next_review_due=days(-5)
        )
        cls.due_soon = article(
            "Due soon article", last_reviewed=days(-350), next_review_due=days(10)
        )
        cls.current = article(
            "Current article",
            last_reviewed=days(-10),
            body=[key_fact(source_title="A survey")],
        )
        cls.never = article("Never reviewed article", reviewed_by=None)
        cls.unsourced = article(
            "Unsourced article",
            last_reviewed=days(-10),
            body=[key_fact(), key_fact(), key_fact(source_title="A survey")],
        )
        cls.elsewhere = article(
            "Overdue elsewhere",
            parent=cls.other_index,
            last_reviewed=days(-400),
            next_review_due=days(-5),
        )
        cls.url = reverse("wagtail_clinic_medical_review")
        cls.editors = make_group("Article editors", pages=[cls.index])
        cls.editor = make_user("editor", groups=[cls.editors])
        cls.outsider = make_user(
            "outsider", groups=[make_group("Admin access only", pages=[])]
        )

    def titles(self, response):
        return {page.title for page in response.context["object_list"]}


class TestReport(ReportTestCase):
    def setUp(self):
        self.login()

    def test_lists_overdue_due_soon_never_reviewed_and_unsourced_articles(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.titles(response),
            {
                "Overdue article",
                "Due soon article",
                "Never reviewed article",
                "Unsourced article",
                "Overdue elsewhere",
            },
        )
        self.assertNotContains(response, "Current article")

    def test_most_urgent_first(self):
        response = self.client.get(self.url)
        self.assertEqual(
            [page.title for page in response.context["object_list"]][:3],
            ["Never reviewed article", "Overdue article", "Overdue elsewhere"],
        )

    def test_the_oldest_article_first_among_those_due_the_same_day(self):
        # "Zebra" was written before "Aardvark": by page id, not by title, so
        # that the due date index gives the first page without a sort.
        zebra = make_condition_page(self.index, title="Zebra ache", slug="zebra")
        aardvark = make_condition_page(self.index, title="Aardvark ache", slug="aa")
        listed = [page.pk for page in self.client.get(self.url).context["object_list"]]
        never = [self.never.pk, zebra.pk, aardvark.pk]
        self.assertEqual(listed[:3], never)
        unsourced_last = self.client.get(self.url, {"ordering": "-next_review_due"})
        listed = [page.pk for page in unsourced_last.context["object_list"]]
        self.assertEqual(listed[-3:], never)

    def test_columns(self):
        response = self.client.get(self.url)
        rows = {page.title: page for page in response.context["object_list"]}
        self.assertEqual(rows["Overdue article"].review_status_label, "Overdue")
        self.assertEqual(rows["Overdue article"].review_due_date, days(-5))
        self.assertEqual(rows["Due soon article"].review_status_label, "Due soon")
        self.assertEqual(rows["Unsourced article"].unsourced_facts, 2)
        self.assertEqual(rows["Overdue article"].unsourced_facts, 0)
        self.assertEqual(rows["Overdue article"].reviewer_name, "Sam Reviewer, PT")
        self.assertContains(response, "Unsourced facts")
        self.assertContains(response, "Next review due")
        self.assertContains(response, "Sam Reviewer, PT")
        self.assertContains(
            response, reverse("wagtailadmin_pages:edit", args=[self.overdue.pk])
        )

    def test_filters(self):
        for status, expected in (
            ("overdue", {"Overdue article", "Overdue elsewhere"}),
            ("due_soon", {"Due soon article"}),
            ("never_reviewed", {"Never reviewed article"}),
            ("unsourced", {"Unsourced article"}),
        ):
            with self.subTest(status=status):
                response = self.client.get(self.url, {"status": status})
                self.assertEqual(self.titles(response), expected)
        response = self.client.get(self.url, {"reviewed_by": self.reviewer.pk})
        self.assertNotIn("Never reviewed article", self.titles(response))

    def test_results_fragment(self):
        response = self.client.get(
            reverse("wagtail_clinic_medical_review_results"), {"status": "overdue"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Overdue article")
        self.assertNotContains(response, "Due soon article")

    def test_csv_export(self):
        response = self.client.get(self.url, {"export": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv")
        content = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(content)))
        self.assertEqual(
            list(rows[0]),
            [
                "Article",
                "URL",
                "Review",
                "Next review due",
                "Last reviewed",
                "Reviewer",
                "Unsourced facts",
                "Status",
            ],
        )
        by_title = {row["Article"]: row for row in rows}
        self.assertEqual(len(by_title), 5)
        self.assertEqual(by_title["Overdue article"]["Review"], "Overdue")
        self.assertEqual(
            by_title["Overdue article"]["Next review due"], days(-5).isoformat()
        )
        self.assertEqual(by_title["Unsourced article"]["Unsourced facts"], "2")
        self.assertEqual(
            by_title["Overdue article"]["URL"], self.overdue.get_full_url()
        )

    def test_xlsx_export(self):
        response = self.client.get(self.url, {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook.active.values)
        self.assertEqual(rows[0][0], "Article")
        self.assertEqual(len(rows), 6)

    def test_listed_under_reports(self):
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, self.url)


class TestReportAccess(ReportTestCase):
    def test_editors_see_the_articles_they_can_edit(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Overdue article", self.titles(response))
        self.assertNotIn("Overdue elsewhere", self.titles(response))
        export = self.client.get(self.url, {"export": "csv"})
        content = b"".join(export.streaming_content).decode()
        self.assertNotIn("Overdue elsewhere", content)

    def test_users_who_cannot_edit_pages_are_refused(self):
        self.client.force_login(self.outsider)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)  # Wagtail's permission denied.
        home = self.client.get(reverse("wagtailadmin_home"))
        self.assertNotContains(home, self.url)

    def test_anonymous_users_are_sent_to_log_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"{reverse('wagtailadmin_login')}?next={self.url}"
        )


class TestDashboardPanel(ReportTestCase):
    def test_summarises_the_report_for_editors(self):
        self.login()
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, 'id="wagtail-clinic-medical-review-section"')
        self.assertContains(response, "2 articles are overdue for review")
        self.assertContains(response, "1 article is due for review soon")
        self.assertContains(response, "1 article has never been reviewed")
        self.assertContains(response, "1 article has key facts without a source")
        self.assertContains(response, f"{self.url}?status=overdue")

    def test_counts_only_what_the_editor_can_edit(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "1 article is overdue for review")

    def test_hidden_from_users_who_cannot_edit_pages(self):
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "wagtail-clinic-medical-review")

    def test_all_up_to_date(self):
        ConditionPage.objects.exclude(pk=self.current.pk).delete()
        self.login()
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "The 1 condition article is up to date.")


class TestUnsourcedColumnFollowsSave(ReportTestCase):
    """``unsourced_facts`` is kept by save(): the report's filter reads it."""

    def setUp(self):
        self.user = self.login()

    def unsourced_titles(self):
        response = self.client.get(self.url, {"status": "unsourced"})
        self.assertEqual(response.status_code, 200)
        return self.titles(response)

    def publish_body(self, page, body):
        page = ConditionPage.objects.get(pk=page.pk)
        page.body = body
        page.save_revision(user=self.user).publish(user=self.user)
        return ConditionPage.objects.get(pk=page.pk)

    def test_publishing_an_unsourced_fact_lists_the_article_until_sourced(self):
        self.assertNotIn("Current article", self.unsourced_titles())
        page = self.publish_body(
            self.current, [key_fact(), key_fact(source_title="A survey")]
        )
        self.assertEqual(page.unsourced_facts, 1)
        self.assertIn("Current article", self.unsourced_titles())
        rows = {
            row.title: row for row in self.client.get(self.url).context["object_list"]
        }
        self.assertEqual(rows["Current article"].unsourced_facts, 1)
        page = self.publish_body(
            page,
            [
                key_fact(source_url="https://health.example/"),
                key_fact(source_title="A survey"),
            ],
        )
        self.assertEqual(page.unsourced_facts, 0)
        self.assertNotIn("Current article", self.unsourced_titles())
        self.assertNotIn("Current article", self.titles(self.client.get(self.url)))

    def test_the_panel_counts_the_column(self):
        counts = MedicalReviewPanel(self.user).get_counts()
        self.assertEqual(counts["unsourced"], 1)
        self.publish_body(self.current, [key_fact()])
        counts = MedicalReviewPanel(self.user).get_counts()
        self.assertEqual(counts["unsourced"], 2)


class TestReviewQueriesDoNotGrow(WagtailPageTestCase):
    """The report, its "unsourced" filter and the panel cost the same number
    of queries with 3 and 30 articles (one page of the report, 50 rows)."""

    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)
        cls.reviewer = make_therapist(name="Sam Reviewer", credentials="PT")
        cls.url = reverse("wagtail_clinic_medical_review")

    def setUp(self):
        self.user = self.login()
        self.total = 0

    def add_articles(self, total):
        kinds = (
            {"last_reviewed": days(-400), "next_review_due": days(-5)},
            {"reviewed_by": None},
            {"last_reviewed": days(-10), "body": [key_fact(), key_fact()]},
        )
        while self.total < total:
            kwargs = {"reviewed_by": self.reviewer, **kinds[self.total % 3]}
            make_condition_page(
                self.index,
                title=f"Article {self.total:02}",
                slug=f"article-{self.total}",
                **kwargs,
            )
            self.total += 1

    def count(self, params=None):
        self.assertEqual(self.client.get(self.url, params).status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200)
        return len(queries), len(response.context["object_list"])

    def panel_queries(self):
        with CaptureQueriesContext(connection) as queries:
            html = MedicalReviewPanel(self.user).render_html()
        self.assertIn("wagtail-clinic-medical-review", html)
        return len(queries)

    def test_report_filter_and_panel_are_flat(self):
        found = {}
        for total in (3, 30):
            self.add_articles(total)
            found[total] = {
                "report": self.count(),
                "unsourced": self.count({"status": "unsourced"}),
                "panel": self.panel_queries(),
            }
        small, large = found[3], found[30]
        # Every article of the large site is on the report's first page.
        self.assertEqual(small["report"][1], 3)
        self.assertEqual(large["report"][1], 30)
        self.assertEqual(large["unsourced"][1], 10)
        self.assertEqual(small["report"][0], large["report"][0], found)
        self.assertEqual(small["unsourced"][0], large["unsourced"][0], found)
        self.assertEqual(small["panel"], large["panel"], found)
        # The panel is one aggregate query.
        self.assertEqual(large["panel"], 1)

    @unittest.skipUnless(connection.vendor == "sqlite", "SQLite's query plan")
    def test_the_counts_read_the_review_index_not_the_rows(self):
        # On SQLite the articles' rows hold their bodies: the counts read the
        # index of the review columns instead (9 ms -> 1 ms at 5,000).
        self.add_articles(3)
        with CaptureQueriesContext(connection) as queries:
            counts = review_counts(ConditionPage.objects.all())
        self.assertEqual((counts["total"], counts["overdue"]), (3, 1))
        (query,) = queries
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(row[-1] for row in cursor.fetchall())
        self.assertIn("COVERING INDEX clinic_condition_review", plan)

    def test_the_report_leaves_bodies_out(self):
        # Its rows are sorted by due date and paged: reading the bodies
        # would copy every article's StreamField into the sort.
        self.add_articles(3)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertFalse(
            [query for query in queries if '_conditionpage"."body"' in query["sql"]]
        )

    def test_the_dashboard_is_flat(self):
        counts = {}
        for total in (3, 30):
            self.add_articles(total)
            home = reverse("wagtailadmin_home")
            self.client.get(home)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(home)
            self.assertContains(
                response,
                "10 articles are overdue for review"
                if total == 30
                else "1 article is overdue for review",
            )
            counts[total] = len(queries)
        self.assertEqual(counts[3], counts[30], counts)


# --- The clinical review workflow task ---------------------------------------------


class TestClinicalReviewTask(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)
        # Approving the last task publishes the page: like Wagtail's
        # moderators, reviewers need the publish permission.
        cls.reviewers = make_group(
            "Clinical reviewers",
            pages=[cls.index],
            codenames=("change_page", "publish_page"),
        )
        cls.editors = make_group("Article editors", pages=[cls.index])
        cls.reviewer = make_user("reviewer", groups=[cls.reviewers])
        cls.editor = make_user("editor", groups=[cls.editors])
        cls.superuser = make_user("admin", superuser=True)
        cls.therapist = make_therapist(name="Robin Review", user=cls.reviewer)
        cls.task = ClinicalReviewTask.objects.create(name="Clinical review")
        cls.task.groups.set([cls.reviewers])
        cls.workflow = Workflow.objects.create(name="Medical articles")
        WorkflowTask.objects.create(workflow=cls.workflow, task=cls.task, sort_order=0)
        WorkflowPage.objects.create(workflow=cls.workflow, page=cls.index)

    def setUp(self):
        self.page = make_condition_page(self.index, live=False)
        self.page.save_revision(user=self.editor)
        self.workflow_state = self.workflow.start(self.page, self.editor)
        self.task_state = self.workflow_state.current_task_state.specific

    def test_is_a_registered_task_type(self):
        self.assertIn(ClinicalReviewTask, get_task_types())
        self.login()
        response = self.client.get(reverse("wagtailadmin_workflows:select_task_type"))
        self.assertContains(response, "Clinical review task")

    def test_only_group_members_can_approve(self):
        task = self.task
        self.assertEqual(
            [
                name
                for name, _label, _modal in task.get_actions(self.page, self.reviewer)
            ],
            ["reject", "approve", "approve"],
        )
        for user in (self.editor, self.superuser):
            with self.subTest(user=user.username):
                self.assertEqual(task.get_actions(self.page, user), [])
                self.assertFalse(task.user_can_access_editor(self.page, user))
                self.assertEqual(list(task.get_task_states_user_can_moderate(user)), [])
                for action in ("approve", "reject"):
                    with self.assertRaises(PermissionDenied):
                        task.on_action(self.task_state, user, action)
        self.task_state.refresh_from_db()
        self.assertEqual(self.task_state.status, TaskState.STATUS_IN_PROGRESS)
        self.assertTrue(task.user_can_access_editor(self.page, self.reviewer))
        self.assertEqual(
            list(task.get_task_states_user_can_moderate(self.reviewer)),
            [TaskState.objects.get(pk=self.task_state.pk)],
        )
        self.assertTrue(task.locked_for_user(self.page, self.editor))
        self.assertFalse(task.locked_for_user(self.page, self.reviewer))

    def test_a_member_approves_and_the_review_is_recorded(self):
        self.task.on_action(self.task_state, self.reviewer, "approve", comment="OK")

        self.task_state.refresh_from_db()
        self.assertEqual(self.task_state.status, TaskState.STATUS_APPROVED)
        self.assertEqual(self.task_state.finished_by, self.reviewer)
        workflow_state = WorkflowState.objects.get(pk=self.workflow_state.pk)
        self.assertEqual(workflow_state.status, WorkflowState.STATUS_APPROVED)
        page = ConditionPage.objects.get(pk=self.page.pk)
        self.assertTrue(page.live)
        self.assertEqual(page.last_reviewed, TODAY)
        self.assertEqual(page.next_review_due, add_months(TODAY, 12))
        self.assertEqual(page.reviewed_by, self.therapist)
        # The approval is of the revision that records it, the one published.
        self.assertEqual(self.task_state.revision, page.live_revision)

    def test_nothing_recorded_for_a_member_without_a_therapist(self):
        colleague = make_user("colleague", groups=[self.reviewers])
        self.task.on_action(self.task_state, colleague, "approve")
        page = ConditionPage.objects.get(pk=self.page.pk)
        self.assertTrue(page.live)
        self.assertIsNone(page.last_reviewed)

    def test_recording_can_be_turned_off(self):
        self.task.record_review = False
        self.task.save()
        self.task.on_action(self.task_state, self.reviewer, "approve")
        page = ConditionPage.objects.get(pk=self.page.pk)
        self.assertTrue(page.live)
        self.assertIsNone(page.last_reviewed)

    def test_a_member_requests_changes(self):
        self.task.on_action(self.task_state, self.reviewer, "reject", comment="Fix")
        workflow_state = WorkflowState.objects.get(pk=self.workflow_state.pk)
        self.assertEqual(workflow_state.status, WorkflowState.STATUS_NEEDS_CHANGES)
        self.assertFalse(Page.objects.get(pk=self.page.pk).live)

    @override_settings(WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT=True)
    def test_a_later_task_still_runs_when_reapproval_is_required(self):
        second = ClinicalReviewTask.objects.create(name="Second opinion")
        second.groups.set([self.reviewers])
        WorkflowTask.objects.create(workflow=self.workflow, task=second, sort_order=1)
        self.task.on_action(self.task_state, self.reviewer, "approve")
        workflow_state = WorkflowState.objects.get(pk=self.workflow_state.pk)
        self.assertEqual(workflow_state.current_task_state.task.pk, second.pk)
        second.on_action(
            workflow_state.current_task_state.specific, self.reviewer, "approve"
        )
        workflow_state.refresh_from_db()
        self.assertEqual(workflow_state.status, WorkflowState.STATUS_APPROVED)

    def action_url(self, action):
        return reverse(
            "wagtailadmin_pages:workflow_action",
            args=[self.page.pk, action, self.task_state.pk],
        )

    def test_admin_refuses_a_non_member(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.action_url("approve"))
        self.assertNotEqual(response.status_code, 200)
        self.task_state.refresh_from_db()
        self.assertEqual(self.task_state.status, TaskState.STATUS_IN_PROGRESS)

    def test_admin_lets_a_member_approve(self):
        self.client.force_login(self.reviewer)
        response = self.client.post(self.action_url("approve"), {"comment": ""})
        self.assertEqual(response.status_code, 302)
        self.task_state.refresh_from_db()
        self.assertEqual(self.task_state.status, TaskState.STATUS_APPROVED)
        self.assertEqual(
            ConditionPage.objects.get(pk=self.page.pk).last_reviewed, TODAY
        )
