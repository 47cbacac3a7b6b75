"""Edge-cache purging and deploy checks (see docs/deploy.md).

``paths`` works out the URLs a change makes stale, ``signals`` purges them
through Wagtail's ``wagtail.contrib.frontend_cache`` when
``WAGTAILFRONTENDCACHE`` is set, ``checks`` holds the deploy-time checks.
Imports nothing: the receivers are connected from ``AppConfig.ready()``.
"""
