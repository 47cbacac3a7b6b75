"""Wagtail hooks of the medical review (layer 5).

Reports › Medical review and its dashboard panel (see ``review.views``).
Imported by ``wagtail_clinic.wagtail_hooks``, which Wagtail loads.
"""

from wagtail import hooks

from wagtail_clinic.review import views


hooks.register("register_admin_urls", views.register_admin_urls)
hooks.register("register_reports_menu_item", views.register_reports_menu_item)
hooks.register("construct_homepage_panels", views.construct_homepage_panels)
