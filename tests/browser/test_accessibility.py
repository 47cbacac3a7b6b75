"""An axe-core audit of every public page template, in each state a visitor meets.

Each case opens a page of the site from ``build_clinic_site`` (and, for
form states, fills in or sends the form as a visitor would), opens every
``<details>`` and focuses the skip link, so that collapsed content (FAQ
answers, opening hours) and the skip link's visible state are checked too,
and runs axe-core (shipped with ``axe-playwright-python``, so no network is
needed). A case fails on any violation of impact "serious" or "critical";
the message names each rule, its impact and help text, and the failing
elements. A new template under ``templates/wagtail_clinic/pages/`` needs a
case here: ``test_the_audit_covers_every_public_page_template`` says so.

The rules run are axe's WCAG 2.0, 2.1 and 2.2 A/AA rules plus its best
practices (DESIGN.md promises WCAG 2.2 AA). Naming the tags also runs
``target-size`` (WCAG 2.2 AA), which axe leaves off by default. Not run:
AAA rules (e.g. ``color-contrast-enhanced``) and axe's "experimental"
heuristics.
"""

import re

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.content import ClinicSite, build_clinic_site
from tests.comment_utils import make_comment
from wagtail_clinic import __file__ as package_init


#: axe-core tags of the rules to run.
AXE_TAGS = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
}
#: Impacts that fail a case.
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


@pytest.fixture(autouse=True)
def _settings(settings):
    """No wait before sending the comment form; two cards per index page."""
    settings.WAGTAIL_CLINIC = {
        "COMMENTS_MIN_FILL_SECONDS": None,
        "INDEX_PAGE_SIZE": 2,
    }


@pytest.fixture
def site(page):
    """The published clinic site, with a short discussion under the article.

    The tab asks for reduced motion: without smooth scrolling, Playwright
    does not wait for scroll animations before each click.
    """
    page.emulate_media(reduced_motion="reduce")
    site = build_clinic_site()
    first = make_comment(
        site.article, author_name="Dana", body="Massage helped my back a lot."
    )
    make_comment(site.article, author_name="Sam", body="Same here!", parent=first)
    return site


# The states audited ----------------------------------------------------------


def open_article(page, site):
    page.goto(site.article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(site.article.title)


def comment_form(page):
    return page.get_by_role("main").get_by_role("region", name="Leave a Reply")


def send_comment_with_errors(page, site):
    open_article(page, site)
    comment_form(page).get_by_role("textbox", name="Email", exact=True).fill(
        "not an email"
    )
    comment_form(page).get_by_role("button", name="Post Comment").click()
    expect(comment_form(page).get_by_role("alert")).to_contain_text(
        "There is a problem"
    )


def send_comment(page, site):
    open_article(page, site)
    form = comment_form(page)
    form.get_by_role("textbox", name="Comment", exact=True).fill("Helpful, thanks!")
    form.get_by_role("textbox", name="Name", exact=True).fill("Ola")
    form.get_by_role("textbox", name="Email", exact=True).fill("ola@reader.example")
    form.get_by_role("button", name="Post Comment").click()
    expect(comment_form(page).get_by_role("status")).to_contain_text(
        "awaiting moderation"
    )


def reply_to_comment(page, site):
    open_article(page, site)
    page.get_by_role("link", name="Reply to Dana").click()
    expect(comment_form(page).get_by_role("heading")).to_have_text(
        "Leave a Reply to Dana"
    )


def open_massage_type(page, site):
    page.goto(site.deep_tissue.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(site.deep_tissue.title)


def open_condition_index(page, site):
    page.goto(site.condition_index.url)
    expect(page.get_by_role("heading", level=2)).to_have_count(2)


def open_massage_type_index(page, site):
    page.goto(site.massage_type_index.url)
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()


def filter_massage_types(page, site):
    page.goto(site.massage_type_index.url)
    page.get_by_label("Show massage types that help with").select_option(
        label=site.article.condition_name
    )
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("3 massage types help with Back pain.")).to_be_visible()


def filter_by_unknown_condition(page, site):
    page.goto(f"{site.massage_type_index.url}?condition=no-such-condition")
    expect(page.get_by_text("We could not find that condition")).to_be_visible()


def open_request_form(page, site):
    page.goto(site.request_page.url)
    expect(page.get_by_role("button", name="Send request")).to_be_visible()


def send_request_with_errors(page, site):
    open_request_form(page, site)
    page.get_by_label("Phone number").fill("call me maybe")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def open_request_thank_you(page, site):
    page.goto(f"{site.request_page.url}?sent=1")
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()


@dataclass(frozen=True)
class State:
    """A page in one state: its template and how a visitor gets there."""

    id: str
    template: str
    reach: Callable[[Page, ClinicSite], None]
    viewport: dict | None = None


STATES = [
    State("condition-article", "condition_page", open_article),
    State(
        "condition-article-narrow",
        "condition_page",
        open_article,
        viewport={"width": 320, "height": 640},
    ),
    State("comment-form-errors", "condition_page", send_comment_with_errors),
    State("comment-pending", "condition_page", send_comment),
    State("comment-reply-form", "condition_page", reply_to_comment),
    State("massage-type", "massage_type_page", open_massage_type),
    State("condition-index", "condition_index_page", open_condition_index),
    State(
        "massage-type-index-paginated",
        "massage_type_index_page",
        open_massage_type_index,
    ),
    State(
        "massage-type-index-filtered", "massage_type_index_page", filter_massage_types
    ),
    State(
        "massage-type-index-unknown-condition",
        "massage_type_index_page",
        filter_by_unknown_condition,
    ),
    State("appointment-form", "appointment_request_page", open_request_form),
    State(
        "appointment-form-errors", "appointment_request_page", send_request_with_errors
    ),
    State("appointment-thank-you", "appointment_request_page", open_request_thank_you),
]


# The audit -----------------------------------------------------------------


def audit(page):
    """axe-core's violations on ``page``.

    Every ``<details>`` is opened and the skip link focused first, so that
    collapsed content and the skip link (shown only when focused) are
    checked too.
    """
    page.evaluate(
        "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
    )
    skip_link = page.get_by_role("link", name="Skip to main content")
    skip_link.focus()
    expect(skip_link).to_be_in_viewport()
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe(violations):
    """A readable list of violations: rule, impact, help and failing elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = re.sub(r"\s+", " ", node.get("failureSummary") or "").strip()
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("state", STATES, ids=[state.id for state in STATES])
def test_no_serious_accessibility_violations(page, site, state):
    if state.viewport:
        page.set_viewport_size(state.viewport)
    state.reach(page, site)
    expect(page.locator("body")).to_have_class(
        re.compile(rf"\bclinic-template-{state.template.replace('_', '-')}\b")
    )

    violations = audit(page)

    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"{len(blocking)} serious or critical axe-core violation(s) on "
            f"{state.id} ({page.url}):\n{describe(blocking)}",
            pytrace=False,
        )


def test_the_audit_covers_every_public_page_template():
    """A new page template needs a case here (and passes the audit)."""
    templates = Path(package_init).parent / "templates/wagtail_clinic/pages"
    assert {path.stem for path in templates.glob("*.html")} == {
        state.template for state in STATES
    }


def test_the_article_passes_wagtails_paragraph_as_heading_check(page, site):
    """The editor's accessibility checker runs axe's experimental
    "p-as-heading" rule, which the audit above leaves off: the frequency
    block's large recommendation must not look like a paragraph heading
    (as it did above a note of two paragraphs, issue 15)."""
    article = site.article
    raw = article.body.raw_data
    for child in raw:
        if child["type"] == "frequency":
            child["value"]["note"] = " ".join(
                ["Weekly sessions help most while the pain is new."] * 8
            )
    article.body = list(raw)
    article.save_revision().publish()
    open_article(page, site)
    expect(page.locator(".clinic-frequency dd")).to_be_visible()

    result = _axe.run(
        page,
        options={
            "runOnly": {"type": "rule", "values": ["p-as-heading"]},
            "resultTypes": ["violations", "passes", "incomplete"],
        },
    ).response

    assert result["violations"] == [], describe(result["violations"])
