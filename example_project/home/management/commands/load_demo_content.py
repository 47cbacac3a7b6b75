"""Load the example site's demo content: ``manage.py load_demo_content``.

Idempotent: objects are looked up by slug, name or title and updated in
place, and a page gets a new revision only when its content differs, so
running the command again leaves exactly the same rows. Every page is
validated as the page editor would validate it, StreamField blocks included.

Demo objects changed in the admin are put back to the demo content; anything
else (other pages, users, images) is left alone. The admin password is only
reset with ``--reset-admin-password``.
"""

import io
import json
import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail.blocks import StreamValue
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from home import demo_content as demo
from home.models import HomePage, StandardPage
from wagtail_clinic.models import (
    AppointmentRequestPage,
    Clinic,
    ClinicSettings,
    ConditionIndexPage,
    ConditionPage,
    MassageTypeIndexPage,
    MassageTypePage,
    OpeningHours,
    Therapist,
)


STOCK_WELCOME_TITLE = "Welcome to your new Wagtail site!"


def with_ids(data):
    """``data`` with a uuid4 ``id`` on every stream block and list item."""
    if isinstance(data, list):
        return [with_ids(item) for item in data]
    if isinstance(data, dict):
        result = {key: with_ids(value) for key, value in data.items()}
        if "type" in data and "value" in data:
            result.setdefault("id", str(uuid.uuid4()))
        return result
    return data


def without_ids(data):
    """``data`` without block and list-item ids, to compare content only."""
    if isinstance(data, list):
        return [without_ids(item) for item in data]
    if isinstance(data, dict):
        return {
            key: without_ids(value)
            for key, value in data.items()
            if not (key == "id" and "type" in data and "value" in data)
        }
    return data


def make_image(size, top, bottom, shape_color, shape):
    """A JPEG of a soft vertical gradient with a blurred shape on it."""
    width, height = size
    gradient = PILImage.linear_gradient("L").resize(size)
    picture = PILImage.composite(
        PILImage.new("RGB", size, bottom), PILImage.new("RGB", size, top), gradient
    )
    mask = PILImage.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    if shape == "circle":
        cx, cy, r = width * 0.66, height * 0.46, height * 0.28
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=220)
    elif shape == "ellipse":
        draw.ellipse((width * 0.2, height * 0.32, width * 0.8, height * 0.72), fill=200)
    else:  # dots
        r = height * 0.05
        for row in range(3):
            for col in range(5):
                cx = width * (0.22 + col * 0.14)
                cy = height * (0.3 + row * 0.2)
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=230)
    mask = mask.filter(ImageFilter.GaussianBlur(radius=width / 60))
    picture = PILImage.composite(PILImage.new("RGB", size, shape_color), picture, mask)
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()


def _comparable(value):
    """Model instances by primary key: a Page and its specific page are not ==."""
    return value.pk if isinstance(value, models.Model) else value


def _error_text(error):
    """A readable, one-line form of a (possibly nested) ValidationError."""
    if hasattr(error, "as_json_data"):
        return json.dumps(error.as_json_data())
    if hasattr(error, "message_dict"):
        return json.dumps(error.message_dict)
    return "; ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create or update the demo site: home page, clinic, therapist, booking page, massage "
        "types, the back pain article and an About page, and their French translations. "
        "Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-admin-password",
            action="store_true",
            help=(
                f"Set the password of the '{demo.ADMIN['username']}' user back to "
                f"'{demo.ADMIN['password']}' if the user already exists."
            ),
        )

    @transaction.atomic
    def handle(self, *args, reset_admin_password=False, **options):
        self.changes = {"created": 0, "updated": 0, "unchanged": 0}
        self.locale = Locale.get_default()

        home = self.load_home_page()
        site = self.load_site(home)
        self.load_admin(reset_admin_password)
        clinic = self.load_clinic()
        therapist = self.load_therapist(clinic)
        self.load_clinic_settings(site, clinic)
        images = {key: self.load_image(*spec) for key, spec in demo.IMAGES.items()}

        condition_index = self.sync_page(home, ConditionIndexPage, demo.CONDITION_INDEX)
        massage_type_index = self.sync_page(
            home, MassageTypeIndexPage, demo.MASSAGE_TYPE_INDEX
        )
        booking_page = self.sync_page(
            home, AppointmentRequestPage, demo.APPOINTMENT_PAGE
        )
        self.sync_page(
            Page.get_first_root_node(),
            HomePage,
            {
                **demo.HOME_PAGE,
                "conditions_page": condition_index,
                "massage_types_page": massage_type_index,
            },
        )

        # The article chooses massage types; they list it among the conditions
        # they help from its "Massage types" section (the relation is derived).
        massage_types = {
            data["slug"]: self.load_massage_type(massage_type_index, data, images)
            for data in demo.MASSAGE_TYPES
        }
        article = self.load_article(
            condition_index,
            clinic,
            therapist,
            images,
            massage_types,
            massage_type_index,
        )
        self.sync_page(
            home,
            StandardPage,
            {
                **demo.ABOUT_PAGE,
                "body": demo.about_body(
                    clinic_name=clinic.name,
                    massage_types_index_id=massage_type_index.pk,
                    conditions_index_id=condition_index.pk,
                    booking_page_id=booking_page.pk,
                ),
            },
        )

        french_article = self.load_french(
            home,
            clinic,
            therapist,
            images,
            condition_index,
            massage_type_index,
            massage_types,
            article,
        )

        self.stdout.write(
            self.style.SUCCESS(
                "Demo content loaded: {created} created, {updated} updated, "
                "{unchanged} unchanged.".format(**self.changes)
            )
        )
        self.stdout.write(f"The reference article is at {article.url}")
        self.stdout.write(f"Its French translation is at {french_article.url}")

    # Reporting ---------------------------------------------------------------

    def report(self, action, label):
        self.changes[action] += 1
        style = {"created": self.style.SUCCESS, "updated": self.style.WARNING}.get(
            action, str
        )
        self.stdout.write(f"  {style(f'{action:>9}')}  {label}")

    # Site, home page and users -----------------------------------------------

    def load_home_page(self):
        """The home page, created in place of Wagtail's welcome page if needed.

        Its fields are brought up to date once the section pages exist.
        """
        root = Page.get_first_root_node()
        home = (
            HomePage.objects.child_of(root).filter(slug=demo.HOME_PAGE["slug"]).first()
        )
        if home is not None:
            return home
        self.remove_stock_welcome_page(root)
        return self.sync_page(root, HomePage, demo.HOME_PAGE)

    def remove_stock_welcome_page(self, root):
        """Delete the page a fresh Wagtail database starts with, if untouched.

        Any other page already using the home page's slug is left alone and
        reported, rather than deleted.
        """
        stock = (
            Page.objects.child_of(root)
            .filter(
                slug=demo.HOME_PAGE["slug"],
                content_type=ContentType.objects.get_for_model(Page),
            )
            .first()
        )
        if stock is None:
            return
        if stock.title != STOCK_WELCOME_TITLE or stock.numchild:
            raise CommandError(
                f"A page with the slug '{stock.slug}' already exists at the top of "
                f"the page tree ('{stock.title}', id {stock.pk}) and is not "
                "Wagtail's default welcome page. Move or rename it and run the "
                "command again."
            )
        # Deleting the page also deletes the Site rooted at it; load_site
        # creates the demo site afresh.
        stock.delete()
        self.stdout.write(f"  {'deleted':>9}  Wagtail's default welcome page")

    def load_site(self, home):
        site = (
            Site.objects.filter(is_default_site=True).first()
            or Site.objects.filter(
                hostname=demo.SITE["hostname"], port=demo.SITE["port"]
            ).first()
        )
        created = site is None
        if created:
            site = Site()
        changed = self.assign(
            site, {**demo.SITE, "root_page": home, "is_default_site": True}
        )
        self.save_object(site, created, changed, f"Site {site}")
        return site

    def load_admin(self, reset_password):
        user_model = get_user_model()
        username = demo.ADMIN["username"]
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user_model.objects.create_superuser(
                username=username,
                email=demo.ADMIN["email"],
                password=demo.ADMIN["password"],
            )
            self.report("created", f"Superuser '{username}'")
        elif reset_password:
            user.set_password(demo.ADMIN["password"])
            user.save(update_fields=["password"])
            self.report("updated", f"Superuser '{username}' (password reset)")
        else:
            self.report("unchanged", f"Superuser '{username}' (password left alone)")

    # Snippets and settings ---------------------------------------------------

    def load_clinic(self):
        clinic = Clinic.objects.filter(
            name=demo.CLINIC["name"], locale=self.locale
        ).first()
        created = clinic is None
        if created:
            clinic = Clinic(locale=self.locale)
        changed = self.assign(clinic, demo.CLINIC)
        current_hours = (
            [] if created else [(h.weekday, h.opens, h.closes) for h in clinic.hours]
        )
        if current_hours != demo.OPENING_HOURS:
            rows = [
                OpeningHours(weekday=weekday, opens=opens, closes=closes, sort_order=i)
                for i, (weekday, opens, closes) in enumerate(demo.OPENING_HOURS)
            ]
            for row in rows:
                row.full_clean(exclude=["clinic"])
            clinic.opening_hours = rows
            changed = True
        self.save_object(clinic, created, changed, f"Clinic '{clinic}'")
        return clinic

    def load_therapist(self, clinic):
        therapist = Therapist.objects.filter(
            name=demo.THERAPIST["name"], locale=self.locale
        ).first()
        created = therapist is None
        if created:
            therapist = Therapist(locale=self.locale)
        changed = self.assign(therapist, {**demo.THERAPIST, "clinic": clinic})
        self.save_object(therapist, created, changed, f"Therapist '{therapist}'")
        return therapist

    def load_clinic_settings(self, site, clinic):
        settings = ClinicSettings.for_site(site)
        changed = self.assign(
            settings, {**demo.CLINIC_SETTINGS, "default_clinic": clinic}
        )
        self.save_object(settings, False, changed, f"Clinic settings of {site}")

    def load_image(self, title, filename, size, top, bottom, shape_color, shape):
        image_model = get_image_model()
        image = image_model.objects.filter(title=title).first()
        if image is not None:
            self.report("unchanged", f"Image '{title}'")
            return image
        data = make_image(size, top, bottom, shape_color, shape)
        image = image_model(
            title=title,
            file=ImageFile(io.BytesIO(data), name=filename),
            file_size=len(data),
        )
        image.save()
        image.get_file_hash()  # Stores the hash used to spot duplicate uploads.
        self.report("created", f"Image '{title}'")
        return image

    # Pages -------------------------------------------------------------------

    def load_massage_type(self, parent, data, images):
        fields = {key: value for key, value in data.items() if key != "body"}
        fields["image"] = images[data["image"]]
        return self.sync_page(parent, MassageTypePage, fields, body=data["body"])

    def load_article(
        self, parent, clinic, therapist, images, massage_types, massage_type_index
    ):
        fields = {
            **demo.BACK_PAIN,
            "hero_image": images[demo.BACK_PAIN["hero_image"]],
            "reviewed_by": therapist,
        }
        body = demo.back_pain_body(
            clinic_name=clinic.name,
            massage_type_ids={slug: page.pk for slug, page in massage_types.items()},
            massage_types_index_id=massage_type_index.pk,
            image_id=images["back_pain_body"].pk,
        )
        return self.sync_page(parent, ConditionPage, fields, body=body)

    def sync_page(self, parent, model, fields, body=None, many_to_many=None):
        """Create or update the ``model`` page with ``fields["slug"]`` under ``parent``.

        The page is validated like an edit in the admin (``full_clean`` and the
        StreamField's block validation) and a revision is published only when
        something differs from what is live.
        """
        many_to_many = many_to_many or {}
        page = model.objects.child_of(parent).filter(slug=fields["slug"]).first()
        label = f"{model._meta.verbose_name.capitalize()} '{fields['title']}'"
        names = [*fields, *many_to_many, *(["body"] if body is not None else [])]

        created = page is None
        before = None if created else self.page_snapshot(page, names)
        if created:
            page = model()
        return self.publish_changes(
            page, created, before, fields, body, names, label, many_to_many, parent
        )

    def publish_changes(
        self,
        page,
        created,
        before,
        fields,
        body,
        names,
        label,
        many_to_many=None,
        parent=None,
    ):
        """Set ``fields`` (and ``body``) on ``page``, validate, publish if changed.

        ``created`` pages were made just now: a new, unsaved page is added
        under ``parent``; a copy made by ``copy_for_translation`` is saved
        already and is published whatever ``before`` says.
        """
        model = type(page)
        self.assign(page, fields)
        for name, values in (many_to_many or {}).items():
            getattr(page, name).set(values)
        if body is not None:
            page.body = self.validated_body(model, body, label)

        try:
            if page.pk is None:
                # Page.save() runs full_clean() on live pages before inserting.
                parent.add_child(instance=page)
            else:
                page.full_clean()
        except ValidationError as error:
            raise CommandError(f"{label} is invalid: {_error_text(error)}") from error

        if (
            not created
            and page.live
            and not page.has_unpublished_changes
            and self.page_snapshot(page, names) == before
        ):
            self.report("unchanged", label)
            return page
        page.save_revision().publish()
        # Publishing saved another instance: a changed slug moved the page.
        page.refresh_from_db(fields=["url_path"])
        # A page outside any site (the home page before its site exists) has no URL.
        url = page.url
        self.report(
            "created" if created else "updated", f"{label} at {url}" if url else label
        )
        return page

    def validated_body(self, model, raw_body, label):
        """The StreamField value of ``raw_body``, cleaned by its block's rules."""
        stream_block = model._meta.get_field("body").stream_block
        try:
            return stream_block.clean(stream_block.to_python(with_ids(raw_body)))
        except ValidationError as error:
            raise CommandError(
                f"The body of {label} is invalid: {_error_text(error)}"
            ) from error

    @staticmethod
    def page_snapshot(page, names):
        """Comparable values of a page's fields (block ids left out)."""
        snapshot = {}
        for name in names:
            value = getattr(page, name)
            if isinstance(value, StreamValue):
                value = json.dumps(without_ids(value.get_prep_value()), sort_keys=True)
            elif isinstance(value, models.Model):
                value = value.pk
            elif hasattr(value, "all"):  # A many-to-many relation.
                value = sorted(obj.pk for obj in value.all())
            snapshot[name] = value
        return snapshot

    # French ------------------------------------------------------------------

    def load_french(
        self,
        home,
        clinic,
        therapist,
        images,
        condition_index,
        massage_type_index,
        massage_types,
        article,
    ):
        """Translate the demo into French as an editor would; return the article.

        Each page and snippet is copied into the French locale with Wagtail's
        ``copy_for_translation`` (what "Translate" in the admin does), given
        its French text and published. Chosen pages and snippets point at
        their French translations.
        """
        self.french = self.load_locale(demo.FRENCH)
        french_clinic = self.sync_snippet_translation(clinic, demo.CLINIC_FR)
        french_therapist = self.sync_snippet_translation(
            therapist, {**demo.THERAPIST_FR, "clinic": french_clinic}
        )
        # The French home page first: the French sections go under it.
        self.sync_translation(home, demo.HOME_PAGE_FR)
        french_conditions = self.sync_translation(
            condition_index, demo.CONDITION_INDEX_FR
        )
        french_massage_type_index = self.sync_translation(
            massage_type_index, demo.MASSAGE_TYPE_INDEX_FR
        )
        self.sync_translation(
            home,
            {
                **demo.HOME_PAGE_FR,
                "conditions_page": french_conditions,
                "massage_types_page": french_massage_type_index,
            },
        )
        french_massage_types = {}
        for slug, page in massage_types.items():
            data = demo.MASSAGE_TYPES_FR[slug]
            fields = {key: value for key, value in data.items() if key != "body"}
            french_massage_types[slug] = self.sync_translation(
                page, fields, body=data["body"]
            )
        body = demo.back_pain_body_fr(
            clinic_name=french_clinic.name,
            massage_type_ids={
                slug: page.pk for slug, page in french_massage_types.items()
            },
            massage_types_index_id=french_massage_type_index.pk,
            image_id=images["back_pain_body"].pk,
        )
        return self.sync_translation(
            article,
            {**demo.BACK_PAIN_FR, "reviewed_by": french_therapist},
            body=body,
        )

    def load_locale(self, language_code):
        locale = Locale.objects.filter(language_code=language_code).first()
        if locale is None:
            locale = Locale.objects.create(language_code=language_code)
            self.report("created", f"Locale '{language_code}'")
        else:
            self.report("unchanged", f"Locale '{language_code}'")
        return locale

    def sync_snippet_translation(self, source, fields):
        """Create or update the French translation of the snippet ``source``."""
        model = type(source)
        translation = model.objects.filter(
            translation_key=source.translation_key, locale=self.french
        ).first()
        created = translation is None
        if created:
            # An unsaved copy, child objects (opening hours) included.
            translation = source.copy_for_translation(self.french)
        changed = self.assign(translation, fields)
        label = f"French {model._meta.verbose_name} '{translation}'"
        self.save_object(translation, created, changed, label)
        return translation

    def sync_translation(self, source, fields, body=None):
        """Create or update the French translation of the page ``source``.

        A new translation is a copy of ``source`` made by
        ``copy_for_translation`` (a draft under the French parent); then, as
        for ``sync_page``, ``fields`` and ``body`` are set and a revision is
        published only when something differs from what is live.
        """
        model = type(source)
        page = model.objects.filter(
            translation_key=source.translation_key, locale=self.french
        ).first()
        label = f"French {model._meta.verbose_name} '{fields['title']}'"
        names = [*fields, *(["body"] if body is not None else [])]
        created = page is None
        if created:
            # A massage type's "conditions" follow the articles choosing it
            # (the French article chooses the French massage types): the
            # English articles must not be copied along.
            exclude = ["conditions"] if isinstance(source, MassageTypePage) else None
            page = source.copy_for_translation(self.french, exclude_fields=exclude)
        before = self.page_snapshot(page, names)
        return self.publish_changes(page, created, before, fields, body, names, label)

    # Helpers -----------------------------------------------------------------

    @staticmethod
    def assign(obj, fields):
        """Set ``fields`` on ``obj``; return whether any value changed."""
        changed = False
        for name, value in fields.items():
            try:
                current = getattr(obj, name)
            except ObjectDoesNotExist:  # A required foreign key not set yet.
                current = None
            if _comparable(current) != _comparable(value):
                setattr(obj, name, value)
                changed = True
        return changed

    def save_object(self, obj, created, changed, label):
        """Validate and save a non-page object if it is new or changed."""
        if not (created or changed):
            self.report("unchanged", label)
            return
        try:
            obj.full_clean()
        except ValidationError as error:
            raise CommandError(f"{label} is invalid: {_error_text(error)}") from error
        obj.save()
        self.report("created" if created else "updated", label)
