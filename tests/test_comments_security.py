"""Comments cannot inject markup, and no input makes either channel fail.

* An XSS corpus goes through the HTML form and the API (where it is refused
  or stored as text) and, stored directly as approved comments (as if a
  validation rule were ever bypassed), through the page and the API list.
  No ``<script``, ``<iframe``, event-handler attribute, ``srcdoc`` or
  ``javascript:``/``vbscript:``/``data:`` URL survives, and every link is
  ``rel="nofollow ugc"``.
* Hypothesis fuzzes both submission channels with nasty HTML, arbitrary
  unicode and odd values: never a 500, and each submission stores one whole
  comment or nothing.
"""

import json
import re

from html import unescape
from html.parser import HTMLParser

from django.core.cache import cache
from django.test import TestCase, override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.comment_utils import (
    NO_LIMITS,
    api_body,
    api_url,
    form_data,
    make_article,
    make_comment,
    post_json,
)
from wagtail_clinic.comments.rendering import render_comment_body
from wagtail_clinic.models import CommentStatus, ReaderComment


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<sCrIpT>alert(1)</ScRiPt>",
    "< script >alert(1)</ script >",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    '<img src="jav\tascript:alert(1)">',
    '<img src="jav&#x09;ascript:alert(1)">',
    '<img src=x onerror="&#97;lert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a\nhref="javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<math><mtext></table><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</p></div></article><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<video><source onerror="alert(1)"></video>',
    "javascript:alert(document.cookie)",
    "JAVASCRIPT:alert(1) vbscript:msgbox(1) data:text/html,<b>x</b>",
    'http://example.com/"onmouseover="alert(1)',
    "http://example.com/'onmouseover='alert(1)",
    "www.example.com/<script>alert(1)</script>",
    "https://example.com/?q=<img src=x onerror=alert(1)>",
    'https://example.com/#" onclick=alert(1) x="',
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\u202e<script>alert(1)</script>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<a href='https://ok.example' onclick='alert(1)'>ok</a>",
    "<",
    "<<>>",
    "<a",
    "<a href=",
    '"><svg/onload=confetti()>',
]

VOID_ELEMENTS = {"br", "img", "input", "hr", "meta", "link", "source", "wbr", "embed"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Elements(HTMLParser):
    """Collects every start tag, and the links inside comment bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.body_links = []
        self._depth_in_body = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if self._depth_in_body:
            if tag not in VOID_ELEMENTS:
                self._depth_in_body += 1
            if tag == "a":
                self.body_links.append(attrs)
        elif "clinic-comment__body" in (attrs.get("class") or "").split():
            self._depth_in_body = 1

    def handle_endtag(self, tag):
        if self._depth_in_body:
            self._depth_in_body -= 1


def _normalised_url(value):
    value = unescape(value or "")
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def assert_safe_html(testcase, html, *, allowed_tags=None):
    """No script-bearing markup in ``html``; links in comment bodies are ugc."""
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<svg", "<object", "<embed", "<style"):
        testcase.assertNotIn(needle, lowered)
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        if allowed_tags is not None:
            testcase.assertIn(tag, allowed_tags, html)
        for name, value in attrs.items():
            testcase.assertFalse(name.startswith("on"), (tag, name, html))
            testcase.assertNotEqual(name, "srcdoc", html)
            testcase.assertNotEqual(name, "style", html)
            if name in URL_ATTRIBUTES:
                testcase.assertFalse(
                    _normalised_url(value).startswith(BAD_SCHEMES), (tag, name, value)
                )
    for attrs in parser.body_links:
        testcase.assertEqual(attrs.get("rel"), "nofollow ugc", attrs)
        testcase.assertTrue(
            _normalised_url(attrs.get("href")).startswith(
                ("http://", "https://", "mailto:")
            ),
            attrs,
        )
    return parser


def comments_region(html):
    """The list of comments in a page (the rest of the page is not ours)."""
    start = html.index('<section class="clinic-comments__section" id="comments"')
    end = html.index('id="respond"', start)
    return html[start:end]


COMMENT_TAGS = {
    "section", "h2", "span", "ol", "li", "article", "header", "p", "time", "div",
    "br", "a",
}  # fmt: skip
BODY_TAGS = {"p", "br", "a"}


@override_settings(WAGTAIL_CLINIC=NO_LIMITS)
class TestXSSCorpus(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()

    def setUp(self):
        cache.clear()

    def test_corpus_is_big_enough(self):
        self.assertGreaterEqual(len(XSS_PAYLOADS), 30)

    def test_renderer(self):
        for payload in XSS_PAYLOADS:
            with self.subTest(payload=payload):
                html = str(render_comment_body(payload))
                assert_safe_html(self, html, allowed_tags=BODY_TAGS)

    def test_renderer_links(self):
        html = str(render_comment_body("a https://x.example/?a=1&b=<2> b"))
        parser = _Elements()
        parser.feed(f'<div class="clinic-comment__body">{html}</div>')
        self.assertEqual(
            parser.body_links,
            [{"rel": "nofollow ugc", "href": "https://x.example/?a=1&b="}],
        )

    def test_stored_payloads_render_safely_in_the_page_and_the_api(self):
        parent = make_comment(self.page, body="A safe parent with https://ok.example")
        for payload in XSS_PAYLOADS:
            # PostgreSQL cannot store NUL; the validators refuse it anyway.
            payload = payload.replace("\x00", "\ufffd")
            make_comment(self.page, body=payload, author_name=payload[:100])
            make_comment(
                self.page, parent=parent, body=payload, author_name=payload[:100]
            )
        html = self.client.get(self.page.url).content.decode()
        region = comments_region(html)
        parser = assert_safe_html(self, region, allowed_tags=COMMENT_TAGS)
        self.assertTrue(parser.body_links)

        bodies = []
        for offset in (0, 50):
            response = self.client.get(
                api_url(self.page), {"offset": offset, "limit": 50}
            )
            raw = response.content.decode()
            for needle in ("<script", "<iframe", "<svg", 'srcdoc="', "<img"):
                self.assertNotIn(needle, raw.lower())
            items = response.json()["items"]
            bodies += [item["body_html"] for item in items]
            bodies += [r["body_html"] for item in items for r in item["replies"]]
        self.assertEqual(len(bodies), 2 * len(XSS_PAYLOADS) + 1)
        for body_html in bodies:
            assert_safe_html(
                self,
                f'<div class="clinic-comment__body">{body_html}</div>',
                allowed_tags=BODY_TAGS | {"div"},
            )

    def test_submitted_payloads_are_refused_or_stored_as_inert_text(self):
        for payload in XSS_PAYLOADS:
            with self.subTest(payload=payload):
                before = ReaderComment.objects.count()
                with self.captureOnCommitCallbacks(execute=True):
                    form = self.client.post(
                        self.page.url, form_data(self.page, body=payload)
                    )
                    api = post_json(
                        self.client, self.page, api_body(self.page, body=payload)
                    )
                self.assertIn(form.status_code, (200, 302))
                self.assertIn(api.status_code, (202, 400, 422))
                stored = (form.status_code == 302) + (api.status_code == 202)
                self.assertEqual(ReaderComment.objects.count(), before + stored)
                if form.status_code == 200:
                    assert_safe_html(self, comments_region(form.content.decode()))
        for comment in ReaderComment.objects.all():
            self.assertIsNone(re.search(r"<\s*[a-zA-Z/!?]", comment.body), comment.body)
        ReaderComment.objects.update(status=CommentStatus.APPROVED)
        html = self.client.get(self.page.url).content.decode()
        assert_safe_html(self, comments_region(html), allowed_tags=COMMENT_TAGS)


# Fuzzing ----------------------------------------------------------------------

nasty = st.sampled_from(XSS_PAYLOADS)
any_text = st.text(max_size=300)
# Text a reader might really send: no markup, no control characters.
plain_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters="<"
    ),
    min_size=1,
    max_size=300,
).filter(str.strip)
field_text = st.one_of(
    any_text,
    nasty,
    st.lists(st.one_of(nasty, any_text), max_size=4).map(" ".join),
    st.just(""),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2900, max_size=3100),
)
FIELDS = ("author_name", "email", "body", "parent_id", "website")
#: Acceptable values. "parent" stands for an approved comment of the page.
GOOD = {
    "author_name": st.one_of(
        st.sampled_from(["Dana", "Zoë Núñez", "李小龍", "O'Brien-Smith", "A"]),
        plain_text.map(lambda text: " ".join(text.split())[:100] or "x"),
    ),
    "email": st.sampled_from(
        ["reader@example.com", "leser@bücher.example", "a+b@c.example", "X@Y.ORG"]
    ),
    "body": st.one_of(
        plain_text, plain_text.map(lambda text: f"{text}\n\nhttps://ok.example")
    ),
    "parent_id": st.sampled_from([None, "parent"]),
    "website": st.just(""),
}
#: Anything a form can be sent.
NASTY_FORM = {
    "author_name": field_text,
    "email": st.one_of(
        st.emails().map(str),
        field_text,
        st.builds(lambda a, b: f"{a}{b}@example.com", st.text(max_size=5), nasty),
    ),
    "body": field_text,
    "parent_id": st.integers(min_value=-(2**70), max_value=2**70),
    "website": field_text,
}
#: Anything JSON can hold, too.
json_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.lists(st.text(max_size=5), max_size=2),
)  # fmt: skip
NASTY_API = {
    name: st.one_of(strategy, json_values) for name, strategy in NASTY_FORM.items()
}
NASTY_API["parent_id"] = st.one_of(
    NASTY_FORM["parent_id"], json_values, st.text(max_size=5)
)


@st.composite
def submissions(draw, nasty_values):
    """Field values: usually one nasty field among good ones, or any mix."""
    if draw(st.integers(0, 2)):
        bad = {draw(st.sampled_from((*FIELDS, None)))}
    else:
        bad = {name for name in FIELDS if draw(st.booleans())}
    return {
        name: draw(nasty_values[name] if name in bad else GOOD[name]) for name in FIELDS
    }


FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
COMPLETE_FIELDS = ("author_name", "email", "email_hash", "body", "status", "source")


@override_settings(WAGTAIL_CLINIC={**NO_LIMITS, "COMMENTS_MAX_LINKS": 3})
class TestFuzzing(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = make_article()
        cls.parent = make_comment(cls.page)

    def setUp(self):
        cache.clear()

    def assert_whole_or_nothing(self, before_ids, stored):
        new = ReaderComment.objects.exclude(pk__in=before_ids)
        self.assertEqual(new.count(), 1 if stored else 0)
        for comment in new:
            for name in COMPLETE_FIELDS:
                self.assertTrue(getattr(comment, name), name)
            self.assertEqual(comment.status, CommentStatus.PENDING)
            self.assertIsNone(re.search(r"<\s*[a-zA-Z/!?]", comment.body))
            self.assertIsNone(re.search(r"<\s*[a-zA-Z/!?]", comment.author_name))
            self.assertNotIn("\x00", comment.body + comment.author_name + comment.email)
            comment.delete()

    @FUZZ
    @given(values=submissions(NASTY_FORM))
    def test_html_form(self, values):
        before = list(ReaderComment.objects.values_list("pk", flat=True))
        parent_id = values["parent_id"]
        if parent_id == "parent":
            parent_id = self.parent.pk
        data = form_data(
            self.page,
            **{**values, "parent_id": "" if parent_id is None else str(parent_id)},
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.page.url, data)
        self.assertIn(response.status_code, (200, 302))
        stored = response.status_code == 302 and not values["website"].strip()
        event(f"form: {response.status_code}, stored={stored}")
        self.assert_whole_or_nothing(before, stored)
        if response.status_code == 200:
            assert_safe_html(self, comments_region(response.content.decode()))

    @FUZZ
    @given(
        values=submissions(NASTY_API),
        extra=st.one_of(
            st.just({}),
            st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
        ),
    )
    def test_api(self, values, extra):
        before = list(ReaderComment.objects.values_list("pk", flat=True))
        if values["parent_id"] == "parent":
            values["parent_id"] = self.parent.pk
        payload = {**extra, **values, "token": api_body(self.page)["token"]}
        with self.captureOnCommitCallbacks(execute=True):
            response = post_json(self.client, self.page, json.dumps(payload))
        self.assertIn(response.status_code, (202, 400, 413, 422), response.content)
        if response.status_code != 202:
            self.assertEqual(response["Content-Type"], "application/problem+json")
            self.assertEqual(response.json()["status"], response.status_code)
        website = values["website"]
        stored = response.status_code == 202 and not (
            isinstance(website, str) and website.strip()
        )
        event(f"api: {response.status_code}, stored={stored}")
        self.assert_whole_or_nothing(before, stored)
