"""Wagtail admin integration (layer 6): every feature's hooks, and the
"Clinic" snippets menu.

Wagtail imports this module; each feature registers its own hooks in its
``hooks`` module, imported here for that side effect.
"""

from wagtail.snippets.models import register_snippet

from wagtail_clinic.booking import hooks as booking_hooks  # noqa: F401
from wagtail_clinic.comments import hooks as comment_hooks  # noqa: F401
from wagtail_clinic.preview import hooks as preview_hooks  # noqa: F401
from wagtail_clinic.review import hooks as review_hooks  # noqa: F401
from wagtail_clinic.viewsets import ClinicViewSetGroup
from wagtail_clinic.webhooks import hooks as webhook_hooks  # noqa: F401


register_snippet(ClinicViewSetGroup)
