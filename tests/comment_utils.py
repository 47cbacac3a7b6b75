"""Helpers shared by the tests/test_comments_*.py modules."""

import json
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Site

from tests.utils import make_condition_index, make_condition_page, make_site_tree
from wagtail_clinic.comments.privacy import email_hash
from wagtail_clinic.comments.spam import make_form_token
from wagtail_clinic.models import ClinicSettings, CommentStatus, ReaderComment


#: A commenter's private details: the privacy tests look for these strings in
#: pages, API responses, emails, logs and admin pages.
COMMENTER_EMAIL = "zuzanna.quillfeather@reader.example"
COMMENTER_NAME = "Zuzanna Q."
PRIVATE = [COMMENTER_EMAIL, "zuzanna.quillfeather", "reader.example"]

#: Settings that switch off the time- and client-based rules, so tests about
#: other rules are not affected by them.
NO_LIMITS = {"COMMENTS_RATE_LIMIT": None, "COMMENTS_MIN_FILL_SECONDS": 3}


def api_url(page):
    return f"/api/v3/clinic/pages/{page.pk}/comments/"


def token_for(page, age=60):
    """A form token issued ``age`` seconds ago (old enough by default)."""
    return make_form_token(page.pk, issued_at=time.time() - age)


def allow_site_comments(site=None, enabled=True):
    """Turn comments on (or off) in ``site``'s ClinicSettings (default site).

    Comments are off by default, site-wide and per page: a test that needs
    a comment form says so explicitly.
    """
    site = site or Site.objects.get(is_default_site=True)
    settings = ClinicSettings.for_site(site)
    settings.comments_enabled = enabled
    settings.save()
    return settings


def make_commented_page(parent, **kwargs):
    """A live condition article under ``parent`` that allows comments."""
    kwargs.setdefault("comments_enabled", True)
    return make_condition_page(parent, **kwargs)


def make_article(**kwargs):
    """``(home, page)``: a live condition article that takes comments.

    Turns comments on for the default site and the page (both are off by
    default); pass ``comments_enabled=False`` for a page that does not.
    """
    _root, home = make_site_tree()
    allow_site_comments()
    index = make_condition_index(home)
    return home, make_commented_page(index, **kwargs)


def make_comment(page, *, status=CommentStatus.APPROVED, **kwargs):
    """A stored comment (no validation: tests use it for any body)."""
    kwargs.setdefault("author_name", "Dana")
    kwargs.setdefault("email", "dana@reader.example")
    kwargs.setdefault("body", "Massage helped my back a lot.")
    kwargs["email_hash"] = email_hash(kwargs["email"])
    return ReaderComment.objects.create(page=page, status=status, **kwargs)


def form_data(page, **overrides):
    """A valid HTML form submission for ``page``."""
    data = {
        "clinic_form": "comment",
        "author_name": COMMENTER_NAME,
        "email": COMMENTER_EMAIL,
        "body": "Weekly massage fixed my lower back.\n\nThank you!",
        "parent_id": "",
        "token": token_for(page),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def api_body(page, **overrides):
    """A valid JSON body for ``POST …/comments/``."""
    body = {
        "author_name": COMMENTER_NAME,
        "email": COMMENTER_EMAIL,
        "body": "Weekly massage fixed my lower back.",
        "token": token_for(page),
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def post_json(client, page, body, **extra):
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    extra.setdefault("content_type", "application/json")
    return client.post(api_url(page), body, **extra)


def make_moderator(username="moderator", **kwargs):
    """A non-superuser with admin access and the moderate permission."""
    return make_admin_user(
        username, permissions=["wagtail_clinic.moderate_readercomment"], **kwargs
    )


def make_admin_user(username, permissions=(), **kwargs):
    """A non-superuser who may use the admin, plus ``permissions``."""
    user = get_user_model().objects.create_user(
        username=username,
        email=kwargs.pop("email", f"{username}@staff.example"),
        password="password",  # noqa: S106
        **kwargs,
    )
    group, _created = Group.objects.get_or_create(name=f"group-{username}")
    codenames = ["wagtailadmin.access_admin", *permissions]
    for label in codenames:
        app_label, codename = label.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    return user
