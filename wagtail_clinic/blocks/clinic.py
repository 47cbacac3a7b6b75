"""Blocks that present the clinic's services: massage types and booking (layer 3)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from wagtail_clinic.blocks.booking import (
    booking_link,
    find_request_form_page,
    massage_type_of,
)
from wagtail_clinic.blocks.choosers import (
    ClinicChooserBlock,
    MassageTypeChooserBlock,
    SpecificPageChooserBlock,
)
from wagtail_clinic.blocks.content import SectionBlock, section_heading
from wagtail_clinic.blocks.schemas import (
    ClinicBookingCTA,
    ClinicMassageTypeItem,
    ClinicMassageTypes,
)
from wagtail_clinic.blocks.text import CharBlock, TextBlock
from wagtail_clinic.blocks.values import (
    BookingCTAStructValue,
    MassageTypeItemStructValue,
    MassageTypesStructValue,
)
from wagtail_clinic.serialisation.representations import (
    api_request,
    clinic_representation,
    default_clinic,
    live_page,
    page_representation,
    remember_clinic,
)
from wagtail_clinic.serialisation.site import get_default_clinic


class MassageTypeItemBlock(blocks.StructBlock):
    """One massage type: a chosen massage-type page, a plain name, or both."""

    page = MassageTypeChooserBlock(
        label=_("Massage type page"),
        required=False,
        help_text=_("Choose one of the site's massage types to link to it."),
    )
    name = CharBlock(
        label=_("Name"),
        required=False,
        max_length=150,
        help_text=_(
            "Needed when no page is chosen; otherwise overrides the page title, "
            "e.g. 'Deep tissue / myofascial release'."
        ),
    )
    description = TextBlock(
        label=_("Description"),
        required=False,
        max_length=600,
        help_text=_(
            "How this massage helps with the condition. Leave blank to use the "
            "page's summary."
        ),
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("page") is None and not value.get("name"):
            raise StructBlockValidationError(
                block_errors={
                    "page": ValidationError(
                        _("Choose a massage type page or type a name.")
                    )
                }
            )
        return value

    def get_api_representation(self, value, context=None):
        # A page that is not live lends nothing (see MassageTypeItemStructValue).
        return {
            "title": str(value.title),
            "description": str(value.description_text or ""),
            "page": page_representation(value.linked_page, api_request(context)),
        }

    def api_schema(self):
        return ClinicMassageTypeItem

    class Meta:
        icon = "user"
        label = _("Massage type")
        value_class = MassageTypeItemStructValue


class MassageTypesBlock(SectionBlock):
    """A list of massage types, each with a short description."""

    heading = section_heading(
        help_text=_("e.g. 'Types of massage for back pain'. Optional.")
    )
    intro = TextBlock(label=_("Introduction"), required=False, max_length=500)
    items = blocks.ListBlock(
        MassageTypeItemBlock(), min_num=1, label=_("Massage types")
    )

    def get_api_representation(self, value, context=None):
        # Entries with nothing to show are left out, as on the page.
        shown = self.meta.value_class(self, value)
        shown["items"] = value.visible_items
        return super().get_api_representation(shown, context)

    def api_schema(self):
        return ClinicMassageTypes

    class Meta:
        icon = "list-ul"
        label = _("Massage types")
        template = "wagtail_clinic/blocks/massage_types_block.html"
        value_class = MassageTypesStructValue
        preview_value = {
            "heading": _("Types of massage"),
            "items": [
                {
                    "name": _("Deep tissue / myofascial release"),
                    "description": _("Slow, firm pressure on deeper muscle layers."),
                },
                {
                    "name": _("Shiatsu and acupressure"),
                    "description": _("Finger pressure along the body's meridians."),
                },
            ],
        }
        description = _("A list of massage types that help, linked to their pages.")
        group = _("Clinic")


class BookingCTABlock(SectionBlock):
    """A call to action that sends the patient to book an appointment."""

    heading = section_heading(default=_("Book an appointment"))
    text = TextBlock(
        label=_("Text"),
        required=False,
        max_length=500,
        help_text=_("e.g. 'Call us right away to start feeling better.'"),
    )
    clinic = ClinicChooserBlock(
        label=_("Clinic"),
        required=False,
        help_text=_(
            "Leave blank to use the default clinic from Settings › Clinic settings."
        ),
    )
    action = blocks.ChoiceBlock(
        label=_("Button action"),
        choices=[
            ("book_online", _("Book online (the clinic's booking link)")),
            ("call", _("Call the clinic")),
            ("request_form", _("Go to the appointment request form")),
            ("link", _("Go to another page or web address")),
        ],
        default="book_online",
    )
    massage_type = MassageTypeChooserBlock(
        label=_("Massage type"),
        required=False,
        help_text=_(
            "For 'book online': open this treatment in the booking system, if the "
            "clinic has a booking link for massage types. On a massage type's "
            "page that massage type is used anyway."
        ),
    )
    button_label = CharBlock(
        label=_("Button label"),
        required=False,
        max_length=60,
        help_text=_("Leave blank for a label that matches the action."),
    )
    link_page = SpecificPageChooserBlock(
        label=_("Page"),
        required=False,
        help_text=_(
            "For 'request form' (leave blank for the site's appointment request "
            "page) and 'another page': the page to open."
        ),
    )
    link_url = blocks.URLBlock(
        label=_("Web address"),
        required=False,
        help_text=_("For 'another page': use this instead of choosing a page."),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = context.get("request")
        clinic = value.get("clinic") or get_default_clinic(request)
        context["clinic"] = clinic
        context["cta"] = value.resolve(
            clinic, request=request, page=context.get("page")
        )
        return context

    def get_api_representation(self, value, context=None):
        request = api_request(context)
        clinic = value.get("clinic")
        if clinic is not None:
            # Loaded with its hours: the page's structured data may reuse it.
            remember_clinic((context or {}).get("page"), clinic)
        else:
            clinic = default_clinic(context)
        button = value.resolve(
            clinic, request=request, page=(context or {}).get("page")
        )
        return {
            **self.section_representation(value),
            "text": str(value.get("text") or ""),
            "action": value.get("action") or "book_online",
            "clinic": clinic_representation(clinic),
            "button": (
                {
                    "label": button.label,
                    "href": button.href,
                    "external": button.is_external,
                }
                if button is not None
                else None
            ),
            "accepting_new_patients": bool(
                clinic is not None and clinic.accepting_new_patients
            ),
            # The page the button opens: the chosen one, or the site's request
            # form page found for a "request form" button left blank.
            "link_page": page_representation(
                (button.page if button is not None else None)
                or live_page(value.get("link_page")),
                request,
            ),
            "link_url": str(value.get("link_url") or ""),
        }

    def api_schema(self):
        return ClinicBookingCTA

    def clean(self, value):
        value = super().clean(value)
        action = value.get("action")
        errors = {}
        if action in ("book_online", "call"):
            clinic = value.get("clinic") or get_default_clinic()
            if clinic is None:
                errors["clinic"] = _(
                    "Choose a clinic: no default clinic is set in Settings › "
                    "Clinic settings."
                )
            elif action == "book_online" and not booking_link(
                clinic, massage_type_of(value.get("massage_type"))
            ):
                errors["clinic"] = _(
                    "%(clinic)s has no online booking URL. Add one to the clinic, "
                    "choose another clinic or another button action."
                ) % {"clinic": clinic}
            elif action == "call" and not clinic.phone:
                errors["clinic"] = _(
                    "%(clinic)s has no phone number. Add one to the clinic, "
                    "choose another clinic or another button action."
                ) % {"clinic": clinic}
        elif (
            action == "request_form"
            and value.get("link_page") is None
            and find_request_form_page() is None
        ):
            errors["link_page"] = _(
                "Choose the appointment request page: the site has no published "
                "appointment request page to use."
            )
        elif action == "link" and not (value.get("link_page") or value.get("link_url")):
            errors["link_page"] = _("Choose a page or enter a web address.")
        if errors:
            raise StructBlockValidationError(
                block_errors={
                    name: ValidationError(message) for name, message in errors.items()
                }
            )
        return value

    class Meta:
        icon = "calendar-check"
        label = _("Booking call to action")
        template = "wagtail_clinic/blocks/booking_cta_block.html"
        value_class = BookingCTAStructValue
        # A call to action, not content: its heading stays out of the table
        # of contents (see ``streams.outline``).
        in_outline = False
        preview_value = {
            "heading": _("Book an appointment"),
            "text": _("Call us right away to start feeling better."),
            "action": "call",
        }
        description = _(
            "A button that lets patients book online, call the clinic or request "
            "an appointment."
        )
        group = _("Clinic")
