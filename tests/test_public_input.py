"""The shared public-input layer: the text policy, the JSON-body policy and
the problem+json builder, and their use by both public POST endpoints and
both public forms."""

import json
import sys
import unicodedata

from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from tests import appointment_utils as booking
from tests import comment_utils as comments
from wagtail_clinic.models import AppointmentRequest, ReaderComment
from wagtail_clinic.public_input import json_body, problems, text


#: Every format character (category Cf) of this Python's Unicode database.
FORMAT_CHARACTERS = [
    chr(code)
    for code in range(sys.maxunicode + 1)
    if unicodedata.category(chr(code)) == "Cf"
]
#: The characters the issue was about, and a few more of each kind.
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]
RLO, ZWSP = "\u202e", "\u200b"
#: "health worker": woman, ZWJ, staff of Aesculapius, variation selector 16.
HEALTH_WORKER = "\U0001f469\u200d\u2695\ufe0f"
#: A Persian word written with a zero width non-joiner.
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"

FUZZ = settings(max_examples=300, deadline=None, database=None)


def _is_text_free_of_trouble(value, *, multiline):
    """The policy's definition, written independently of its code."""
    for char in value:
        category = unicodedata.category(char)
        if category[0] == "C" or (not multiline and category in ("Zl", "Zp")):
            if multiline and char in "\n\r\t":
                continue
            return False
    return True


plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf")),
    max_size=60,
)
format_character = st.sampled_from(FORMAT_CHARACTERS)


# The text policy ------------------------------------------------------------


class TestTextPolicy(SimpleTestCase):
    @FUZZ
    @given(
        before=st.text(max_size=20),
        char=format_character,
        after=st.text(max_size=20),
        multiline=st.booleans(),
    )
    @example(before="Ann", char=RLO, after="", multiline=False)
    @example(before="Ann", char=ZWSP, after="Lee", multiline=True)
    @example(before="", char="\u200d", after="x", multiline=True)
    def test_format_characters_are_refused(self, before, char, after, multiline):
        value = before + char + after
        kept_joiner = (
            char in text.JOINERS
            and before[-1:]
            and after[:1]
            and not before[-1].isascii()
            and not after[0].isascii()
            and unicodedata.category(before[-1])[0] not in "CZ"
            and unicodedata.category(after[0])[0] not in "CZ"
        )
        problem = text.text_problem(value, multiline=multiline)
        if not kept_joiner:
            self.assertIsNotNone(problem)
            validator = (
                text.validate_multiline_text if multiline else text.validate_single_line
            )
            with self.assertRaises(ValidationError):
                validator(value)
            with self.assertRaises(ValueError):
                (text.multiline_text if multiline else text.single_line_text)(value)

    @FUZZ
    @given(value=plain_text, multiline=st.booleans())
    def test_text_without_format_or_control_characters_is_unchanged(
        self, value, multiline
    ):
        if not multiline:
            value = value.replace("\u2028", " ").replace("\u2029", " ")
        self.assertIsNone(text.text_problem(value, multiline=multiline))
        check = text.multiline_text if multiline else text.single_line_text
        self.assertIs(check(value), value)
        validator = (
            text.validate_multiline_text if multiline else text.validate_single_line
        )
        self.assertIsNone(validator(value))

    @FUZZ
    @given(value=st.text(max_size=40), multiline=st.booleans())
    def test_agrees_with_its_definition(self, value, multiline):
        # Apart from kept joiners, exactly the text without C* characters
        # (and, on one line, without line separators) passes.
        passes = text.text_problem(value, multiline=multiline) is None
        if not any(char in text.JOINERS for char in value):
            self.assertEqual(
                passes, _is_text_free_of_trouble(value, multiline=multiline)
            )
        elif passes:
            others = "".join(char for char in value if char not in text.JOINERS)
            self.assertTrue(_is_text_free_of_trouble(others, multiline=multiline))

    def test_every_format_character_between_letters_is_refused(self):
        self.assertGreater(len(FORMAT_CHARACTERS), 150)
        for char in FORMAT_CHARACTERS:
            for multiline in (False, True):
                self.assertEqual(
                    text.text_problem(f"Ann{char}Lee", multiline=multiline),
                    text.INVISIBLE_CHARACTERS,
                    f"U+{ord(char):04X}",
                )

    def test_messages_name_the_problem(self):
        for char in [*BIDI, *INVISIBLE]:
            with self.subTest(char=f"U+{ord(char):04X}"):
                with self.assertRaises(ValidationError) as caught:
                    text.validate_single_line(f"Ann{char}Lee")
                self.assertEqual(caught.exception.code, "invisible_characters")
                self.assertEqual(
                    caught.exception.messages,
                    ["Remove invisible or direction-changing characters."],
                )
        with self.assertRaises(ValidationError) as caught:
            text.validate_single_line("Ann\nLee")
        self.assertEqual(caught.exception.code, "control_characters")
        self.assertEqual(
            caught.exception.messages,
            ["Use letters, numbers and punctuation only, on one line."],
        )
        with self.assertRaises(ValidationError) as caught:
            text.validate_multiline_text("Hi\x07there")
        self.assertEqual(
            caught.exception.messages,
            ["Remove the special characters from your message."],
        )

    def test_line_breaks_only_in_multiline_text(self):
        for value in ("a\nb", "a\r\nb", "a\tb", "a\u2028b", "a\u2029b"):
            with self.subTest(value=value):
                self.assertEqual(
                    text.text_problem(value), text.CONTROL_CHARACTERS, value
                )
        for value in ("a\nb", "a\r\nb", "a\tb"):
            self.assertIsNone(text.text_problem(value, multiline=True))
        for value in ("a\x00b", "a\x0bb", "a\x85b", "\ud800", "\ue000", "\U000e0000"):
            with self.subTest(value=value):
                self.assertEqual(
                    text.text_problem(value, multiline=True), text.CONTROL_CHARACTERS
                )

    def test_joiners_doing_their_job_are_kept(self):
        for value in (
            HEALTH_WORKER,
            f"Thank you {HEALTH_WORKER}!",
            "\U0001f3f3\ufe0f\u200d\U0001f308",  # A rainbow flag.
            PERSIAN,
        ):
            with self.subTest(value=value):
                self.assertIsNone(text.text_problem(value))
                self.assertIsNone(text.text_problem(value, multiline=True))
        for value in (
            "v\u200diagra",  # Between ASCII letters: hides a word.
            "\u200d\U0001f469",  # At the start.
            "\U0001f469\u200d",  # At the end.
            "\U0001f469 \u200d\U0001f469",  # Next to a space.
            "\U0001f469\u200d\u200d\U0001f469",  # Doubled.
        ):
            with self.subTest(value=value):
                self.assertEqual(text.text_problem(value), text.INVISIBLE_CHARACTERS)

    def test_pydantic_field(self):
        class Model(BaseModel):
            name: text.SingleLineText
            message: text.MultilineText | None = None

        self.assertEqual(Model(name="Zoë", message="a\nb").name, "Zoë")
        with self.assertRaises(PydanticValidationError) as caught:
            Model(name=f"Ann{RLO}")
        error = caught.exception.errors()[0]
        self.assertEqual(error["loc"], ("name",))
        self.assertIn(
            "Remove invisible or direction-changing characters.", error["msg"]
        )

    def test_old_names_still_work(self):
        from wagtail_clinic import forms
        from wagtail_clinic.comments.forms import validate_name
        from wagtail_clinic.public_input import params

        for validator in (forms.validate_single_line, validate_name):
            with self.assertRaises(ValidationError):
                validator(f"Ann{ZWSP}")
        with self.assertRaises(ValidationError):
            forms.validate_text(f"Hello{RLO}")
        forms.validate_text("Hello\nthere")
        self.assertIs(params.SafeText, text.SingleLineText)


# Both forms and both endpoints refuse invisible characters ------------------


BAD_TEXT = {"U+202E": f"Ann{RLO}eeL", "U+200B": f"Ann{ZWSP}Lee"}


@override_settings(
    WAGTAIL_CLINIC={"APPOINTMENT_RATE_LIMIT": None, "COMMENTS_RATE_LIMIT": None}
)
class TestAppointmentRequestsRefuseInvisibleCharacters(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = booking.make_booking_site()

    def setUp(self):
        cache.clear()

    def assert_nothing_stored(self):
        self.assertEqual(AppointmentRequest.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_html_form(self):
        for field in ("name", "message"):
            for label, value in BAD_TEXT.items():
                with self.subTest(field=field, char=label):
                    with self.captureOnCommitCallbacks(execute=True):
                        response = self.client.post(
                            self.page.url, booking.form_data(**{field: value})
                        )
                    self.assertEqual(response.status_code, 200)
                    html = response.content.decode()
                    error = html[html.index(f'id="id_{field}_error"') :]
                    self.assertIn(
                        "Remove invisible or direction-changing characters.",
                        error[: error.index("</p>")],
                    )
                    self.assert_nothing_stored()

    def test_json_endpoint(self):
        for field in ("name", "message", "email"):
            for label, value in BAD_TEXT.items():
                if field == "email":
                    value = value.replace("Ann", "ann@x.example")
                with self.subTest(field=field, char=label):
                    with self.captureOnCommitCallbacks(execute=True):
                        response = booking.post_json(
                            self.client,
                            booking.api_body(self.page, **{field: value}),
                        )
                    self.assertEqual(response.status_code, 422, response.content)
                    errors = response.json()["errors"]
                    self.assertEqual([e["field"] for e in errors], [field])
                    if field != "email":  # Django's EmailField may speak first.
                        self.assertEqual(errors[0]["type"], "invisible_characters")
                        self.assertEqual(
                            errors[0]["msg"],
                            "Remove invisible or direction-changing characters.",
                        )
                    self.assert_nothing_stored()

    def test_page_path(self):
        body = booking.api_body(self.page, page_id=None, page_path=f"/bo{RLO}ok/")
        response = booking.post_json(self.client, body)
        self.assertEqual(response.status_code, 422)
        self.assertEqual([e["field"] for e in response.json()["errors"]], ["page_path"])
        self.assert_nothing_stored()

    def test_joined_emoji_in_a_message_is_kept(self):
        message = f"Thanks {HEALTH_WORKER}"
        with self.captureOnCommitCallbacks(execute=True):
            response = booking.post_json(
                self.client, booking.api_body(self.page, message=message)
            )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(AppointmentRequest.objects.get().message, message)


@override_settings(WAGTAIL_CLINIC=comments.NO_LIMITS)
class TestCommentsRefuseInvisibleCharacters(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.page = comments.make_article()

    def setUp(self):
        cache.clear()

    def test_html_form(self):
        for field in ("author_name", "body"):
            for label, value in BAD_TEXT.items():
                with self.subTest(field=field, char=label):
                    with self.captureOnCommitCallbacks(execute=True):
                        response = self.client.post(
                            self.page.url,
                            comments.form_data(self.page, **{field: value}),
                        )
                    self.assertEqual(response.status_code, 200)
                    html = response.content.decode()
                    error = html[html.index(f'id="clinic-comment-{field}_error"') :]
                    self.assertIn(
                        "Remove invisible or direction-changing characters.",
                        error[: error.index("</p>")],
                    )
                    self.assertEqual(ReaderComment.objects.count(), 0)

    def test_json_endpoint(self):
        for field in ("author_name", "body"):
            for label, value in BAD_TEXT.items():
                with self.subTest(field=field, char=label):
                    with self.captureOnCommitCallbacks(execute=True):
                        response = comments.post_json(
                            self.client,
                            self.page,
                            comments.api_body(self.page, **{field: value}),
                        )
                    self.assertEqual(response.status_code, 422, response.content)
                    errors = response.json()["errors"]
                    self.assertEqual([e["field"] for e in errors], [field])
                    self.assertEqual(errors[0]["type"], "invisible_characters")
                    self.assertEqual(ReaderComment.objects.count(), 0)
                    self.assertEqual(mail.outbox, [])

    def test_joined_emoji_in_a_comment_is_kept(self):
        body = f"My therapist {HEALTH_WORKER} helped a lot."
        with self.captureOnCommitCallbacks(execute=True):
            response = comments.post_json(
                self.client, self.page, comments.api_body(self.page, body=body)
            )
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(ReaderComment.objects.get().body, body)


# One JSON-body policy --------------------------------------------------------

UTF16_BODY = "\ufeff" + json.dumps({"name": "x"})


#: ``(case, content type, body, expected status)``; None: the valid body.
BODY_CASES = [
    ("charset=latin-1", "application/json; charset=latin-1", None, 415),
    ("charset=utf-16", "application/json; charset=utf-16", None, 415),
    ("charset empty", "application/json; charset=", None, 415),
    ("text/plain", "text/plain", None, 415),
    ("form", "application/x-www-form-urlencoded", None, 415),
    ("json suffix", "application/merge-patch+json", None, 415),
    ("charset=UTF-8", "application/json; charset=UTF-8", None, "ok"),
    ("charset quoted", 'Application/JSON; Charset="utf-8"', None, "ok"),
    ("charset=utf8", "application/json;charset=utf8", None, "ok"),
    ("UTF-8 BOM", "application/json", "bom", "ok"),
    ("UTF-16 LE BOM", "application/json", UTF16_BODY.encode("utf-16-le"), 400),
    ("UTF-16 BE BOM", "application/json", UTF16_BODY.encode("utf-16-be"), 400),
    ("UTF-16 no BOM", "application/json", b'{\x00"\x00}\x00', 400),
    ("UTF-32 BOM", "application/json", UTF16_BODY.encode("utf-32"), 400),
    ("invalid UTF-8", "application/json", b'{"name": "\xff\xfe"}', 400),
    ("overlong UTF-8", "application/json", b'{"name": "\xc0\xaf"}', 400),
    ("NaN", "application/json", b'{"name": NaN}', 400),
    ("Infinity", "application/json", b'{"name": -Infinity}', 400),
    ("deep nesting", "application/json", b"[" * 15_000 + b"]" * 15_000, 400),
    ("not JSON", "application/json", b"{name: 1}", 400),
    ("empty", "application/json", b"", 400),
    ("array", "application/json", b"[{}]", 400),
    ("string", "application/json", b'"x"', 400),
    ("too large", "application/json", b" " * 2_000_000 + b"{}", 413),
]


@override_settings(
    WAGTAIL_CLINIC={
        **comments.NO_LIMITS,
        "APPOINTMENT_RATE_LIMIT": None,
        "APPOINTMENT_MAX_BODY_SIZE": 64 * 1024,
    }
)
class TestOneJSONBodyPolicy(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = booking.make_booking_site()
        cls.article = comments.make_article()[1]

    def setUp(self):
        cache.clear()

    def endpoints(self):
        """``(name, url, valid body, success status)`` for both endpoints."""
        return [
            (
                "appointments",
                booking.API_URL,
                booking.api_body(self.page),
                201,
            ),
            (
                "comments",
                comments.api_url(self.article),
                comments.api_body(self.article),
                202,
            ),
        ]

    def send(self, url, content_type, body):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.generic(
                "POST", url, body, content_type=content_type, CONTENT_TYPE=content_type
            )

    def test_both_endpoints_answer_alike(self):
        for case, content_type, body, expected in BODY_CASES:
            answers = {}
            for name, url, valid, success in self.endpoints():
                cache.clear()
                data = body
                if data is None:
                    data = json.dumps(valid).encode()
                elif data == "bom":
                    data = b"\xef\xbb\xbf" + json.dumps(valid).encode()
                response = self.send(url, content_type, data)
                status = response.status_code
                with self.subTest(case=case, endpoint=name):
                    if expected == "ok":
                        self.assertEqual(status, success, response.content)
                    else:
                        self.assertIn(str(status), str(expected), response.content)
                        self.assertEqual(
                            response["Content-Type"], problems.PROBLEM_JSON
                        )
                        problem = response.json()
                        self.assertEqual(problem["status"], status)
                        if status == 415:
                            self.assertEqual(
                                response["Accept-Post"], "application/json"
                            )
                # The same status and explanation (limits differ: sizes aside).
                detail = "" if status in (413, success) else response.json()["detail"]
                answers[name] = ("ok" if status == success else status, detail)
            with self.subTest(case=case):
                self.assertEqual(answers["appointments"], answers["comments"])
        self.assertEqual(AppointmentRequest.objects.count(), 4)
        self.assertEqual(ReaderComment.objects.count(), 4)


class TestJSONBodyReader(SimpleTestCase):
    def read(self, body, content_type="application/json", max_size=1000):
        request = RequestFactory().generic("POST", "/", body, content_type=content_type)
        return json_body.read_json_object(request, max_size)

    def test_content_types(self):
        for value in (
            "application/json",
            "APPLICATION/JSON",
            "application/json; charset=utf-8",
            "application/json; charset=UTF-8",
            'application/json; charset="utf-8"',
            "application/json ; charset = utf-8",
            "application/json; charset=utf8; profile=x",
        ):
            with self.subTest(value=value):
                self.assertTrue(json_body.is_json_content_type(value))
        for value in (
            "",
            "application/jsonx",
            "text/json",
            "application/json; charset=latin-1",
            "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16",
            "application/json; charset=",
            "application/json; charset",
        ):
            with self.subTest(value=value):
                self.assertFalse(json_body.is_json_content_type(value))

    def test_bodies(self):
        self.assertEqual(self.read(b'{"a": 1}')[0], {"a": 1})
        self.assertEqual(self.read(b'\xef\xbb\xbf{"a": "\xc3\xa9"}')[0], {"a": "é"})
        data, error = self.read('{"a": 1}'.encode("utf-16"))
        self.assertIsNone(data)
        self.assertEqual(error.status_code, 400)
        self.assertEqual(json.loads(error.content)["detail"], json_body.NOT_UTF8)
        data, error = self.read(b"{}" + b" " * 1000)
        self.assertEqual(error.status_code, 413)

    def test_bad_content_length(self):
        request = RequestFactory().generic(
            "POST", "/", b"{}", content_type="application/json"
        )
        request.META["CONTENT_LENGTH"] = "abc"
        _data, error = json_body.read_json_object(request, 1000)
        self.assertEqual(error.status_code, 400)


# One problem+json builder ------------------------------------------------------


class TestProblems(SimpleTestCase):
    def test_shape(self):
        response = problems.problem_response(
            422,
            "Validation failed",
            problems.body_field_errors([("name", "invalid", "Bad \ud800 name")]),
            headers={"Retry-After": "5"},
        )
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(response["Retry-After"], "5")
        self.assertTrue(response.content.isascii())
        self.assertEqual(
            json.loads(response.content),
            {
                "type": "about:blank",
                "title": "Unprocessable Entity"
                if sys.version_info < (3, 13)
                else "Unprocessable Content",
                "status": 422,
                "detail": "Validation failed",
                "errors": [
                    {
                        "type": "invalid",
                        "loc": ["body", "name"],
                        "msg": "Bad \ud800 name",
                        "field": "name",
                    }
                ],
            },
        )

    def test_one_builder_for_every_problem(self):
        errors = [problems.field_error("site", "No site has this host name.")]
        self.assertEqual(
            problems.Problem(422, "Validation failed", errors).response().content,
            problems.problem_response(422, "Validation failed", errors).content,
        )
        self.assertEqual(
            problems.Problem(404, "Not here").response().content,
            b'{"type":"about:blank","title":"Not Found","status":404,'
            b'"detail":"Not here"}',
        )
        self.assertEqual(
            json.loads(
                problems.problem_response(
                    422, "x", problems.body_field_errors([("a", "b", "c")])
                ).content
            )["errors"],
            [{"type": "b", "loc": ["body", "a"], "msg": "c", "field": "a"}],
        )
