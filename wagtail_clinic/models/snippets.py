"""Snippets: the clinic (with its opening hours) and its therapists (layer 4a)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from wagtail_clinic.blocks.booking import validate_booking_url_template
from wagtail_clinic.public_input.phone import format_phone


phone_validator = RegexValidator(
    regex=r"^\+?[0-9 ().\-]{6,25}$",
    message=_(
        "Enter a phone number using digits, spaces, brackets, dots or dashes, "
        "optionally starting with +, e.g. +1 780 555 0123."
    ),
)


class Clinic(TranslatableMixin, index.Indexed, ClusterableModel):
    """A clinic location: contact details, address, hours and booking link."""

    name = models.CharField(_("name"), max_length=255)
    phone = models.CharField(
        _("phone"),
        max_length=32,
        blank=True,
        validators=[phone_validator],
        help_text=_("The number patients call to book, e.g. +1 780 555 0123."),
    )
    email = models.EmailField(_("email"), blank=True)
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    locality = models.CharField(
        _("city or town"), max_length=100, blank=True, help_text=_("e.g. Edmonton")
    )
    region = models.CharField(
        _("province or state"), max_length=100, blank=True, help_text=_("e.g. AB")
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("Two-letter country code, e.g. CA."),
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2}$", _("Enter a two-letter country code, e.g. CA.")
            )
        ],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    service_area = models.CharField(
        _("service area"),
        max_length=255,
        blank=True,
        help_text=_("The area the clinic serves, e.g. Edmonton South."),
    )
    booking_url = models.URLField(
        _("online booking URL"),
        blank=True,
        help_text=_(
            "The clinic's online booking system (e.g. a Jane App page). "
            "Used by 'Book online' buttons."
        ),
    )
    booking_url_template = models.CharField(
        _("booking link for a massage type"),
        max_length=500,
        blank=True,
        validators=[validate_booking_url_template],
        help_text=_(
            "Optional: a booking link that opens one treatment directly, with "
            "{massage_type} where the massage type's slug goes (or "
            "{massage_type_id}, {massage_type_title}), e.g. "
            "https://clinic.example/book?treatment={massage_type}. Used by "
            "'Book online' buttons on a massage type's page or naming a massage "
            "type; other buttons use the online booking URL."
        ),
    )
    accepting_new_patients = models.BooleanField(
        _("accepting new patients"),
        default=True,
        help_text=_("Shows 'Now booking new appointments!' on booking buttons."),
    )
    # Feeds Last-Modified of API responses that show the clinic.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("booking_url"),
                FieldPanel("booking_url_template"),
                FieldPanel("accepting_new_patients"),
            ],
            heading=_("Contact and booking"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel([FieldPanel("locality"), FieldPanel("region")]),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("country")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("service_area"),
            ],
            heading=_("Location"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Hours")),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("locality"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError(
                {missing: _("Enter both latitude and longitude, or neither.")}
            )

    @property
    def phone_display(self):
        """The phone number for people to read, e.g. "(780) 555-0123"."""
        return format_phone(self.phone)

    @property
    def tel_href(self):
        """The phone number as a ``tel:`` URL, or an empty string."""
        if not self.phone:
            return ""
        digits = re.sub(r"[^0-9]", "", self.phone)
        prefix = "+" if self.phone.strip().startswith("+") else ""
        return f"tel:{prefix}{digits}"

    @property
    def address_lines(self):
        """The non-empty parts of the postal address, in display order."""
        region_line = " ".join(p for p in (self.region, self.postal_code) if p)
        city_line = ", ".join(p for p in (self.locality, region_line) if p)
        return [line for line in (self.street_address, city_line) if line]

    @property
    def hours(self):
        """The opening hours, one row per day, in weekday then time order.

        A row for several days ("Monday to Friday") gives one row for each of
        them, so the page, the API and the structured data list days as they
        always did. Uses a prefetch of ``opening_hours`` when present.
        """
        return sorted(
            (day for row in self.opening_hours.all() for day in row.each_day()),
            key=lambda h: (h.weekday, h.opens),
        )


class OpeningHours(Orderable):
    """One row of a clinic's opening hours; a day may have several rows."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    clinic = ParentalKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    last_weekday = models.PositiveSmallIntegerField(
        _("to"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_(
            "For the same hours on several days in a row, e.g. Monday to "
            "Friday: the last day. Leave blank for one day."
        ),
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [
        FieldRowPanel(
            [
                FieldPanel("weekday"),
                FieldPanel("last_weekday"),
                FieldPanel("opens"),
                FieldPanel("closes"),
            ]
        )
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        days = self.get_weekday_display()
        if self.last_weekday and self.last_weekday != self.weekday:
            days = f"{days}–{self.get_last_weekday_display()}"
        return f"{days} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def weekdays(self):
        """The ISO weekdays (1 is Monday) this row covers, in order."""
        return list(range(self.weekday, (self.last_weekday or self.weekday) + 1))

    def each_day(self):
        """This row as one row per day it covers (unsaved copies for a range)."""
        if len(self.weekdays) == 1:
            return [self]
        return [
            OpeningHours(
                clinic_id=self.clinic_id,
                weekday=weekday,
                opens=self.opens,
                closes=self.closes,
            )
            for weekday in self.weekdays
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.opens and self.closes and self.closes <= self.opens:
            errors["closes"] = _(
                "The closing time must be later than the opening time."
            )
        if self.weekday and self.last_weekday and self.last_weekday < self.weekday:
            errors["last_weekday"] = _(
                "Choose a day after %(day)s (the week starts on Monday), or "
                "add a second row for the days before it."
            ) % {"day": self.get_weekday_display()}
        if errors:
            raise ValidationError(errors)


class Therapist(TranslatableMixin, index.Indexed, models.Model):
    """A registered therapist who treats patients or reviews articles."""

    name = models.CharField(_("name"), max_length=255)
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("Post-nominal letters, e.g. RMT or PT, MScPT."),
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=50,
        blank=True,
        help_text=_("The number issued by the therapist's regulatory college."),
    )
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bio = models.TextField(
        _("short biography"),
        blank=True,
        help_text=_("Two or three sentences about training and interests."),
    )
    clinic = models.ForeignKey(
        Clinic,
        verbose_name=_("clinic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="therapists",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("admin user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The therapist's own login to this admin, if they have one. When "
            "they approve a clinical review, they are recorded as the reviewer."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("credentials"), FieldPanel("registration_number")]),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("clinic"),
        FieldPanel("user"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("therapist")
        verbose_name_plural = _("therapists")
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """Name followed by credentials, e.g. "Dana Lee, RMT"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name
