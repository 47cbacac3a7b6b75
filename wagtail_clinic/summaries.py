"""Keep the conditions summaries up to date: signal receivers (layer 6).

``ConditionsSummary`` (``wagtail_clinic.models.condition_summary``) stores
what massage types and their index pages show of the conditions they help.
These receivers schedule its refresh (``schedule_refresh``: a task, run
when the transaction commits) for the massage types whose summary a change
can alter, and the task adds their index pages:

* a condition article published or unpublished: the massage types it is
  one of the conditions of (its title or visibility changed; those it
  joined or left are scheduled by its ``save()``);
* a page moved, or a view restriction added, changed or removed: the
  massage types of the conditions in its subtree, and those in it (and the
  page's former parent);
* a condition or massage type deleted: the massage types it was a condition
  of, or its index page;
* a site saved or deleted (its root or its translations' trees): every
  massage type;
* a massage type's ``conditions`` changed through the relation's manager
  (``massage_type.conditions.add(...)``; the articles' ``save()`` writes
  the rows directly and schedules the refresh itself): that massage type.

``connect_signals()`` is called by ``AppConfig.ready()``.
"""

import swapper

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from wagtail_clinic.models import AbstractConditionPage, AbstractMassageTypePage
from wagtail_clinic.models.condition_summary import conditions_table, schedule_refresh
from wagtail_clinic.models.pages import concrete_subclasses


__all__ = ["connect_signals", "massage_types_in_subtree"]


def _massage_type_models():
    return concrete_subclasses(AbstractMassageTypePage)


def massage_types_of_conditions(**lookups):
    """Pks of the massage types helping the conditions matching ``lookups``
    (on the condition page, e.g. ``pk=7`` or ``path__startswith="0001"``):
    one query per massage type model."""
    found = set()
    for model in _massage_type_models():
        through, source, target = conditions_table(model)
        rows = through.objects.filter(
            **{f"{target}__{key}": value for key, value in lookups.items()}
        )
        found.update(rows.values_list(source, flat=True).distinct())
    return found


def massage_types_in_subtree(page):
    """Pks of the massage types whose summary a change of ``page``'s subtree
    can alter: those helping a condition in it, and those in it."""
    found = massage_types_of_conditions(path__startswith=page.path)
    for model in _massage_type_models():
        found.update(
            model.objects.filter(path__startswith=page.path).values_list(
                "pk", flat=True
            )
        )
    return found


def _kind(page):
    """``"condition"``, ``"massage type"`` or None, without a query."""
    page_class = page.specific_class or type(page)
    if issubclass(page_class, AbstractConditionPage):
        return "condition"
    if issubclass(page_class, AbstractMassageTypePage):
        return "massage type"
    return None


def on_page_published(sender, instance, **kwargs):
    """A condition published or unpublished: the massage types it is one of
    the conditions of. (A massage type's own summary does not depend on its
    being live.)"""
    if _kind(instance) == "condition":
        schedule_refresh(massage_types_of_conditions(pk=instance.pk))


def on_page_moved(sender, instance, parent_page_before=None, **kwargs):
    """A subtree moved: into or out of a site, or to another index page."""
    affected = massage_types_in_subtree(instance)
    if parent_page_before is not None:
        affected.add(parent_page_before.pk)
    schedule_refresh(affected)


def on_page_deleting(sender, instance, **kwargs):
    """A page about to be deleted: note what its deletion will change,
    while its ``conditions`` rows still exist."""
    kind = _kind(instance)
    if kind == "condition":
        instance._clinic_summaries = massage_types_of_conditions(pk=instance.pk)
    elif kind == "massage type" and instance.depth > 1:
        parent = instance.path[: -instance.steplen]
        instance._clinic_summaries = set(
            type(instance).objects.filter(path=parent).values_list("pk", flat=True)
        )


def on_page_deleted(sender, instance, **kwargs):
    """A page deleted: refresh what ``on_page_deleting`` noted."""
    schedule_refresh(getattr(instance, "_clinic_summaries", ()))


def on_restriction_changed(sender, instance, **kwargs):
    """A view restriction added, changed or removed: its subtree."""
    page_model = swapper.load_model("wagtailcore", "Page")
    # Not ``instance.page``: deleted with its page, the restriction's page
    # may be gone already.
    page = page_model.objects.filter(pk=instance.page_id).first()
    if page is not None:
        schedule_refresh(massage_types_in_subtree(page))


def on_site_changed(sender, instance, **kwargs):
    """A site saved or deleted: its trees may have changed."""
    # Wagtail's own receiver clears the site root paths too, maybe after us.
    Site.clear_site_root_paths_cache()
    everything = set()
    for model in _massage_type_models():
        everything.update(model.objects.values_list("pk", flat=True))
    schedule_refresh(everything)


def on_conditions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``conditions`` rows added or removed through the relation's manager."""
    if not action.startswith("post_"):
        return
    if not reverse:
        schedule_refresh([instance.pk])
    elif pk_set:
        schedule_refresh(pk_set)


def connect_signals():
    """Connect the receivers (connecting twice is harmless)."""
    uid = "wagtail_clinic.summaries"
    page_model = swapper.load_model("wagtailcore", "Page")
    page_published.connect(on_page_published, dispatch_uid=uid)
    page_unpublished.connect(on_page_published, dispatch_uid=uid)
    post_page_move.connect(on_page_moved, dispatch_uid=uid)
    pre_delete.connect(on_page_deleting, sender=page_model, dispatch_uid=uid)
    post_delete.connect(on_page_deleted, sender=page_model, dispatch_uid=uid)
    for signal in (post_save, post_delete):
        signal.connect(
            on_restriction_changed, sender=PageViewRestriction, dispatch_uid=uid
        )
        signal.connect(on_site_changed, sender=Site, dispatch_uid=uid)
    for model in _massage_type_models():
        through, _source, _target = conditions_table(model)
        m2m_changed.connect(on_conditions_changed, sender=through, dispatch_uid=uid)
