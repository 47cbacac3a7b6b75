"""A URLconf without Wagtail's page serving, as on a headless-only site."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls


urlpatterns = [path("admin/", include(wagtailadmin_urls))]
