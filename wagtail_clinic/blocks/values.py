"""StructValue classes: computed presentation for the block templates (layer 3)."""

from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import StructValue

from wagtail_clinic.blocks.booking import (
    booking_link,
    find_request_form_page,
    massage_type_of,
)
from wagtail_clinic.serialisation.representations import image_alt_text
from wagtail_clinic.serialisation.translations import loaded_language


def make_anchor(text):
    """A URL-fragment-safe anchor for a heading text ("section" if empty)."""
    return slugify(str(text or ""), allow_unicode=True)[:80].strip("-") or "section"


class HeadingStructValue(StructValue):
    """A heading with its level as a number and its effective anchor."""

    @property
    def level_number(self):
        return int(self.get("level") or 2)

    @property
    def tag(self):
        return f"h{self.level_number}"

    @property
    def anchor_id(self):
        return self.get("anchor") or make_anchor(self.get("text"))


class SectionStructValue(StructValue):
    """A block with an optional section heading, shown as an H2 with an anchor."""

    @property
    def anchor_id(self):
        heading = self.get("heading")
        return make_anchor(heading) if heading else ""


class MassageTypeItemStructValue(StructValue):
    """One entry of a massage-types list: a chosen page and/or a plain name.

    A chosen page that is not live lends nothing (title, summary, image, link),
    so a draft's content never shows on a public page.
    """

    @property
    def title(self):
        page = self.linked_page
        return self.get("name") or (page.title if page else "")

    @property
    def description_text(self):
        page = self.linked_page
        return self.get("description") or (page.summary if page else "")

    @property
    def fallback_language(self):
        """The language of the chosen page when the entry shows its title in a
        language other than the active one (an untranslated page on a
        translated article), else "": the template marks it ``lang``."""
        page = self.linked_page
        # Only pages the chooser looked up in another locale can be in a
        # language other than the article's (no query: see loaded_language).
        language = loaded_language(page) if page is not None else None
        if not language or self.get("name"):
            return ""
        active = (get_language() or "").split("-")[0]
        return language if language.split("-")[0] != active else ""

    @property
    def linked_page(self):
        """The chosen page, if it is live and can therefore be linked to."""
        page = self.get("page")
        return page if page is not None and page.live else None

    @property
    def image(self):
        page = self.linked_page
        return page.image if page is not None else None

    @property
    def image_alt(self):
        page = self.linked_page
        return image_alt_text(page.image, page.image_alt) if page is not None else ""


class MassageTypesStructValue(SectionStructValue):
    """A massage-types list; ``visible_items`` skips entries with nothing to show."""

    @property
    def visible_items(self):
        return [item for item in self.get("items", []) if item.title]


class ImageStructValue(StructValue):
    """An image with the alt text to use ("" when decorative)."""

    @property
    def alt(self):
        return "" if self.get("decorative") else self.get("alt_text", "")


class KeyFactStructValue(StructValue):
    """A key statistic; ``has_source`` tells whether it cites anything."""

    @property
    def has_source(self):
        return bool(self.get("source_title") or self.get("source_url"))


@dataclass(frozen=True)
class BookingAction:
    """Where a booking call to action sends the patient, resolved for a clinic."""

    href: str
    label: str
    is_external: bool = False
    #: The page the button opens, when it opens one (e.g. the request form).
    page: object = field(default=None, compare=False)


ACTION_LABELS = {
    "book_online": _("Book online"),
    "call": _("Call %(phone)s"),
    "request_form": _("Request an appointment"),
    "link": _("Book an appointment"),
}


class BookingCTAStructValue(SectionStructValue):
    """A booking call to action; ``resolve`` works out its button."""

    def resolve(self, clinic, request=None, page=None):
        """Return the ``BookingAction`` for ``clinic``, or None if it has nowhere to go.

        Args:
            clinic: the chosen clinic, or the site's default clinic.
            request: the current request, used to build page URLs cheaply.
            page: the page the block is on, if known: on a massage type's
                page, "book online" deep-links to that massage type.
        """
        action = self.get("action") or "book_online"
        href, external, target = "", False, None
        if action == "book_online":
            massage_type = massage_type_of(self.get("massage_type")) or massage_type_of(
                page
            )
            href = booking_link(clinic, massage_type)
            external = bool(href)
        elif action == "call" and clinic is not None and clinic.phone:
            href = clinic.tel_href
        elif action in ("request_form", "link"):
            chosen = self.get("link_page")
            if chosen is not None and chosen.live:
                target = chosen
            elif action == "request_form" and not self.get("link_url"):
                target = find_request_form_page(request)
            if target is not None:
                href = target.get_url(request) or ""
            elif self.get("link_url"):
                href, external = self.get("link_url"), True
        if not href:
            return None
        label = self.get("button_label")
        if not label:
            phone = clinic.phone_display if clinic is not None else ""
            label = ACTION_LABELS[action] % {"phone": phone}
        return BookingAction(
            href=href, label=str(label), is_external=external, page=target
        )
