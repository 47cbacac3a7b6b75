"""The example's production settings as scripts/cluster.sh runs them.

Everything comes from ``example.settings.production`` and the environment
cluster.sh sets (``DATABASE_URL``, ``REDIS_URL``, ``FRONTEND_CACHE_URL``,
...). This overlay adds only what a test harness needs and a real site
configures for itself: the loopback webhook receiver of
scripts/cluster/scenarios.py, quick webhook retries, a static root and an
email backend that sends nothing (appointment notifications carry patient
data: they must not end up in a log).
"""

import os

from example.settings.production import *  # noqa: F403


STATIC_ROOT = os.environ["CLUSTER_STATIC_ROOT"]

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

WAGTAIL_CLINIC = {
    "WEBHOOKS": [
        {
            "url": os.environ["CLUSTER_WEBHOOK_URL"],
            "secret": os.environ["CLUSTER_WEBHOOK_SECRET"],
        }
    ],
    "WEBHOOK_TIMEOUT": 2,
    # Retries after 1, 2, 4 and 8 seconds instead of minutes.
    "WEBHOOK_RETRY_BACKOFF": 1,
    "WEBHOOK_MAX_ATTEMPTS": 6,
    "APPOINTMENT_RATE_LIMIT": "5/hour",
}
