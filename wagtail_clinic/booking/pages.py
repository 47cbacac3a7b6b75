"""The appointment request page types (layer 4c).

``AbstractAppointmentRequestPage`` shows the fixed, privacy-minded request
form (``booking.forms``) and stores what it receives through
``booking.service``; ``AppointmentRequestPage`` is the concrete page type.
The requests themselves (``AppointmentRequest``) are in ``booking.models``.
"""

from django.apps import apps
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from wagtail_clinic.blocks.text import CountedTextarea
from wagtail_clinic.booking import service
from wagtail_clinic.booking.forms import AppointmentRequestForm
from wagtail_clinic.booking.models import RequestSource, consent_fingerprint
from wagtail_clinic.db import DatabaseBusy
from wagtail_clinic.edge.pages import EdgeCacheMixin
from wagtail_clinic.models.sitemaps import SitemapMixin
from wagtail_clinic.preview.mixins import HeadlessPreviewMixin
from wagtail_clinic.public_input.ratelimit import RateLimited
from wagtail_clinic.serialisation.site import get_default_clinic


INTRO_FEATURES = ["bold", "italic", "link", "ul", "ol"]

DEFAULT_CONSENT_TEXT = _(
    "I agree that the clinic may store these details and use them to contact "
    "me about an appointment. They are deleted after a limited time."
)
DEFAULT_THANK_YOU_TEXT = _(
    "Thank you. We have received your request and will contact you soon to "
    "find a time. If you need help urgently, call us."
)


class AbstractAppointmentRequestPage(
    EdgeCacheMixin, HeadlessPreviewMixin, SitemapMixin, Page
):
    """A page with the fixed, privacy-minded appointment request form.

    GET shows the form (``?sent=1``: the thank-you text); POST validates and
    stores an ``AppointmentRequest``, then redirects (POST-redirect-GET), so
    no patient data ever ends up in a URL.
    """

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_(
            "Shown above the form, e.g. what happens after a request and how soon "
            "the clinic answers."
        ),
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_(
            "Shown after a request is sent. Leave blank for: 'Thank you. We have "
            "received your request and will contact you soon to find a time.'"
        ),
    )
    clinic = models.ForeignKey(
        "wagtail_clinic.Clinic",
        verbose_name=_("clinic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The clinic that receives the requests. Leave blank to use the "
            "default clinic from Settings › Clinic settings."
        ),
    )
    consent_text = models.TextField(
        _("consent statement"),
        blank=True,
        max_length=1000,
        help_text=_(
            "What patients agree to with the consent checkbox. Leave blank for "
            "the built-in statement. Each request stores the text it was sent with."
        ),
    )
    privacy_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked next to the consent checkbox."),
    )
    privacy_notice_version = models.CharField(
        _("privacy notice version"),
        max_length=50,
        blank=True,
        help_text=_(
            "e.g. '2026-01'. Stored with each request. Leave blank to store a "
            "fingerprint of the consent statement instead."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
        FieldPanel("clinic"),
        MultiFieldPanel(
            [
                FieldPanel("consent_text", widget=CountedTextarea),
                FieldPanel("privacy_notice_page"),
                FieldPanel("privacy_notice_version"),
            ],
            heading=_("Consent and privacy"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    # Public page content only: the requests themselves are never in the API.
    api_fields = [
        APIField("intro"),
        APIField("thank_you_text"),
        APIField("consent_statement"),
        APIField("privacy_notice_version_label"),
    ]

    subpage_types = []
    #: The form patients fill in (see ``get_form_class``).
    form_class = AppointmentRequestForm

    class Meta:
        abstract = True

    # Content ---------------------------------------------------------------

    @property
    def consent_statement(self):
        """The consent text patients see: the page's own or the built-in one."""
        return self.consent_text or str(DEFAULT_CONSENT_TEXT)

    @property
    def privacy_notice_version_label(self):
        """The version stored with each request."""
        return self.privacy_notice_version or consent_fingerprint(
            self.consent_statement
        )

    @property
    def thank_you_message(self):
        """The page's thank-you text ("": the template's default)."""
        return self.thank_you_text or ""

    def get_clinic(self, request=None):
        """The page's clinic, or the default clinic of its site."""
        if self.clinic_id is not None:
            return self.clinic
        return get_default_clinic(request)

    def get_massage_types(self, request=None):
        """The live, public massage types of this page's site, by title, in
        this page's language (under the site root's translation).

        ``MassageTypePage`` is looked up in the app registry: importing
        ``models.pages`` here would create those page types before this one
        and change the order of Wagtail's page type lists (and the API's).
        """
        massage_type_page = apps.get_model("wagtail_clinic", "MassageTypePage")
        queryset = massage_type_page.objects.live().public()
        site = self.get_site()
        if site is not None:
            # The tree of this page's language: the site root's translation.
            root = site.root_page
            if root.locale_id != self.locale_id:
                root = root.get_translation_or_none(self.locale) or root
            queryset = queryset.descendant_of(root, inclusive=True)
        return queryset.order_by("title").only("pk", "title", "slug")

    # Serving ---------------------------------------------------------------

    def get_form_class(self):
        """The form class to show and validate with (``form_class``)."""
        return self.form_class

    def get_form(self, data=None, request=None):
        """The request form, bound to ``data`` if given.

        Args:
            data: the submitted data (``request.POST`` or the API's), or None.
            request: the request, for the site whose massage types to offer.
        """
        return self.get_form_class()(
            data=data,
            massage_types=self.get_massage_types(request),
            consent_label=self.consent_statement,
        )

    def serve(self, request, *args, **kwargs):
        """``serve_form``, with the edge-cache headers (``EdgeCacheMixin``)."""
        return self.serve_edge_cached(request, self.serve_form, *args, **kwargs)

    def serve_form(self, request, *args, **kwargs):
        """GET: the form (``?sent=1``: the thank-you text); POST: ``serve_post``."""
        if request.method == "POST":
            return self.serve_post(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        sent = request.GET.get("sent") == "1"
        return self.render_form_page(
            request, form=None if sent else self.get_form(request=request), sent=sent
        )

    def serve_post(self, request):
        """Validate and store a posted request; redirect, or show the errors."""
        # Error reports (500 emails, Sentry) must not carry what patients typed.
        request.sensitive_post_parameters = "__ALL__"
        form = self.get_form(data=request.POST, request=request)
        try:
            outcome = service.submit_appointment_request(
                self, form, request, source=RequestSource.FORM
            )
        except RateLimited:
            form.add_error(
                None,
                _(
                    "We have received several requests from your connection "
                    "recently. Please try again later, or call us."
                ),
            )
            response = self.render_form_page(request, form=form, status=429)
        except DatabaseBusy as busy:
            # Nothing was stored: show the form again, as the patient filled
            # it in, so that sending it again is one click.
            form.add_error(
                None,
                _(
                    "We could not save your request just now because our "
                    "system is busy. Nothing was sent, and everything you "
                    "typed is still here: please send it again in a few "
                    "seconds."
                ),
            )
            response = self.render_form_page(request, form=form, status=503)
            response["Retry-After"] = str(busy.retry_after)
        else:
            if outcome is None:  # Invalid: show the errors.
                response = self.render_form_page(request, form=form, status=200)
            else:
                response = HttpResponseRedirect(self.get_sent_url(request))
        response["Cache-Control"] = "no-store"
        return response

    def get_sent_url(self, request):
        """Where a stored request redirects to: the page with ``?sent=1``."""
        return (self.get_url(request) or request.path) + "?sent=1"

    def render_form_page(self, request, *, form, sent=False, status=200):
        """The page with ``form`` (or, if ``sent``, the thank-you text)."""
        context = self.get_context(request)
        context.update(
            form=form,
            sent=sent,
            clinic=self.get_clinic(request),
            thank_you_text=self.thank_you_message,
            default_thank_you_text=DEFAULT_THANK_YOU_TEXT,
        )
        return TemplateResponse(
            request, self.get_template(request), context, status=status
        )


class AppointmentRequestPage(AbstractAppointmentRequestPage):
    """The site's "Book an appointment" page with the request form."""

    template = "wagtail_clinic/pages/appointment_request_page.html"

    class Meta:
        verbose_name = _("appointment request page")
        verbose_name_plural = _("appointment request pages")
