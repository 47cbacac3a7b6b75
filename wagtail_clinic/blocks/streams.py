"""The curated StreamBlocks: the article body and the massage-type body (layer 3).

The child names are public: they are stored in the database and are the
``type`` keys of the JSON API. Never rename them without a data migration.
"""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

import wagtail_clinic.blocks.clinic as clinic
import wagtail_clinic.blocks.content as content

from wagtail_clinic.blocks.choosers import renditions_in_one_query
from wagtail_clinic.blocks.values import make_anchor
from wagtail_clinic.fields import stream_value_owner
from wagtail_clinic.serialisation.cache import (
    cached_value,
    context_variant,
    is_cacheable,
    stream_field_name,
)
from wagtail_clinic.serialisation.representations import prepare_rich_text
from wagtail_clinic.serialisation.schemas import stream_api_schema


class OutlineEntry:
    """One entry of an article's outline (its table of contents)."""

    def __init__(self, index, level, text, anchor):
        self.index = index
        self.level = level
        self.text = text
        self.anchor = anchor

    def __repr__(self):
        return f"<OutlineEntry h{self.level} #{self.anchor}>"


def outline(stream_value):
    """The headings of a stream, in order, as ``OutlineEntry`` objects.

    Heading blocks contribute their level; blocks with a section heading
    (benefits, FAQ, …) contribute an H2, unless their block's ``Meta`` says
    ``in_outline = False``: the booking call to action is not content, so
    its "Book an appointment" is no entry of the table of contents.
    """
    entries = []
    for index, child in enumerate(stream_value):
        value = child.value
        if child.block_type == "heading":
            entries.append(
                OutlineEntry(index, value.level_number, value["text"], value.anchor_id)
            )
        elif getattr(value, "anchor_id", "") and in_outline(child.block):
            entries.append(OutlineEntry(index, 2, value["heading"], value.anchor_id))
    return entries


def in_outline(block):
    """Whether the section heading of ``block`` is an entry of the outline.

    True unless the block's ``Meta`` sets ``in_outline = False``.
    """
    return getattr(block.meta, "in_outline", True)


# Ids the default templates use for their own elements; a heading anchor must
# not take one of them.
RESERVED_ANCHORS = frozenset(
    {
        "main-content",
        "clinic-toc-heading",
        "clinic-filter-condition",
        "clinic-sources-heading",
        # The comments section and its form (includes/comment*.html).
        "comments",
        "respond",
        "clinic-comments-title",
        "clinic-respond-title",
        "clinic-comment-errors-title",
        # The appointment request form (pages/appointment_request_page.html).
        "clinic-contact-hint",
        "clinic-error-summary-title",
    }
)


def _error(field, message):
    return StructBlockValidationError(block_errors={field: ValidationError(message)})


class OutlineValidationMixin:
    """Validates the headings of a stream as one document.

    Anchors must be unique (blank heading anchors are filled in from the text,
    made unique), and an H3 may only follow an H2.
    """

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        taken = {}
        seen_h2 = False
        blank_headings = []
        for index, child in enumerate(value):
            child_value = child.value
            if child.block_type == "heading":
                if child_value.level_number == 3 and not seen_h2:
                    errors[index] = _error(
                        "level",
                        _(
                            "A subsection heading (H3) must come after a section "
                            "heading (H2). Make this an H2 or add one above it."
                        ),
                    )
                seen_h2 = seen_h2 or child_value.level_number == 2
                if not child_value.get("anchor"):
                    blank_headings.append(child_value)
                    continue
                anchor, field = child_value["anchor"], "anchor"
            elif getattr(child_value, "anchor_id", ""):
                seen_h2 = True
                anchor, field = child_value.anchor_id, "heading"
            else:
                continue
            if anchor in RESERVED_ANCHORS:
                errors[index] = _error(
                    field,
                    _("#%(anchor)s is used by the page itself. Choose another anchor.")
                    % {"anchor": anchor},
                )
            elif anchor in taken:
                errors[index] = _error(
                    field,
                    _(
                        "Another heading above already links as #%(anchor)s. "
                        "Change this one so each section has its own link."
                    )
                    % {"anchor": anchor},
                )
            taken.setdefault(anchor, index)
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        for heading in blank_headings:
            heading["anchor"] = _unique_anchor(make_anchor(heading["text"]), taken)
            taken[heading["anchor"]] = None
        return value


def _unique_anchor(anchor, taken):
    candidate, number = anchor, 2
    while candidate in taken or candidate in RESERVED_ANCHORS:
        candidate = f"{anchor}-{number}"
        number += 1
    return candidate


class StreamAPIMixin:
    """Complete, typed API output for a StreamBlock of wagtail-clinic blocks.

    ``get_api_representation`` loads the chosen objects of all children
    first, with the renditions of all their images in one query
    (``renditions_in_one_query``), expands the links of all rich text in the
    stream in one batch (for the ``html`` and ``markdown`` formats), then
    lets the children serialise themselves, sharing one context dict so
    per-request values (format, default clinic) are resolved once.
    The children see the page the stream belongs to as ``context["page"]``
    (as in a template), when the value was read from a page. A live page's
    body is kept in the representation cache (``serialisation.cache``).
    ``api_schema()`` is the discriminated union of the children's types.
    """

    def get_api_representation(self, value, context=None):
        if value is None:
            return []
        context = {} if context is None else context
        owner = stream_value_owner(value)
        if owner is None or not is_cacheable(owner):
            return self._api_representation(value, context, owner)
        name = stream_field_name(owner, value)
        if name is None:
            return self._api_representation(value, context, owner)
        # A live page's body comes from the representation cache when it can.
        return cached_value(
            owner,
            f"stream:{name}",
            context_variant(context),
            lambda: self._api_representation(value, context, owner),
        )

    def _api_representation(self, value, context, owner):
        if owner is not None:
            context = {**context, "page": owner}
        with renditions_in_one_query():
            # Reading every child loads the chosen objects, one query per
            # chooser; their images' renditions follow in one query.
            for _child in value:
                pass
        prepare_rich_text(value, context)
        items = []
        for child in value:
            if child.id is None:
                # Unsaved values have no ids yet; saving would assign them too.
                child.id = str(uuid.uuid4())
            items.append(
                {
                    "type": child.block.name,
                    "value": child.block.get_api_representation(child.value, context),
                    "id": child.id,
                }
            )
        return items

    def api_schema(self):
        return stream_api_schema(self)


class ArticleStreamBlock(StreamAPIMixin, OutlineValidationMixin, blocks.StreamBlock):
    """The body of a condition article; every article block is available."""

    heading = content.HeadingBlock()
    paragraph = content.ParagraphBlock()
    key_fact = content.KeyFactBlock()
    massage_types = clinic.MassageTypesBlock()
    benefits = content.BenefitsBlock()
    frequency = content.FrequencyBlock()
    faq = content.FaqBlock()
    callout = content.CalloutBlock()
    image = content.ImageBlock()
    quote = content.QuoteBlock()
    booking_cta = clinic.BookingCTABlock()
    references = content.ReferencesBlock()

    class Meta:
        label = _("Article body")


class MassageTypeStreamBlock(ArticleStreamBlock):
    """The body of a massage-type page: the article blocks minus massage_types."""

    massage_types = None

    class Meta:
        label = _("Massage type body")
