"""Content blocks for health articles: text, facts, lists, media and sources (layer 3).

Each block works on its own in any StreamField; ``streams.py`` combines them
into the article stream. ``ClinicStructBlock`` and ``SectionBlock`` are the
bases of the struct blocks whose API value is Wagtail's own (text as
strings) and of the blocks with a section heading.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from wagtail_clinic.blocks.choosers import RenditionImageChooserBlock
from wagtail_clinic.blocks.schemas import (
    ClinicBenefit,
    ClinicBenefits,
    ClinicCallout,
    ClinicFaq,
    ClinicFaqItem,
    ClinicFigure,
    ClinicFrequency,
    ClinicHeading,
    ClinicKeyFact,
    ClinicQuote,
    ClinicReference,
    ClinicReferences,
)
from wagtail_clinic.blocks.text import CharBlock, TextBlock
from wagtail_clinic.blocks.values import (
    HeadingStructValue,
    ImageStructValue,
    KeyFactStructValue,
    SectionStructValue,
)
from wagtail_clinic.serialisation.representations import (
    context_root_url,
    default_disclaimer,
    image_representation,
    plain_text_as_rich_text,
    prepare_rich_text,
    rich_text_format,
    rich_text_representation,
)
from wagtail_clinic.serialisation.richtext import BatchedRichText
from wagtail_clinic.serialisation.schemas import rich_text_type
from wagtail_clinic.serialisation.site import DEFAULT_DISCLAIMER, get_clinic_settings


# Block picker previews: the default preview page plus the optional stylesheet.
PREVIEW_TEMPLATE = "wagtail_clinic/blocks/preview.html"

validate_anchor = RegexValidator(
    r"^[-\w]+\Z",
    _(
        "Use only letters, numbers, hyphens and underscores, with no spaces, "
        "e.g. how-massage-helps."
    ),
)

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]
INLINE_FEATURES = ["bold", "italic", "link"]


def _preview_image():
    from wagtail.images import get_image_model

    return get_image_model().objects.order_by("pk").first()


#: Child blocks whose API value is text: a string even when left blank.
_TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.URLBlock)


class ClinicStructBlock(blocks.StructBlock):
    """A StructBlock whose API value is Wagtail's: one key per child block.

    Text children (``CharBlock``, ``TextBlock``, ``URLBlock``) are always
    strings: Wagtail gives None for one missing from older data, and a
    lazy translation for a translated default.
    """

    def get_api_representation(self, value, context=None):
        representation = super().get_api_representation(value, context)
        for name, child in self.child_blocks.items():
            if isinstance(child, _TEXT_BLOCKS):
                representation[name] = str(representation.get(name) or "")
        return representation


def section_heading(**kwargs):
    """The optional ``heading`` child of a ``SectionBlock`` (up to 150 characters).

    Args:
        **kwargs: the block's own ``help_text`` or ``default``.
    """
    return CharBlock(label=_("Heading"), required=False, max_length=150, **kwargs)


class SectionBlock(ClinicStructBlock):
    """A block with an optional section ``heading``: an H2 with an anchor.

    Subclasses declare the ``heading`` child themselves, with
    ``section_heading()`` (their help texts and defaults differ). The API value is Wagtail's plus the ``anchor``
    (see ``section_representation``); ``value.anchor_id`` gives it to
    templates and the outline.
    """

    def section_representation(self, value):
        """The ``heading`` and ``anchor`` of the API value (``ClinicSection``)."""
        return {"heading": str(value.get("heading") or ""), "anchor": value.anchor_id}

    def get_api_representation(self, value, context=None):
        return {
            **super().get_api_representation(value, context),
            **self.section_representation(value),
        }

    class Meta:
        preview_template = PREVIEW_TEMPLATE
        value_class = SectionStructValue


class BatchedRichTextBlock(blocks.RichTextBlock):
    """A ``RichTextBlock`` whose values can be link-expanded in one batch."""

    def to_python(self, value):
        return BatchedRichText(value)

    def normalize(self, value):
        if isinstance(value, BatchedRichText):
            return value
        source = value.source if hasattr(value, "source") else value
        return BatchedRichText(source and str(source))

    def value_from_form(self, value):
        return BatchedRichText(value)

    def get_api_representation(self, value, context=None):
        """The text in the request's ``rich_text_format``.

        Uses the links expanded for the whole stream when the stream (or a
        struct around it) has batched them; see ``prepare_rich_text``.
        """
        return rich_text_representation(
            value, rich_text_format(context), features=self.features
        )

    def api_schema(self):
        return rich_text_type(self.features)


class HeadingBlock(ClinicStructBlock):
    """A section (H2) or subsection (H3) heading with a linkable anchor."""

    text = CharBlock(
        label=_("Heading text"),
        max_length=150,
        help_text=_("Keep it short and descriptive, e.g. 'How massage helps'."),
    )
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[
            ("2", _("Section heading (H2)")),
            ("3", _("Subsection heading (H3)")),
        ],
        default="2",
        help_text=_("Use H3 only inside a section that starts with an H2."),
    )
    anchor = CharBlock(
        label=_("Anchor"),
        required=False,
        max_length=80,
        validators=[validate_anchor],
        help_text=_(
            "The #link to this heading, used by the table of contents. Leave "
            "blank to make one from the heading text."
        ),
    )

    def get_api_representation(self, value, context=None):
        return {
            **super().get_api_representation(value, context),
            "level": value.level_number,
            "anchor": value.anchor_id,
        }

    def api_schema(self):
        return ClinicHeading

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "wagtail_clinic/blocks/heading_block.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = HeadingStructValue
        preview_value = {"text": _("How massage helps back pain"), "level": "2"}
        description = _(
            "A section heading. Headings also build the article's table of contents."
        )
        group = _("Text")


class ParagraphBlock(BatchedRichTextBlock):
    """Body text with bold, italic, links and lists."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "wagtail_clinic/blocks/paragraph_block.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = (
            "<p>Massage relaxes tight muscles, eases stiffness and helps you "
            "move more freely.</p>"
        )
        description = _("Body text with bold, italic, links and lists.")
        group = _("Text")


class KeyFactBlock(blocks.StructBlock):
    """A highlighted statistic such as "85%" with what it means and its source."""

    value = CharBlock(
        label=_("Figure"),
        max_length=20,
        help_text=_("The number to highlight, e.g. 85% or 1 in 4."),
    )
    statement = TextBlock(
        label=_("Statement"),
        max_length=300,
        help_text=_(
            "What the figure means, in one sentence, e.g. 'of adults will have "
            "back pain at some point in their lives'."
        ),
    )
    source_title = CharBlock(
        label=_("Source title"),
        required=False,
        max_length=255,
        help_text=_("Where the figure comes from, e.g. a study or a health agency."),
    )
    source_url = blocks.URLBlock(
        label=_("Source link"), required=False, help_text=_("A link to the source.")
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("source_url") and not value.get("source_title"):
            raise StructBlockValidationError(
                block_errors={
                    "source_title": ValidationError(
                        _("Name the source you are linking to.")
                    )
                }
            )
        return value

    def get_api_representation(self, value, context=None):
        source = None
        if value.has_source:
            source = {
                "title": str(value.get("source_title") or ""),
                "url": str(value.get("source_url") or ""),
            }
        return {
            "value": str(value.get("value") or ""),
            "statement": str(value.get("statement") or ""),
            "source": source,
        }

    def api_schema(self):
        return ClinicKeyFact

    class Meta:
        icon = "pick"
        label = _("Key fact")
        template = "wagtail_clinic/blocks/key_fact_block.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = KeyFactStructValue
        preview_value = {
            "value": "85%",
            "statement": _("of adults will have back pain at some point."),
            "source_title": _("National health survey"),
        }
        description = _("A statistic shown large, with its source.")
        group = _("Medical content")


class BenefitItemBlock(ClinicStructBlock):
    """One benefit: a short bold title and a sentence."""

    title = CharBlock(
        label=_("Title"), max_length=100, help_text=_("e.g. Less muscle tension")
    )
    description = TextBlock(
        label=_("Description"),
        max_length=500,
        help_text=_("One or two sentences explaining the benefit."),
    )

    def api_schema(self):
        return ClinicBenefit

    class Meta:
        icon = "check"
        label = _("Benefit")


class BenefitsBlock(SectionBlock):
    """A list of health benefits, each a bold title and a sentence."""

    heading = section_heading(
        help_text=_("e.g. 'Benefits of massage for back pain'. Optional.")
    )
    intro = TextBlock(label=_("Introduction"), required=False, max_length=500)
    items = blocks.ListBlock(BenefitItemBlock(), min_num=1, label=_("Benefits"))

    def api_schema(self):
        return ClinicBenefits

    class Meta:
        icon = "list-ul"
        label = _("Benefits")
        template = "wagtail_clinic/blocks/benefits_block.html"
        preview_value = {
            "heading": _("Benefits of massage"),
            "items": [
                {
                    "title": _("Less muscle tension"),
                    "description": _("Knots and tight spots loosen."),
                },
                {
                    "title": _("Better sleep"),
                    "description": _("Many people sleep more deeply after a session."),
                },
            ],
        }
        description = _("A list of health benefits, each with a bold title.")
        group = _("Medical content")


class FrequencyBlock(SectionBlock):
    """A "how often" recommendation, e.g. every 2 to 3 weeks."""

    heading = section_heading(default=_("How often should you get a massage?"))
    how_often = CharBlock(
        label=_("How often"),
        max_length=100,
        help_text=_("The recommendation itself, e.g. 'Every 2 to 3 weeks'."),
    )
    note = TextBlock(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Who it applies to, or when to come more or less often."),
    )

    def api_schema(self):
        return ClinicFrequency

    class Meta:
        icon = "date"
        label = _("How often")
        template = "wagtail_clinic/blocks/frequency_block.html"
        preview_value = {
            "heading": _("How often should you get a massage?"),
            "how_often": _("Every 2 to 3 weeks"),
            "note": _("Your therapist may suggest weekly visits at first."),
        }
        description = _("A recommendation of how often to have treatment.")
        group = _("Medical content")


class FaqItemBlock(ClinicStructBlock):
    """One question and its answer."""

    question = CharBlock(label=_("Question"), max_length=255)
    answer = BatchedRichTextBlock(label=_("Answer"), features=PARAGRAPH_FEATURES)

    def api_schema(self):
        return ClinicFaqItem

    class Meta:
        icon = "help"
        label = _("Question")


class FaqBlock(SectionBlock):
    """Frequently asked questions, shown as expandable answers."""

    heading = section_heading(default=_("Frequently asked questions"))
    items = blocks.ListBlock(FaqItemBlock(), min_num=1, label=_("Questions"))

    def get_api_representation(self, value, context=None):
        # All answers' links in one batch, also when used outside our streams.
        prepare_rich_text(value, context)
        return super().get_api_representation(value, context)

    def api_schema(self):
        return ClinicFaq

    class Meta:
        icon = "help"
        label = _("FAQ")
        template = "wagtail_clinic/blocks/faq_block.html"
        preview_value = {
            "heading": _("Frequently asked questions"),
            "items": [
                {
                    "question": _("Does massage hurt?"),
                    "answer": "<p>It should not. Tell your therapist if the pressure is too firm.</p>",
                }
            ],
        }
        description = _("Questions and answers that readers can expand.")
        group = _("Text")


class CalloutBlock(ClinicStructBlock):
    """A highlighted box: information, a warning or a medical disclaimer."""

    tone = blocks.ChoiceBlock(
        label=_("Type"),
        choices=[
            ("info", _("Information")),
            ("warning", _("Warning")),
            ("disclaimer", _("Medical disclaimer")),
        ],
        default="info",
    )
    heading = CharBlock(label=_("Heading"), required=False, max_length=150)
    text = BatchedRichTextBlock(
        label=_("Text"),
        required=False,
        features=INLINE_FEATURES,
        help_text=_(
            "Required, except for disclaimers: a blank disclaimer shows the "
            "site's default disclaimer from Settings."
        ),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        if value.get("tone") == "disclaimer" and not value.get("text"):
            settings = get_clinic_settings(context.get("request"))
            context["default_disclaimer"] = (
                settings.disclaimer if settings is not None else DEFAULT_DISCLAIMER
            )
        return context

    def get_api_representation(self, value, context=None):
        representation = super().get_api_representation(value, context)
        tone = representation["tone"] = value.get("tone") or "info"
        if not value.get("text"):
            # A disclaimer shows the same default as the template, as rich
            # text paragraphs.
            representation["text"] = (
                rich_text_representation(
                    plain_text_as_rich_text(default_disclaimer(context)),
                    rich_text_format(context),
                    features=self.child_blocks["text"].features,
                )
                if tone == "disclaimer"
                else ""
            )
        return representation

    def api_schema(self):
        return ClinicCallout

    def clean(self, value):
        value = super().clean(value)
        if not value.get("text") and value.get("tone") != "disclaimer":
            raise StructBlockValidationError(
                block_errors={
                    "text": ValidationError(
                        _(
                            "Write the callout text. Only a disclaimer may be "
                            "left blank to use the default wording."
                        )
                    )
                }
            )
        return value

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "wagtail_clinic/blocks/callout_block.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "tone": "disclaimer",
            "text": "<p>Speak with your doctor before changing your treatment.</p>",
        }
        description = _("A highlighted note, warning or medical disclaimer.")
        group = _("Text")


class ImageBlock(blocks.StructBlock):
    """An image with alt text (unless decorative) and an optional caption."""

    image = RenditionImageChooserBlock(label=_("Image"))
    decorative = blocks.BooleanBlock(
        label=_("Decorative only"),
        required=False,
        help_text=_(
            "Tick only if the image adds no information; screen readers will skip it."
        ),
    )
    alt_text = CharBlock(
        label=_("Alt text"),
        required=False,
        max_length=250,
        help_text=_(
            "Describe what the image shows for people who cannot see it. "
            "Required unless the image is decorative."
        ),
    )
    caption = CharBlock(label=_("Caption"), required=False, max_length=250)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(
                        _(
                            "Describe the image, or tick 'Decorative only' if it "
                            "adds no information."
                        )
                    )
                }
            )
        return value

    def get_api_representation(self, value, context=None):
        alt = str(value.alt or "")
        return {
            "image": image_representation(
                value.get("image"), alt, base=context_root_url(context)
            ),
            "alt": alt,
            "decorative": bool(value.get("decorative")),
            "caption": str(value.get("caption") or ""),
        }

    def api_schema(self):
        return ClinicFigure

    def get_preview_value(self):
        # Evaluated when the block picker opens, so it can use the image library.
        return self.to_python(
            {
                "image": getattr(_preview_image(), "pk", None),
                "alt_text": str(_("A therapist massaging a patient's lower back")),
                "caption": str(_("Massage can ease lower back pain.")),
            }
        )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "wagtail_clinic/blocks/image_block.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = ImageStructValue
        description = _("An image with alt text and an optional caption.")
        group = _("Media")


class QuoteBlock(ClinicStructBlock):
    """A pull quote or patient testimonial with its attribution."""

    text = TextBlock(label=_("Quote"), max_length=1000)
    attribution = CharBlock(
        label=_("Attribution"),
        required=False,
        max_length=150,
        help_text=_("Who said it. Get consent before quoting a patient by name."),
    )

    def api_schema(self):
        return ClinicQuote

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "wagtail_clinic/blocks/quote_block.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "text": _("After three sessions I could garden again without pain."),
            "attribution": _("A patient"),
        }
        description = _("A quotation with who said it.")
        group = _("Text")


class ReferenceItemBlock(ClinicStructBlock):
    """One cited source."""

    title = CharBlock(label=_("Title"), max_length=255)
    url = blocks.URLBlock(label=_("Link"), required=False)
    publisher = CharBlock(
        label=_("Publisher or journal"), required=False, max_length=255
    )
    year = blocks.IntegerBlock(
        label=_("Year"), required=False, min_value=1800, help_text=_("e.g. 2021")
    )

    def clean(self, value):
        value = super().clean(value)
        # Checked here rather than with max_value, which migrations would freeze.
        year = value.get("year")
        if year is not None and year > datetime.date.today().year + 1:
            raise StructBlockValidationError(
                block_errors={
                    "year": ValidationError(_("Enter a year no later than next year."))
                }
            )
        return value

    def api_schema(self):
        return ClinicReference

    class Meta:
        icon = "link"
        label = _("Source")


class ReferencesBlock(SectionBlock):
    """A numbered list of the sources the article relies on."""

    heading = section_heading(default=_("Sources"))
    items = blocks.ListBlock(ReferenceItemBlock(), min_num=1, label=_("Sources"))

    def api_schema(self):
        return ClinicReferences

    class Meta:
        icon = "list-ol"
        label = _("References")
        template = "wagtail_clinic/blocks/references_block.html"
        preview_value = {
            "heading": _("Sources"),
            "items": [
                {
                    "title": _("Massage for low back pain"),
                    "publisher": _("A systematic review"),
                    "year": 2020,
                }
            ],
        }
        description = _("A numbered list of sources.")
        group = _("Medical content")
