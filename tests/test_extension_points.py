"""The abstract pages as extension points: a host's own subclasses are listed.

The test app's ``HostConditionPage`` subclasses ``AbstractConditionPage``
(and may only be created under a plain ``Page``, e.g. the site's home page).
The clinic API's condition listing, the medical review report, its filters
and the dashboard panel resolve every concrete subclass of the abstract page,
so they show it next to Wagtail Clinic's own ``ConditionPage``.
"""

import datetime

from unittest import mock

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from tests.testapp.models import HostConditionPage
from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
)
from wagtail_clinic.api import listings
from wagtail_clinic.models import (
    AbstractConditionPage,
    AbstractMassageTypePage,
    ConditionIndexPage,
    ConditionPage,
    MassageTypePage,
)
from wagtail_clinic.models.pages import concrete_subclasses
from wagtail_clinic.review import views as review_views
from wagtail_clinic.review.views import MedicalReviewPanel


API = "/api/v3/clinic"
TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def key_fact(source_title=""):
    return {
        "type": "key_fact",
        "value": {
            "value": "85%",
            "statement": "of adults get back pain.",
            "source_title": source_title,
            "source_url": "",
        },
    }


def make_host_condition(parent, body=(), *, title="Neck pain", **kwargs):
    kwargs.setdefault("slug", title.lower().replace(" ", "-"))
    kwargs.setdefault("condition_name", title)
    kwargs.setdefault("intro", "Why the neck hurts.")
    if kwargs.get("last_reviewed"):
        kwargs.setdefault("reviewed_by", make_therapist(name=f"Reviewer of {title}"))
    return parent.add_child(
        instance=HostConditionPage(title=title, body=list(body), **kwargs)
    )


class TestConcreteSubclasses(WagtailPageTestCase):
    def test_every_installed_concrete_subclass(self):
        self.assertEqual(
            concrete_subclasses(AbstractConditionPage),
            [ConditionPage, HostConditionPage],
        )
        self.assertEqual(
            concrete_subclasses(AbstractMassageTypePage), [MassageTypePage]
        )

    def test_cached_until_the_registry_changes(self):
        first = concrete_subclasses(AbstractConditionPage)
        self.assertIs(concrete_subclasses(AbstractConditionPage), first)
        apps.clear_cache()
        self.assertIsNot(concrete_subclasses(AbstractConditionPage), first)
        self.assertEqual(concrete_subclasses(AbstractConditionPage), first)


class TestHostConditionsInTheAPI(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home, slug="conditions")
        cls.own = make_condition_page(cls.index, title="Back pain", slug="back-pain")
        cls.host = make_host_condition(
            cls.home, hero_image=make_image(), last_reviewed=days(-3)
        )
        cls.draft = make_host_condition(cls.home, title="Draft host")
        cls.draft.unpublish()
        massage_index = make_massage_type_index(cls.home)
        cls.massage = make_massage_type(massage_index, conditions=[cls.own])

    def test_the_condition_listing_shows_host_pages(self):
        response = self.client.get(f"{API}/conditions/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        cards = {card["id"]: card for card in body["items"]}
        self.assertEqual(set(cards), {self.own.pk, self.host.pk})
        card = cards[self.host.pk]
        self.assertEqual(card["condition_name"], "Neck pain")
        self.assertEqual(card["last_reviewed"], days(-3).isoformat())
        self.assertEqual(card["path"], "/neck-pain/")
        self.assertEqual(card["summary"], "Why the neck hurts.")
        self.assertIsNotNone(card["image"])
        # By title, across the page types.
        self.assertEqual(
            [c["title"] for c in body["items"]], ["Back pain", "Neck pain"]
        )

    def test_search_and_pagination_span_the_page_types(self):
        response = self.client.get(f"{API}/conditions/", {"search": "neck"})
        self.assertEqual([c["id"] for c in response.json()["items"]], [self.host.pk])
        response = self.client.get(f"{API}/conditions/", {"offset": 1, "limit": 1})
        self.assertEqual([c["id"] for c in response.json()["items"]], [self.host.pk])

    def test_massage_type_filter_keeps_to_the_conditions_it_helps(self):
        # MassageTypePage.conditions names ConditionPage: a host condition
        # cannot be helped, so it is not listed for a massage type.
        response = self.client.get(
            f"{API}/conditions/", {"massage_type": self.massage.pk}
        )
        self.assertEqual([c["id"] for c in response.json()["items"]], [self.own.pk])


class TestHostConditionsOnTheIndexPage(WagtailPageTestCase):
    """A host index page allowing ``HostConditionPage`` lists it in its HTML.

    ``ConditionIndexPage`` allows only ``ConditionPage`` and
    ``HostConditionPage`` only a plain ``Page`` as parent: the test lets them
    meet, as a host's own index page would.
    """

    def setUp(self):
        allowed = [
            mock.patch.object(
                ConditionIndexPage,
                "_clean_subpage_models",
                [ConditionPage, HostConditionPage],
            ),
            mock.patch.object(
                HostConditionPage,
                "_clean_parent_page_models",
                [Page, ConditionIndexPage],
            ),
        ]
        for patch in allowed:
            patch.start()
            self.addCleanup(patch.stop)
        _, home = make_site_tree()
        self.index = make_condition_index(home, slug="conditions")
        make_condition_page(self.index, title="Back pain", slug="back-pain")
        self.host = make_host_condition(self.index)

    def test_the_index_page_lists_host_pages(self):
        self.assertCanCreateAt(ConditionIndexPage, HostConditionPage)
        response = self.client.get(self.index.url)
        self.assertContains(response, "Back pain")
        self.assertContains(response, self.host.url)
        self.assertContains(response, "Neck pain")


class TestHostConditionsInTheReview(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home)
        cls.reviewer = make_therapist(name="Sam Reviewer", credentials="PT")
        cls.own_overdue = make_condition_page(
            cls.index,
            title="Own overdue",
            slug="own-overdue",
            reviewed_by=cls.reviewer,
            last_reviewed=days(-400),
            next_review_due=days(-5),
        )
        cls.host_overdue = make_host_condition(
            cls.home,
            title="Host overdue",
            reviewed_by=cls.reviewer,
            last_reviewed=days(-400),
            next_review_due=days(-2),
        )
        cls.host_due_soon = make_host_condition(
            cls.home,
            title="Host due soon",
            last_reviewed=days(-350),
            next_review_due=days(10),
        )
        cls.host_never = make_host_condition(cls.home, title="Host never")
        cls.host_unsourced = make_host_condition(
            cls.home,
            title="Host unsourced",
            last_reviewed=days(-10),
            body=[key_fact(), key_fact(), key_fact(source_title="A survey")],
        )
        cls.host_current = make_host_condition(
            cls.home,
            title="Host current",
            last_reviewed=days(-10),
            body=[key_fact(source_title="A survey")],
        )
        cls.url = reverse("wagtail_clinic_medical_review")

    def setUp(self):
        self.user = self.login()

    def rows(self, **params):
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200)
        return response.context["object_list"]

    def test_the_report_lists_host_pages(self):
        rows = self.rows()
        self.assertEqual(
            [page.title for page in rows],
            [
                "Host never",
                "Own overdue",
                "Host overdue",
                "Host due soon",
                "Host unsourced",
            ],
        )
        by_title = {page.title: page for page in rows}
        self.assertIsInstance(by_title["Host overdue"], HostConditionPage)
        self.assertEqual(by_title["Host overdue"].review_status_label, "Overdue")
        self.assertEqual(by_title["Host overdue"].reviewer_name, "Sam Reviewer, PT")
        self.assertEqual(by_title["Host unsourced"].unsourced_facts, 2)

    def test_the_filters_cover_host_pages(self):
        for status, expected in (
            ("overdue", {"Own overdue", "Host overdue"}),
            ("due_soon", {"Host due soon"}),
            ("never_reviewed", {"Host never"}),
            ("unsourced", {"Host unsourced"}),
        ):
            with self.subTest(status=status):
                titles = {page.title for page in self.rows(status=status)}
                self.assertEqual(titles, expected)
        titles = {page.title for page in self.rows(reviewed_by=self.reviewer.pk)}
        self.assertEqual(titles, {"Own overdue", "Host overdue"})

    def test_ordering_by_review_dates_spans_the_page_types(self):
        titles = [page.title for page in self.rows(ordering="-next_review_due")]
        self.assertEqual(titles[:2], ["Host unsourced", "Host due soon"])
        # Where the never-reviewed article goes depends on the database.
        rows = self.rows(ordering="-last_reviewed")
        titles = [page.title for page in rows if page.last_reviewed]
        self.assertEqual(titles[:2], ["Host unsourced", "Host due soon"])

    def test_the_dashboard_panel_counts_host_pages(self):
        counts = MedicalReviewPanel(self.user).get_counts()
        self.assertEqual(
            counts,
            {
                "total": 6,
                "overdue": 2,
                "due_soon": 1,
                "never_reviewed": 1,
                "unsourced": 1,
            },
        )

    def test_one_condition_model_queries_it_directly(self):
        # What a site without its own subclasses runs: ConditionPage alone.
        with mock.patch.object(
            review_views, "condition_types", return_value=[ConditionPage]
        ):
            self.assertEqual([page.title for page in self.rows()], ["Own overdue"])
            pages = review_views.reviewable_pages(self.user)
            self.assertIs(pages.model, ConditionPage)


class TestHostListingQueryCount(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(cls.home, slug="conditions")
        make_condition_page(
            cls.index, title="Back pain", slug="back-pain", hero_image=make_image()
        )
        cls.hosts = []

    def add_hosts(self, total):
        while len(self.hosts) < total:
            n = len(self.hosts)
            self.hosts.append(
                make_host_condition(
                    self.home,
                    title=f"Host {n:02}",
                    hero_image=make_image(title=f"Host image {n}"),
                )
            )

    def count_queries(self, url):
        # The first request creates the renditions, as on a running site.
        self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), response.json()

    def test_the_listing_stays_flat_with_host_pages(self):
        counts = {}
        for total in (2, 10):
            self.add_hosts(total)
            counts[total], body = self.count_queries(f"{API}/conditions/?limit=50")
            self.assertEqual(body["count"], total + 1)
            self.assertEqual(len(body["items"]), total + 1)
        self.assertEqual(counts[2], counts[10], counts)

    def test_one_condition_model_costs_what_it_did(self):
        # With ConditionPage alone (no host subclass installed) the listing
        # queries its table directly; the second page type costs one query to
        # list the pages through Page and one per type present, whatever the
        # number of pages.
        url = f"{API}/conditions/?limit=50"
        with mock.patch.object(
            listings, "concrete_subclasses", side_effect=lambda base: [base_model(base)]
        ):
            alone, body = self.count_queries(url)
        self.assertEqual(body["count"], 1)
        both, body = self.count_queries(url)
        self.assertEqual(body["count"], 1)
        self.assertEqual(both, alone + 1)


def base_model(base):
    """Wagtail Clinic's own concrete page of ``base``."""
    return {
        AbstractConditionPage: ConditionPage,
        AbstractMassageTypePage: MassageTypePage,
    }[base]
