"""Page types: tree rules, admin create/edit/preview, validation and context."""

import datetime

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.coreutils import get_dummy_request
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    nested_form_data,
    rich_text,
    streamfield,
)

from tests.testapp.models import HostConditionPage, HostStreamPage
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
)
from wagtail_clinic.blocks.content import PARAGRAPH_FEATURES
from wagtail_clinic.models import (
    ConditionIndexPage,
    ConditionPage,
    MassageTypeIndexPage,
    MassageTypePage,
)


TODAY = datetime.date.today()


def list_block(values):
    """ListBlock form data: what the admin posts for a list of child values."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index)}
        for index, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def add_url(page_class, parent):
    meta = page_class._meta
    return reverse(
        "wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, parent.pk]
    )


def article_form_data(*, image, clinic, therapist, massage_types):
    """What the admin posts for the reference back-pain article, with every block."""
    deep_tissue, shiatsu, sports = massage_types
    paragraph = (
        "<p>As many as 85% of adults get back pain. Read about "
        f"{page_link(shiatsu, 'shiatsu')}.</p>"
        "<ul><li>Deep tissue</li><li>Sports massage</li></ul>"
    )
    return nested_form_data(
        {
            "title": "Relief From Pain In The Back",
            "slug": "back-pain",
            "condition_name": "Back pain",
            "also_known_as": "lumbago, backache",
            "intro": "How massage for back pain works.",
            "hero_image": str(image.pk),
            "hero_image_alt": "A therapist at work",
            "body": streamfield(
                [
                    ("heading", {"text": "How massage helps", "level": "2"}),
                    ("paragraph", rich_text(paragraph, features=PARAGRAPH_FEATURES)),
                    (
                        "key_fact",
                        {
                            "value": "85%",
                            "statement": "of adults will suffer from back pain.",
                            "source_title": "National survey",
                            "source_url": "https://health.example/survey",
                        },
                    ),
                    ("heading", {"text": "Which massage?", "level": "3"}),
                    (
                        "massage_types",
                        {
                            "heading": "Types of massage for back pain",
                            "intro": "Three kinds help most.",
                            "items": list_block(
                                [
                                    {
                                        "page": str(deep_tissue.pk),
                                        "name": "Deep tissue / myofascial release",
                                        "description": "",
                                    },
                                    {
                                        "page": str(shiatsu.pk),
                                        "name": "",
                                        "description": "Pressure points.",
                                    },
                                    {
                                        "page": str(sports.pk),
                                        "name": "",
                                        "description": "",
                                    },
                                ]
                            ),
                        },
                    ),
                    (
                        "benefits",
                        {
                            "heading": "Health benefits",
                            "intro": "",
                            "items": list_block(
                                [
                                    {
                                        "title": "Less tension",
                                        "description": "Muscles relax.",
                                    },
                                    {
                                        "title": "Better sleep",
                                        "description": "You rest more deeply.",
                                    },
                                ]
                            ),
                        },
                    ),
                    (
                        "frequency",
                        {
                            "heading": "How often?",
                            "how_often": "Every 2 to 3 weeks",
                            "note": "",
                        },
                    ),
                    (
                        "faq",
                        {
                            "heading": "Questions",
                            "items": list_block(
                                [
                                    {
                                        "question": "Does it hurt?",
                                        "answer": rich_text("<p>It should not.</p>"),
                                    }
                                ]
                            ),
                        },
                    ),
                    (
                        "callout",
                        {"tone": "disclaimer", "heading": "", "text": rich_text("")},
                    ),
                    (
                        "image",
                        {
                            "image": str(image.pk),
                            "alt_text": "A therapist massaging a lower back",
                            "caption": "",
                        },
                    ),
                    (
                        "quote",
                        {"text": "I can garden again.", "attribution": "A patient"},
                    ),
                    (
                        "booking_cta",
                        {
                            "heading": "Book now",
                            "text": "Call right away.",
                            "clinic": str(clinic.pk),
                            "action": "call",
                            "button_label": "",
                            "link_page": "",
                            "link_url": "",
                        },
                    ),
                    (
                        "references",
                        {
                            "heading": "Sources",
                            "items": list_block(
                                [
                                    {
                                        "title": "Massage for low back pain",
                                        "url": "https://journal.example/1",
                                        "publisher": "Cochrane",
                                        "year": "2015",
                                    }
                                ]
                            ),
                        },
                    ),
                ]
            ),
            "reviewed_by": str(therapist.pk),
            "last_reviewed": "2024-05-01",
            "next_review_due": "2025-05-01",
        }
    )


class ClinicTreeTestCase(WagtailPageTestCase):
    """A site with a condition index, a massage-type index and three massage types."""

    @classmethod
    def setUpTestData(cls):
        cls.root, cls.home = make_site_tree()
        cls.superuser = cls.create_superuser("editor")
        cls.clinic = make_clinic()
        cls.therapist = make_therapist(clinic=cls.clinic)
        cls.condition_index = make_condition_index(cls.home)
        cls.massage_index = make_massage_type_index(cls.home)
        cls.massage_types = [
            make_massage_type(cls.massage_index, title=title, summary=summary)
            for title, summary in [
                ("Deep tissue massage", "Slow, firm pressure on deep muscles."),
                ("Shiatsu", "Finger pressure along the meridians."),
                ("Sports massage", "For the muscles you use in your sport."),
            ]
        ]

    def setUp(self):
        self.client.force_login(self.superuser)


class TestPageTree(WagtailPageTestCase):
    def test_condition_index_page_holds_only_condition_pages(self):
        self.assertAllowedSubpageTypes(ConditionIndexPage, {ConditionPage})

    def test_condition_index_page_can_go_under_any_page_that_allows_children(self):
        self.assertAllowedParentPageTypes(ConditionIndexPage, {Page, HostStreamPage})

    def test_condition_page_lives_only_under_a_condition_index(self):
        self.assertAllowedParentPageTypes(ConditionPage, {ConditionIndexPage})
        self.assertCanNotCreateAt(Page, ConditionPage)
        self.assertCanNotCreateAt(MassageTypeIndexPage, ConditionPage)

    def test_condition_page_has_no_children(self):
        self.assertAllowedSubpageTypes(ConditionPage, set())

    def test_massage_type_index_page_holds_only_massage_types(self):
        self.assertAllowedSubpageTypes(MassageTypeIndexPage, {MassageTypePage})

    def test_massage_type_index_page_can_go_under_any_page_that_allows_children(self):
        self.assertAllowedParentPageTypes(MassageTypeIndexPage, {Page, HostStreamPage})

    def test_massage_type_page_lives_only_under_a_massage_type_index(self):
        self.assertAllowedParentPageTypes(MassageTypePage, {MassageTypeIndexPage})
        self.assertCanNotCreateAt(Page, MassageTypePage)
        self.assertCanNotCreateAt(ConditionIndexPage, MassageTypePage)

    def test_massage_type_page_has_no_children(self):
        self.assertAllowedSubpageTypes(MassageTypePage, set())

    def test_index_pages_can_be_created_under_a_plain_page(self):
        self.assertCanCreateAt(Page, ConditionIndexPage)
        self.assertCanCreateAt(Page, MassageTypeIndexPage)

    def test_host_subclass_of_the_abstract_condition_page_has_its_own_tree_rules(self):
        self.assertAllowedParentPageTypes(HostConditionPage, {Page})
        self.assertCanNotCreateAt(ConditionIndexPage, HostConditionPage)


class TestCreatePagesInAdmin(ClinicTreeTestCase):
    def test_create_condition_index_page(self):
        self.assertCanCreate(
            self.home,
            ConditionIndexPage,
            nested_form_data(
                {
                    "title": "Conditions",
                    "intro": rich_text("<p>What we <b>treat</b>.</p>"),
                }
            ),
        )
        page = ConditionIndexPage.objects.get(slug="conditions")
        self.assertEqual(page.get_parent().specific, self.home.specific)
        self.assertIn("<b>treat</b>", page.intro)

    def test_create_massage_type_index_page(self):
        self.assertCanCreate(
            self.home,
            MassageTypeIndexPage,
            nested_form_data(
                {"title": "Our massages", "intro": rich_text("<p>Choose one.</p>")}
            ),
        )
        self.assertTrue(
            MassageTypeIndexPage.objects.filter(slug="our-massages").exists()
        )

    def test_create_massage_type_page_with_body_its_conditions_come_from_articles(
        self,
    ):
        """The conditions are not a field of the massage type's form (a
        posted value is ignored); an article choosing it adds one."""
        condition = make_condition_page(self.condition_index)
        data = nested_form_data(
            {
                "title": "Hot stone massage",
                "summary": "Warm stones loosen tight muscles.",
                "also_known_as": "stone therapy",
                "session_lengths": "90, 30,60",
                "body": streamfield(
                    [
                        ("heading", {"text": "What to expect", "level": "2"}),
                        ("paragraph", rich_text("<p>You lie on a warm table.</p>")),
                        (
                            "frequency",
                            {
                                "heading": "How often?",
                                "how_often": "Monthly",
                                "note": "",
                            },
                        ),
                    ]
                ),
            }
        )
        data["conditions"] = [str(condition.pk)]
        self.assertCanCreate(self.massage_index, MassageTypePage, data)

        page = MassageTypePage.objects.get(slug="hot-stone-massage")
        self.assertEqual(page.session_lengths, "30,60,90")
        self.assertEqual(list(page.conditions.all()), [])
        condition.body = [
            {
                "type": "massage_types",
                "value": {
                    "heading": "Which massage?",
                    "intro": "",
                    "items": [{"page": page.pk, "name": "", "description": ""}],
                },
            }
        ]
        condition.save_revision().publish()
        self.assertEqual(list(page.conditions.all()), [condition])
        self.assertEqual(
            [child.block_type for child in page.body],
            ["heading", "paragraph", "frequency"],
        )
        self.assertEqual(page.body[0].value["anchor"], "what-to-expect")

    def test_compose_the_reference_article_with_every_block_type(self):
        image = make_image()
        deep_tissue, shiatsu, sports = self.massage_types
        data = article_form_data(
            image=image,
            clinic=self.clinic,
            therapist=self.therapist,
            massage_types=self.massage_types,
        )
        self.assertCanCreate(self.condition_index, ConditionPage, data)

        page = ConditionPage.objects.get(slug="back-pain")
        self.assertTrue(page.live)
        self.assertEqual(page.reviewed_by, self.therapist)
        self.assertEqual(page.hero_image, image)
        body = page.body
        self.assertEqual(
            [child.block_type for child in body],
            [
                "heading",
                "paragraph",
                "key_fact",
                "heading",
                "massage_types",
                "benefits",
                "frequency",
                "faq",
                "callout",
                "image",
                "quote",
                "booking_cta",
                "references",
            ],
        )
        self.assertEqual(
            (body[0].value["anchor"], body[0].value["level"]),
            ("how-massage-helps", "2"),
        )
        self.assertEqual(
            (body[3].value["anchor"], body[3].value["level"]), ("which-massage", "3")
        )
        # The paragraph is stored in Wagtail's database format: a page link by id.
        source = body[1].value.source
        self.assertIn(f'<a linktype="page" id="{shiatsu.pk}">shiatsu</a>', source)
        self.assertRegex(
            source, r"<ul><li[^>]*>Deep tissue</li><li[^>]*>Sports massage</li></ul>"
        )
        self.assertEqual(body[2].value["value"], "85%")
        self.assertEqual(body[2].value["source_url"], "https://health.example/survey")
        items = body[4].value["items"]
        self.assertEqual(
            [item["page"] for item in items], [deep_tissue, shiatsu, sports]
        )
        self.assertEqual(
            [item.title for item in items],
            ["Deep tissue / myofascial release", "Shiatsu", "Sports massage"],
        )
        self.assertEqual(
            [item["title"] for item in body[5].value["items"]],
            ["Less tension", "Better sleep"],
        )
        self.assertEqual(body[6].value["how_often"], "Every 2 to 3 weeks")
        self.assertEqual(body[7].value["items"][0]["question"], "Does it hurt?")
        self.assertEqual(body[8].value["tone"], "disclaimer")
        self.assertEqual(body[9].value["image"], image)
        self.assertEqual(body[9].value.alt, "A therapist massaging a lower back")
        self.assertEqual(body[10].value["attribution"], "A patient")
        self.assertEqual(body[11].value["clinic"], self.clinic)
        self.assertEqual(body[11].value["action"], "call")
        self.assertEqual(body[12].value["items"][0]["year"], 2015)

    def test_create_host_condition_page_with_its_extra_field(self):
        self.assertCanCreate(
            self.home,
            HostConditionPage,
            nested_form_data(
                {
                    "title": "Neck pain",
                    "condition_name": "Neck pain",
                    "intro": "Why your neck hurts.",
                    "video_url": "https://video.example/neck",
                    "body": streamfield(
                        [("heading", {"text": "Causes", "level": "2"})]
                    ),
                }
            ),
        )
        page = HostConditionPage.objects.get(slug="neck-pain")
        self.assertEqual(page.video_url, "https://video.example/neck")
        self.assertEqual(page.body[0].value["anchor"], "causes")

    def test_create_host_stream_page_using_clinic_blocks(self):
        image = make_image()
        self.assertCanCreate(
            self.home,
            HostStreamPage,
            nested_form_data(
                {
                    "title": "About us",
                    "body": streamfield(
                        [
                            ("fact", {"value": "1 in 4", "statement": "have pain."}),
                            (
                                "cta",
                                {
                                    "clinic": str(self.clinic.pk),
                                    "action": "book_online",
                                },
                            ),
                            ("picture", {"image": str(image.pk), "decorative": "on"}),
                        ]
                    ),
                }
            ),
        )
        page = HostStreamPage.objects.get(slug="about-us")
        self.assertEqual(
            [child.block_type for child in page.body], ["fact", "cta", "picture"]
        )
        self.assertEqual(page.body[2].value.alt, "")


class TestConditionPageValidation(ClinicTreeTestCase):
    def setUp(self):
        super().setUp()
        self.page = make_condition_page(self.condition_index)

    def assertFieldError(self, field, message):
        with self.assertRaises(ValidationError) as caught:
            self.page.full_clean()
        self.assertEqual(caught.exception.message_dict[field], [message])

    def test_last_reviewed_in_the_future_is_an_error(self):
        self.page.reviewed_by = self.therapist
        self.page.last_reviewed = TODAY + datetime.timedelta(days=1)
        self.assertFieldError(
            "last_reviewed", "The review date cannot be in the future."
        )

    def test_next_review_due_must_come_after_last_reviewed(self):
        self.page.reviewed_by = self.therapist
        self.page.last_reviewed = TODAY
        self.page.next_review_due = TODAY
        self.assertFieldError(
            "next_review_due", "The next review must be after the last review."
        )

    def test_last_reviewed_needs_a_reviewer(self):
        self.page.last_reviewed = TODAY
        self.assertFieldError(
            "reviewed_by", "Say who reviewed the article on that date."
        )

    def test_a_complete_review_is_valid(self):
        self.page.reviewed_by = self.therapist
        self.page.last_reviewed = TODAY
        self.page.next_review_due = TODAY + datetime.timedelta(days=365)
        self.page.full_clean()  # Raises if invalid.
        self.page.save()
        self.page.refresh_from_db()
        self.assertEqual(self.page.last_reviewed, TODAY)

    def test_admin_form_shows_review_errors_and_stores_nothing(self):
        data = nested_form_data(
            {
                "title": "Sciatica",
                "slug": "sciatica",
                "condition_name": "Sciatica",
                "intro": "Pain down the leg.",
                "body": streamfield([]),
                "last_reviewed": (TODAY + datetime.timedelta(days=2)).isoformat(),
                "next_review_due": TODAY.isoformat(),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(add_url(ConditionPage, self.condition_index), data)

        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(
            errors["last_reviewed"], ["The review date cannot be in the future."]
        )
        self.assertEqual(
            errors["next_review_due"],
            ["The next review must be after the last review."],
        )
        self.assertEqual(
            errors["reviewed_by"], ["Say who reviewed the article on that date."]
        )
        self.assertContains(response, "The review date cannot be in the future.")
        self.assertFalse(Page.objects.filter(slug="sciatica").exists())


class TestMassageTypePageValidation(ClinicTreeTestCase):
    def setUp(self):
        super().setUp()
        self.page = self.massage_types[0]

    def test_session_lengths_are_normalised(self):
        self.page.session_lengths = "90, 30,60 , 30"
        self.page.full_clean()
        self.assertEqual(self.page.session_lengths, "30,60,90")
        self.assertEqual(self.page.session_lengths_list, [30, 60, 90])

    def test_session_lengths_must_be_numbers_separated_by_commas(self):
        self.page.session_lengths = "abc"
        with self.assertRaises(ValidationError) as caught:
            self.page.full_clean()
        self.assertEqual(
            caught.exception.message_dict["session_lengths"],
            ["Enter minutes as whole numbers separated by commas, e.g. 30, 60, 90."],
        )

    def test_session_lengths_must_be_five_to_240_minutes(self):
        self.page.session_lengths = "60, 500"
        with self.assertRaises(ValidationError) as caught:
            self.page.full_clean()
        self.assertEqual(
            caught.exception.message_dict["session_lengths"],
            ["Each session length must be 5 to 240 minutes."],
        )

    def test_blank_session_lengths_are_allowed(self):
        self.page.session_lengths = ""
        self.page.full_clean()
        self.assertEqual(self.page.session_lengths_list, [])

    def test_admin_form_shows_the_session_length_error_and_stores_nothing(self):
        data = nested_form_data(
            {
                "title": "Reflexology",
                "summary": "Pressure on the feet.",
                "session_lengths": "500",
                "body": streamfield([]),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(add_url(MassageTypePage, self.massage_index), data)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["session_lengths"],
            ["Each session length must be 5 to 240 minutes."],
        )
        self.assertFalse(Page.objects.filter(slug="reflexology").exists())


class TestAlternateNames(ClinicTreeTestCase):
    def test_also_known_as_is_split_into_names(self):
        page = make_condition_page(
            self.condition_index, also_known_as=" lumbago, backache,, sciatica "
        )
        self.assertEqual(page.alternate_names, ["lumbago", "backache", "sciatica"])

    def test_no_alternate_names(self):
        self.assertEqual(self.massage_types[0].alternate_names, [])


class TestConditionIndexContext(ClinicTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sciatica = make_condition_page(
            cls.condition_index, title="Sciatica", condition_name="Sciatica"
        )
        cls.back_pain = make_condition_page(cls.condition_index)
        cls.draft = make_condition_page(
            cls.condition_index, title="Draft article", live=False
        )
        cls.private = make_condition_page(cls.condition_index, title="Members only")
        PageViewRestriction.objects.create(
            page=cls.private,
            restriction_type=PageViewRestriction.PASSWORD,
            password="secret",
        )
        other_index = make_condition_index(cls.home, title="Elsewhere")
        make_condition_page(other_index, title="Not listed here")

    def test_lists_only_live_public_children_by_title(self):
        context = self.condition_index.get_context(get_dummy_request())
        self.assertEqual(
            list(context["conditions"]),
            [self.back_pain.specific, self.sciatica.specific],
        )

    @override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 1})
    def test_paginates(self):
        request = get_dummy_request(path="/?page=2")
        conditions = self.condition_index.get_context(request)["conditions"]
        self.assertEqual(list(conditions), [self.sciatica.specific])
        self.assertEqual(conditions.paginator.num_pages, 2)

    @override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 1})
    def test_a_page_sorts_ids_then_loads_its_articles(self):
        # The sort holds ids, not whole rows; the page's articles are then
        # loaded by id, specific and with their card images.
        image = make_image()
        ConditionPage.objects.filter(pk=self.sciatica.pk).update(hero_image=image)
        request = get_dummy_request(path="/?page=2")
        with CaptureQueriesContext(connection) as queries:
            conditions = self.condition_index.get_context(request)["conditions"]
            (article,) = conditions
            self.assertEqual(article, self.sciatica.specific)
            self.assertIsInstance(article, ConditionPage)
            self.assertEqual(article.hero_image, image)
        sorted_ids = [
            q["sql"]
            for q in queries
            if "ORDER BY" in q["sql"] and "LIMIT 1" in q["sql"]
        ]
        self.assertEqual(len(sorted_ids), 1, sorted_ids)
        selected = sorted_ids[0].split(" FROM ")[0]
        self.assertEqual(selected.count(","), 0, selected)


class TestIndexPageRouting(ClinicTreeTestCase):
    """An index page routes to its children like Wagtail, in fewer queries."""

    def route(self, *components):
        return self.condition_index.route(get_dummy_request(), list(components))

    def test_an_article_is_found_in_one_query(self):
        article = make_condition_page(self.condition_index, slug="back-pain")
        with CaptureQueriesContext(connection) as queries:
            found = self.route("back-pain").page
        # Wagtail's own routing: the generic page, then the specific one.
        self.assertEqual(len(queries), 1)
        self.assertIs(type(found), ConditionPage)
        self.assertEqual(found.pk, article.pk)
        with self.assertNumQueries(0):
            self.assertEqual(found.get_parent().pk, self.condition_index.pk)

    def test_other_children_are_routed_as_wagtail_routes_them(self):
        # A child of a type the index does not allow (added in code) is
        # still served as its own type.
        other = self.condition_index.add_child(
            instance=HostConditionPage(
                title="Neck pain",
                slug="neck-pain",
                condition_name="Neck pain",
                intro="Why your neck hurts.",
            )
        )
        found = self.route("neck-pain").page
        self.assertIs(type(found), HostConditionPage)
        self.assertEqual(found.pk, other.pk)

    def test_drafts_and_unknown_slugs_are_not_found(self):
        make_condition_page(self.condition_index, slug="draft", live=False)
        for slug in ("draft", "no-such-article"):
            with self.subTest(slug=slug), self.assertRaises(Http404):
                self.route(slug)


class TestMassageTypeIndexContext(ClinicTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.back_pain = make_condition_page(cls.condition_index, slug="back-pain")
        cls.neck_pain = make_condition_page(
            cls.condition_index, title="Neck pain", slug="neck-pain", live=False
        )
        deep_tissue, shiatsu, _sports = cls.massage_types
        for page in (deep_tissue, shiatsu):
            page.conditions.set([cls.back_pain, cls.neck_pain])
            page.save()
        make_massage_type(cls.massage_index, title="Draft massage", live=False)

    def context(self, **query):
        request = get_dummy_request(path=f"/?{urlencode(query)}")
        return self.massage_index.get_context(request)

    def test_lists_live_massage_types_by_title(self):
        context = self.context()
        self.assertEqual(list(context["massage_types"]), self.massage_types)
        self.assertIsNone(context["selected_condition"])
        self.assertFalse(context["unknown_condition"])

    def test_condition_choices_are_live_conditions_a_massage_type_helps(self):
        self.assertEqual(
            list(self.context()["condition_choices"]),
            [self.back_pain.page_ptr.specific],
        )

    def test_filters_by_condition_slug(self):
        context = self.context(condition="back-pain")
        self.assertEqual(context["selected_condition"], self.back_pain)
        self.assertEqual(list(context["massage_types"]), self.massage_types[:2])

    def test_unknown_condition_slug_lists_everything_and_says_so(self):
        context = self.context(condition="no-such-condition")
        self.assertTrue(context["unknown_condition"])
        self.assertIsNone(context["selected_condition"])
        self.assertEqual(list(context["massage_types"]), self.massage_types)

    def test_a_draft_condition_is_not_a_filter(self):
        context = self.context(condition="neck-pain")
        self.assertTrue(context["unknown_condition"])

    def test_the_filter_offers_the_conditions_most_massage_types_help(self):
        hip = make_condition_page(
            self.condition_index, title="Hip pain", slug="hip-pain"
        )
        self.massage_types[2].conditions.set([hip])
        index = self.massage_index.specific
        self.assertEqual(list(index.get_condition_choices()), [hip, self.back_pain])
        # Bounded: the one most massage types help.
        self.assertEqual(list(index.get_condition_choices(limit=1)), [self.back_pain])
        self.assertEqual(
            [p for p in index.get_cached_paths() if "condition" in p],
            ["/?condition=hip-pain", "/?condition=back-pain"],
        )

    def test_any_live_condition_filters_even_if_the_filter_does_not_offer_it(self):
        knee = make_condition_page(
            self.condition_index, title="Knee pain", slug="knee-pain"
        )
        context = self.context(condition="knee-pain")
        self.assertEqual(context["selected_condition"], knee)
        self.assertIn(knee, context["condition_choices"])
        self.assertEqual(list(context["massage_types"]), [])

    @override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 2})
    def test_paginates(self):
        pages = {
            number: list(self.context(page=number)["massage_types"])
            for number in ("1", "2", "99")
        }
        self.assertEqual(pages["1"], self.massage_types[:2])
        self.assertEqual(pages["2"], self.massage_types[2:])
        self.assertEqual(pages["99"], self.massage_types[2:])  # Clamped to the last.


class TestRenderEditAndPreview(ClinicTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.image = make_image()
        cls.article = make_condition_page(
            cls.condition_index,
            slug="back-pain",
            hero_image=cls.image,
            hero_image_alt="A therapist at work",
            body=article_body(
                image=cls.image,
                clinic=cls.clinic,
                massage_types=cls.massage_types,
                link_page=cls.massage_types[0],
            ),
            reviewed_by=cls.therapist,
            last_reviewed=TODAY,
        )
        cls.massage_type = make_massage_type(
            cls.massage_index,
            title="Hot stone massage",
            image=cls.image,
            body=[
                {"type": "heading", "value": {"text": "What to expect", "level": "2"}},
                {"type": "quote", "value": {"text": "So warm.", "attribution": ""}},
            ],
            conditions=[cls.article],
        )
        cls.host_condition = cls.home.add_child(
            instance=HostConditionPage(
                title="Neck pain",
                slug="neck-pain",
                condition_name="Neck pain",
                intro="Why your neck hurts.",
                video_url="https://video.example/neck",
            )
        )
        cls.host_stream = cls.home.add_child(
            instance=HostStreamPage(
                title="About",
                slug="about",
                body=[
                    {"type": "fact", "value": {"value": "1 in 4", "statement": "x"}},
                    {"type": "cta", "value": {"clinic": cls.clinic.pk}},
                    {
                        "type": "picture",
                        "value": {"image": cls.image.pk, "alt_text": "A therapist"},
                    },
                ],
            )
        )

    def pages_with_form_data(self):
        """Each page with what the admin posts for it.

        Wagtail's form-scraping default cannot see StreamField inputs (the
        editor builds them in JavaScript), so pages with a body get explicit
        data; the index pages use the data scraped from their edit form.
        """
        article = article_form_data(
            image=self.image,
            clinic=self.clinic,
            therapist=self.therapist,
            massage_types=self.massage_types,
        )
        massage_type = nested_form_data(
            {
                "title": "Hot stone massage",
                "slug": "hot-stone-massage",
                "summary": "Warm stones loosen tight muscles.",
                "session_lengths": "60",
                "body": streamfield(
                    [("quote", {"text": "So warm.", "attribution": "A patient"})]
                ),
            }
        )
        host_condition = nested_form_data(
            {
                "title": "Neck pain",
                "slug": "neck-pain",
                "condition_name": "Neck pain",
                "intro": "Why your neck hurts.",
                "video_url": "https://video.example/neck",
                "body": streamfield([]),
            }
        )
        host_stream = nested_form_data(
            {
                "title": "About",
                "slug": "about",
                "body": streamfield(
                    [("fact", {"value": "1 in 4", "statement": "have back pain."})]
                ),
            }
        )
        return [
            (self.condition_index, None),
            (self.article, article),
            (self.massage_index, None),
            (self.massage_type, massage_type),
            (self.host_condition, host_condition),
            (self.host_stream, host_stream),
        ]

    def test_every_page_type_renders(self):
        for page, _data in self.pages_with_form_data():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_the_article_shows_every_block(self):
        response = self.client.get(self.article.url)
        html = self.get_soup(response.content)

        self.assertEqual(html.select_one("h1").get_text(strip=True), self.article.title)
        self.assertIsNotNone(html.select_one("h2#how-massage-helps"))
        self.assertIsNotNone(html.select_one("h3#which-massage"))
        self.assertContains(response, "85%")
        massage_links = {a["href"] for a in html.select("main a")}
        self.assertLessEqual({page.url for page in self.massage_types}, massage_links)
        self.assertEqual(
            [
                strong.get_text(strip=True)
                for strong in html.select("main ul li strong")
            ][:2],
            ["Less tension", "Better sleep"],
        )
        self.assertContains(response, "Every 2 to 3 weeks")
        self.assertIn(
            "Does it hurt?",
            [
                summary.get_text(strip=True)
                for summary in html.select("details summary")
            ],
        )
        self.assertContains(response, "Speak with your doctor")
        figure_image = html.select_one('img[alt="A therapist massaging a lower back"]')
        self.assertNotIn("not-found", figure_image["src"])
        self.assertIsNotNone(html.select_one("blockquote"))
        self.assertIsNotNone(html.select_one('a[href="tel:+17805550123"]'))
        self.assertEqual(
            html.select_one("ol li cite").get_text(strip=True),
            "Massage for low back pain",
        )

    def test_massage_type_index_renders_filtered_and_paginated(self):
        for query in ({"condition": "back-pain"}, {"condition": "nope"}, {"page": 9}):
            with self.subTest(query=query):
                self.assertPageIsRenderable(self.massage_index, query_data=query)

    def test_every_page_type_is_editable(self):
        for page, data in self.pages_with_form_data():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsEditable(page, post_data=data)

    def test_every_page_type_is_previewable(self):
        for page, data in self.pages_with_form_data():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsPreviewable(page, post_data=data)

    def test_publishing_an_edit_of_the_article_stores_the_posted_body(self):
        self.article.body = []
        self.article.save_revision().publish()
        data = article_form_data(
            image=self.image,
            clinic=self.clinic,
            therapist=self.therapist,
            massage_types=self.massage_types,
        )
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.article.pk]), data
        )

        self.assertRedirects(
            response, reverse("wagtailadmin_explore", args=[self.condition_index.pk])
        )
        self.article.refresh_from_db()
        self.assertEqual(len(self.article.body), 13)
        self.assertEqual(self.article.body[2].value["value"], "85%")

    def test_preview_of_an_unsaved_edit_shows_the_posted_body(self):
        data = nested_form_data(
            {
                "title": "Relief From Pain In The Back",
                "slug": "back-pain",
                "condition_name": "Back pain",
                "intro": "How massage helps.",
                "body": streamfield(
                    [("key_fact", {"value": "42%", "statement": "of previews work."})]
                ),
            }
        )
        preview_url = reverse(
            "wagtailadmin_pages:preview_on_edit", args=[self.article.pk]
        )
        self.client.post(preview_url, data)
        response = self.client.get(preview_url)

        self.assertContains(response, "42%")
        self.assertContains(response, "of previews work.")
        self.assertNotContains(response, "85%")

    def tab_labels(self, page):
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.assertEqual(response.status_code, 200)
        soup = self.get_soup(response.content)
        # A tab's own text is its label; the rest is an error counter.
        labels = [
            tab.find(string=True, recursive=False).strip()
            for tab in soup.select('[role="tablist"] [role="tab"]')
        ]
        return labels, soup

    def test_condition_page_edit_view_has_content_review_and_promote_tabs(self):
        labels, soup = self.tab_labels(self.article)
        self.assertEqual(labels, ["Content", "Medical review", "Promote", "Settings"])
        review_tab = soup.select_one("#tab-medical_review")
        self.assertIsNotNone(review_tab.select_one('[name="reviewed_by"]'))
        self.assertIsNotNone(review_tab.select_one('[name="last_reviewed"]'))
        self.assertIsNotNone(review_tab.select_one('[name="next_review_due"]'))

    def test_massage_type_edit_view_has_a_sessions_tab(self):
        labels, soup = self.tab_labels(self.massage_type)
        self.assertEqual(labels[:3], ["Content", "Sessions and conditions", "Promote"])
        sessions_tab = soup.select_one("#tab-sessions_and_conditions")
        self.assertIsNotNone(sessions_tab.select_one('[name="session_lengths"]'))
        # Entered once, in the articles: no field here, a read-only list.
        self.assertIsNone(sessions_tab.select_one('[name="conditions"]'))
        self.assertIn('"Massage types" section', sessions_tab.get_text())

    def chosen_by(self, massage_type):
        """The condition names the massage type's sessions tab lists."""
        _labels, soup = self.tab_labels(massage_type)
        tab = soup.select_one("#tab-sessions_and_conditions")
        return [a.get_text(strip=True) for a in tab.select(".clinic-chosen-by__list a")]

    def publish_article_choosing(self, massage_types):
        data = article_form_data(
            image=self.image,
            clinic=self.clinic,
            therapist=self.therapist,
            massage_types=massage_types,
        )
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.article.pk]), data
        )
        self.assertEqual(response.status_code, 302)

    def test_the_sessions_tab_lists_the_articles_choosing_the_massage_type(self):
        self.massage_type.conditions.clear()
        self.assertEqual(self.chosen_by(self.massage_type), [])
        _deep_tissue, shiatsu, sports = self.massage_types

        self.publish_article_choosing([self.massage_type, shiatsu, sports])
        # By condition name, not the article's long headline.
        self.assertEqual(self.chosen_by(self.massage_type), ["Back pain"])
        self.assertEqual(self.chosen_by(shiatsu), ["Back pain"])

        self.publish_article_choosing(self.massage_types)
        self.assertEqual(self.chosen_by(self.massage_type), [])
        self.assertEqual(self.chosen_by(shiatsu), ["Back pain"])

    def test_the_sessions_tab_names_at_most_20_articles_and_counts_them_all(self):
        self.massage_type.conditions.set(
            [
                make_condition_page(
                    self.condition_index,
                    title=f"A long headline {n:02}",
                    slug=f"ache-{n}",
                    condition_name=f"Ache {n:02}",
                )
                for n in range(23)
            ]
        )
        _labels, soup = self.tab_labels(self.massage_type)
        tab = soup.select_one("#tab-sessions_and_conditions")
        names = [
            a.get_text(strip=True) for a in tab.select(".clinic-chosen-by__list a")
        ]
        self.assertEqual(names, [f"Ache {n:02}" for n in range(20)])
        text = " ".join(tab.get_text().split())
        self.assertIn("23 condition articles choose this massage type", text)
        self.assertIn("and 3 more.", text)
        usage = reverse("wagtailadmin_pages:usage", args=[self.massage_type.pk])
        self.assertIsNotNone(tab.select_one(f'a[href="{usage}"]'))

    def test_host_condition_page_edit_view_shows_the_extra_field(self):
        _labels, soup = self.tab_labels(self.host_condition)
        self.assertIsNotNone(soup.select_one('#tab-content [name="video_url"]'))
