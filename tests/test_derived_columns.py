"""What saving an article records about its body in the database.

The massage types' ``conditions`` (the articles whose "Massage types"
sections choose them) and an article's ``unsourced_facts`` are kept by
``AbstractConditionPage.save()``, so listings and the medical review query
columns instead of loading every body; migration 0007 fills them in for
existing content.
"""

import importlib

from django.apps import apps
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks import task_backends
from wagtail.models import Locale

from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.blocks.choosers import MassageTypeChooserBlock
from wagtail_clinic.blocks.clinic import MassageTypesBlock
from wagtail_clinic.blocks.raw import chosen_ids
from wagtail_clinic.models import ConditionPage, MassageTypePage


DUMMY_TASKS = "django_tasks.backends.dummy.DummyBackend"

migration = importlib.import_module(
    "wagtail_clinic.migrations.0007_derived_conditions_and_review_columns"
)


def helped(massage_type):
    """The condition ids ``massage_type`` lists, sorted."""
    return sorted(massage_type.conditions.values_list("pk", flat=True))


class DerivedColumnsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        _, home = make_site_tree()
        cls.index = make_condition_index(home, slug="conditions")
        massage_index = make_massage_type_index(home, slug="massage-types")
        cls.deep, cls.sports, cls.hot_stone = (
            make_massage_type(massage_index, title=title, slug=title.lower())
            for title in ("Deep", "Sports", "Stone")
        )
        cls.clinic = make_clinic()
        cls.image = make_image()

    def body(self, massage_types, *, cta_massage_type=None, sourced=True):
        body = article_body(
            image=self.image,
            clinic=self.clinic,
            massage_types=massage_types,
            link_page=self.deep,
        )
        for block in body:
            if block["type"] == "booking_cta" and cta_massage_type is not None:
                block["value"]["massage_type"] = cta_massage_type.pk
            if block["type"] == "key_fact" and not sourced:
                block["value"].update(source_title="", source_url="")
        return body


class TestChosenMassageTypes(DerivedColumnsTestCase):
    def test_an_article_is_listed_by_the_massage_types_it_chooses(self):
        article = make_condition_page(
            self.index,
            body=self.body([self.deep, self.sports], cta_massage_type=self.hot_stone),
        )
        self.assertEqual(helped(self.deep), [article.pk])
        self.assertEqual(helped(self.sports), [article.pk])
        # A booking button for a massage type does not say that it helps.
        self.assertEqual(helped(self.hot_stone), [])

    def test_publishing_a_new_body_moves_the_relation(self):
        article = make_condition_page(self.index, body=self.body([self.deep]))
        page = ConditionPage.objects.get(pk=article.pk)
        page.body = self.body([self.sports])
        page.save_revision().publish()
        self.assertEqual(helped(self.deep), [])
        self.assertEqual(helped(self.sports), [article.pk])

    def test_a_draft_changes_nothing_until_it_is_published(self):
        article = make_condition_page(self.index, body=self.body([self.deep]))
        page = ConditionPage.objects.get(pk=article.pk)
        page.body = self.body([self.sports])
        revision = page.save_revision()
        self.assertEqual(helped(self.deep), [article.pk])
        self.assertEqual(helped(self.sports), [])
        revision.publish()
        self.assertEqual(helped(self.sports), [article.pk])

    def test_a_translation_is_listed_by_the_massage_types_of_its_locale(self):
        french = Locale.objects.create(language_code="fr")
        article = make_condition_page(
            self.index, body=self.body([self.deep, self.sports])
        )
        deep_fr = self.deep.copy_for_translation(french, copy_parents=True)
        deep_fr.save_revision().publish()
        # The English massage type's articles are not copied with it.
        self.assertEqual(helped(deep_fr), [])
        article_fr = article.copy_for_translation(french, copy_parents=True)
        article_fr.save_revision().publish()
        self.assertEqual(helped(deep_fr), [article_fr.pk])
        self.assertEqual(helped(self.deep), [article.pk])
        # No French sports massage yet: the French article stays with the
        # one it chose.
        self.assertEqual(helped(self.sports), sorted([article.pk, article_fr.pk]))

    def test_saving_other_fields_leaves_the_relation(self):
        article = make_condition_page(self.index, body=self.body([self.deep]))
        MassageTypePage.conditions.through.objects.all().delete()
        article.title = "Renamed"
        table = MassageTypePage.conditions.through._meta.db_table
        with CaptureQueriesContext(connection) as queries:
            article.save(update_fields=["title"])
        self.assertFalse([q for q in queries if table in q["sql"]])
        self.assertEqual(helped(self.deep), [])

    @override_settings(TASKS={"default": {"BACKEND": DUMMY_TASKS}})
    def test_the_cost_does_not_grow_with_the_number_chosen(self):
        article = make_condition_page(self.index, body=self.body([self.deep]))
        backend = task_backends["default"]
        previous = {self.deep.pk}
        for chosen in ([self.sports], [self.deep, self.sports, self.hot_stone]):
            article.body = self.body(chosen)
            backend.clear()
            # Which massage types exist, which list the article, one delete
            # and one insert at most: per massage type model, not per page.
            # Their summaries are counted by a task, after the commit.
            with (
                self.captureOnCommitCallbacks(execute=True),
                CaptureQueriesContext(connection) as queries,
            ):
                article.record_chosen_massage_types()
            self.assertLessEqual(len(queries), 5, [q["sql"] for q in queries])
            wanted = {page.pk for page in chosen}
            (scheduled,) = backend.results
            self.assertEqual(scheduled.task.name, "refresh_conditions_summaries")
            self.assertEqual(scheduled.args, [sorted(previous ^ wanted)])
            previous = wanted
        self.assertEqual(helped(self.hot_stone), [article.pk])

    def test_unknown_and_deleted_pages_are_left_out(self):
        article = make_condition_page(self.index, body=self.body([self.deep]))
        body = self.body([self.sports])
        section = next(block for block in body if block["type"] == "massage_types")
        section["value"]["items"].append(
            {"page": 987654, "name": "", "description": ""}
        )
        article.body = body
        article.save()
        self.assertEqual(helped(self.sports), [article.pk])
        self.assertEqual(
            chosen_ids(article.body, MassageTypeChooserBlock, within=MassageTypesBlock),
            {self.sports.pk, 987654},
        )


class TestUnsourcedFacts(DerivedColumnsTestCase):
    def test_follows_the_saved_body(self):
        article = make_condition_page(self.index, body=self.body([], sourced=False))
        self.assertEqual(ConditionPage.objects.get(pk=article.pk).unsourced_facts, 1)
        page = ConditionPage.objects.get(pk=article.pk)
        page.body = self.body([])
        page.save_revision().publish()
        self.assertEqual(ConditionPage.objects.get(pk=article.pk).unsourced_facts, 0)

    def test_update_fields_with_the_body_saves_the_count(self):
        article = make_condition_page(self.index, body=self.body([]))
        article.body = self.body([], sourced=False)
        article.save(update_fields=["body"])
        self.assertEqual(ConditionPage.objects.get(pk=article.pk).unsourced_facts, 1)


class TestMigrationBackfill(DerivedColumnsTestCase):
    def test_rebuilds_both_columns_from_the_bodies(self):
        chosen = make_condition_page(
            self.index, slug="a", body=self.body([self.sports], sourced=False)
        )
        other = make_condition_page(self.index, slug="b", body=self.body([]))
        # What a site had before: a relation ticked on the massage type only,
        # and no counts.
        through = MassageTypePage.conditions.through
        through.objects.all().delete()
        self.deep.conditions.add(other)
        ConditionPage.objects.update(unsourced_facts=0)

        migration.fill_derived_columns(apps, None)

        self.assertEqual(helped(self.sports), [chosen.pk])
        self.assertEqual(helped(self.deep), [])
        counts = dict(ConditionPage.objects.values_list("pk", "unsourced_facts"))
        self.assertEqual(counts, {chosen.pk: 1, other.pk: 0})
