from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.urls import api as api_v3
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet


# API v2: Wagtail's stable, read-only API. Clinic blocks arrive fully
# expanded here too.
api_v2 = WagtailAPIRouter("wagtailapi_v2")
api_v2.register_endpoint("pages", PagesAPIViewSet)
api_v2.register_endpoint("images", ImagesAPIViewSet)
api_v2.register_endpoint("documents", DocumentsAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_v2.urls),
    # API v3 (a preview in Wagtail 8): pages, images, documents, OpenAPI at
    # /api/v3/openapi.json, and wagtail-clinic's endpoints under
    # /api/v3/clinic/ (mounted by the app; see its README).
    path("api/v3/", api_v3.urls),
    # The XML sitemap, one for every language: the clinic pages list their
    # translations (/fr/...) with hreflang alternates, and their lastmod is
    # the later of publication and medical review. Outside i18n_patterns.
    path("sitemap.xml", sitemap),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    # Serve static and uploaded files from the development server.
    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every page of the site: these must be the last patterns.
# English pages stay where they were (/conditions/back-pain/), French ones are
# under /fr/ (/fr/affections/mal-de-dos/): the language prefix picks the
# page tree (LocaleMiddleware activates the language, Wagtail routes from the
# site root page's translation in it). The admin and the APIs above stay
# unprefixed; the APIs take ?locale=fr instead.
urlpatterns += i18n_patterns(
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
