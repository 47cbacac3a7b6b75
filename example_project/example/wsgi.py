"""WSGI entry point of the example site.

Production servers should set ``DJANGO_SETTINGS_MODULE=example.settings.production``.
"""

import os

from django.core.wsgi import get_wsgi_application


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings.dev")

application = get_wsgi_application()
