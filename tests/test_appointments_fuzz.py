"""Property-based fuzzing of the appointment request form and JSON endpoint.

For any input: never a 500, a row is stored only for an accepted request
(exactly one), and the clinic's notification never holds what was typed.
Each example runs in its own rolled-back transaction (Hypothesis' Django
``TestCase``), so counts start afresh.
"""

import json

from django.core import mail
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.appointment_utils import API_URL, make_booking_site
from tests.fuzzing import fuzz_examples
from wagtail_clinic.models import AppointmentRequest


EXAMPLES = settings(
    max_examples=fuzz_examples(500),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_SETTINGS = {"APPOINTMENT_RATE_LIMIT": None, "APPOINTMENT_MAX_BODY_SIZE": 64 * 1024}

# Text of every kind: unicode, control characters, CR/LF, and the occasional
# oversized value (a 10+ KB field; for the form also a 1+ MB one).
any_text = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from("\r\n\t\x00\x0b\u2028 aZ=+-@<>\"'%;"), max_size=20
    ),
    st.builds(
        lambda char, size: char * size,
        # Encodable characters: a form post (and the test client) cannot
        # carry a lone surrogate; the JSON endpoint gets those from
        # tests/test_public_input.py.
        st.characters(codec="utf-8"),
        st.integers(10_001, 12_000),
    ),
)
huge_text = st.just("x" * 1_100_000)

# Values a patient could plausibly type, marked so they are easy to spot in
# an email: any leak of them would be found.
names = st.builds(lambda s: f"Qx{s}", st.text(alphabet="abcdefghij -'", max_size=12))
emails = st.builds(
    lambda s: f"pt{s}@patient-mail.example",
    st.text(alphabet="abc123", min_size=1, max_size=8),
)
phones = st.sampled_from(
    ["+1 780 555 0199", "(587) 555-0142", "780.555.0123", "+44 20 7946 0958"]
)
messages = st.builds(lambda s: f"Msgz {s}", st.text(max_size=30))


def field(valid, *others):
    return st.one_of(valid, any_text, *others)


def form_strategy(massage_type_id):
    days = st.lists(st.sampled_from(["mon", "tue", "sun", "someday", ""]), max_size=4)
    return st.fixed_dictionaries(
        {
            "name": field(names, huge_text),
            "email": field(emails, st.just("")),
            "phone": field(phones, st.just("")),
            "preferred_contact": field(st.sampled_from(["email", "phone"])),
            "preferred_days": st.one_of(days, any_text),
            "preferred_times": st.lists(
                st.sampled_from(["morning", "evening", "night"]), max_size=3
            ),
            "massage_type": field(
                st.sampled_from(["", str(massage_type_id), "0", "99999999999999999999"])
            ),
            "patient_status": field(st.sampled_from(["new", "returning"])),
            "message": field(messages, st.just("")),
            "consent": st.sampled_from(["on", "", "true", "0"]),
        },
        optional={
            "website": st.one_of(st.just(""), any_text),
            "unexpected": any_text,
        },
    )


def json_value():
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=5,
    )


def json_strategy(page_id, massage_type_id):
    valid = st.fixed_dictionaries(
        {
            "page_id": st.just(page_id),
            "name": names,
            "email": st.one_of(emails, st.none()),
            "phone": st.one_of(phones, st.none()),
            "preferred_contact": st.sampled_from(["email", "phone"]),
            "preferred_days": st.lists(
                st.sampled_from(["mon", "fri", "sun"]), max_size=3
            ),
            "preferred_times": st.lists(
                st.sampled_from(["morning", "evening"]), max_size=2
            ),
            "massage_type_id": st.sampled_from([None, massage_type_id]),
            "patient_status": st.sampled_from(["new", "returning"]),
            "message": st.one_of(messages, st.none()),
            "consent": st.just(True),
        },
        optional={"website": st.one_of(st.just(""), any_text)},
    )
    keys = st.sampled_from(
        [
            "page_id",
            "page_path",
            "name",
            "email",
            "phone",
            "preferred_contact",
            "preferred_days",
            "preferred_times",
            "massage_type_id",
            "patient_status",
            "message",
            "consent",
            "website",
            "extra",
        ]
    )

    def mutate(body, changes, removals):
        body = {**body, **changes}
        for key in removals:
            body.pop(key, None)
        return body

    # Mostly valid requests with a few fields replaced by anything at all
    # (wrong types, nulls, huge strings, control characters) or left out,
    # plus bodies that are not JSON objects and wrong content types.
    body = st.builds(
        mutate,
        valid,
        st.dictionaries(keys, st.one_of(json_value(), any_text), max_size=3),
        st.sets(keys, max_size=2),
    )
    return st.one_of(
        st.tuples(st.just("application/json"), body.map(json.dumps)),
        st.tuples(st.just("application/json"), body.map(json.dumps)),
        st.tuples(st.just("application/json"), body.map(json.dumps)),
        st.tuples(st.just("application/json"), json_value().map(json.dumps)),
        st.tuples(st.just("application/json"), st.binary(max_size=50)),
        st.tuples(
            st.sampled_from(["text/plain", "application/x-www-form-urlencoded"]),
            body.map(json.dumps),
        ),
    )


def typed_values(data):
    """The strings of a submission, as they could appear in an email."""
    for key in ("name", "email", "phone", "message"):
        value = data.get(key)
        if isinstance(value, str) and len(value.strip()) >= 6:
            yield value.strip()


class FuzzMixin:
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.clinic, cls.massage_type, cls.page = make_booking_site()

    def check_outcome(self, before, accepted, data):
        after = AppointmentRequest.objects.count()
        honeypot = bool(str(data.get("website") or "").strip())
        if accepted and not honeypot:
            self.assertEqual(after, before + 1)
            self.assertEqual(len(mail.outbox), 1)
        else:
            self.assertEqual(after, before)
            self.assertEqual(mail.outbox, [])
        for email in mail.outbox:
            text = email.subject + email.body
            for value in typed_values(data):
                self.assertNotIn(value, text)


@override_settings(WAGTAIL_CLINIC=FUZZ_SETTINGS)
class TestFormFuzz(FuzzMixin, TestCase):
    @EXAMPLES
    @given(data=st.data())
    def test_form_never_fails_or_leaks(self, data):
        submission = data.draw(form_strategy(self.massage_type.pk))
        before = AppointmentRequest.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.page.url, submission)
        event(f"status {response.status_code}")
        self.assertIn(response.status_code, (200, 302, 400))
        if response.status_code == 302:
            self.assertEqual(response["Location"], "/book/?sent=1")
        self.check_outcome(before, response.status_code == 302, submission)


@override_settings(WAGTAIL_CLINIC=FUZZ_SETTINGS)
class TestJSONFuzz(FuzzMixin, TestCase):
    @EXAMPLES
    @given(data=st.data())
    def test_endpoint_never_fails_or_leaks(self, data):
        content_type, body = data.draw(
            json_strategy(self.page.pk, self.massage_type.pk)
        )
        before = AppointmentRequest.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.generic(
                "POST",
                API_URL,
                body,
                content_type=content_type,
                CONTENT_TYPE=content_type,
            )
        event(f"status {response.status_code}")
        self.assertIn(response.status_code, (201, 400, 413, 415, 422))
        if response.status_code == 201:
            self.assertEqual(set(response.json()), {"reference"})
        else:
            self.assertEqual(response["Content-Type"], "application/problem+json")
            problem = response.json()
            self.assertEqual(problem["status"], response.status_code)
            for error in problem.get("errors", []):
                self.assertIsInstance(error["field"], str)
        try:
            submitted = json.loads(body)
        except (TypeError, ValueError):
            submitted = {}
        if not isinstance(submitted, dict):
            submitted = {}
        self.check_outcome(before, response.status_code == 201, submitted)
