"""Read-only admin panels of the clinic's page types (layer 4b).

``ChoosingArticlesPanel``: on a massage type's "Sessions and conditions"
tab, the condition articles whose "Massage types" sections choose it. The
relation is entered once, in the article; this panel shows the other side.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


__all__ = ["ChoosingArticlesPanel"]


class ChoosingArticlesPanel(Panel):
    """The condition articles that choose this massage type, by condition name.

    Shows at most ``limit`` of them (two queries: the count and the first
    ones, whatever the size of the site), their total, a link to the Pages
    usage listing of the massage type, and how to add the massage type to an
    article.

    Args:
        limit: how many articles to name.
    """

    def __init__(self, limit=20, **kwargs):
        kwargs.setdefault("heading", _("Conditions it helps"))
        super().__init__(**kwargs)
        self.limit = limit

    def clone_kwargs(self):
        """The constructor arguments, for Wagtail's panel cloning."""
        return {**super().clone_kwargs(), "limit": self.limit}

    class BoundPanel(Panel.BoundPanel):
        """The panel bound to a massage type page."""

        template_name = "wagtail_clinic/admin/massage_type_conditions_panel.html"

        def get_context_data(self, parent_context=None):
            """``articles`` (the first ones, by condition name), ``total``,
            ``more`` (how many are not named) and ``usage_url``."""
            context = super().get_context_data(parent_context)
            page = self.instance
            articles, total, usage_url = [], 0, None
            if page is not None and page.pk:
                chosen_by = page.conditions.all()
                total = chosen_by.count()
                if total:
                    articles = list(
                        chosen_by.order_by("condition_name", "title", "pk").only(
                            "pk", "title", "condition_name", "live"
                        )[: self.panel.limit]
                    )
                    usage_url = reverse("wagtailadmin_pages:usage", args=[page.pk])
            context.update(
                articles=articles,
                total=total,
                more=max(total - len(articles), 0),
                usage_url=usage_url,
            )
            return context
