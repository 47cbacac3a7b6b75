"""tests/localize/ runs only under tests.settings_localize (with wagtail-localize).

Under any other settings (the main suite's ``tests.settings``) nothing here is
collected: wagtail-localize's models need its apps installed.
"""

from django.conf import settings


if "wagtail_localize" not in settings.INSTALLED_APPS:
    if getattr(settings, "WAGTAIL_LOCALIZE_INSTALLED", None) is False:
        # tests.settings_localize without the package: say so, do not hide it.
        collect_ignore_glob = []
    else:
        collect_ignore_glob = ["test_*.py"]
