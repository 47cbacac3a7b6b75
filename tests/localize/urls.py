"""tests.urls with Wagtail's page serving under i18n_patterns (French at /fr/)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls

from tests.urls import urlpatterns as base_urlpatterns


urlpatterns = [
    # Everything but Wagtail's catch-all page serving, which moves below.
    *(
        p
        for p in base_urlpatterns
        if getattr(p, "urlconf_name", None) is not wagtail_urls
    ),
    *i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False),
]
