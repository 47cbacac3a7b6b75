"""Concurrent writers: requests wait for a busy database, or get a clean 503.

Real concurrency, no mocked database: each request runs in its own thread
with its own database connection, and another connection holds the write
lock where a scenario needs it (SQLite ``BEGIN IMMEDIATE``, PostgreSQL
``LOCK TABLE``).

On SQLite the in-memory test database cannot show this (its shared cache
fails at once with "database table is locked", where a real database file
waits), so each test copies the test database, with its data, to a file
(``sqlite3`` backup API) and the threads connect to that file, with the
``OPTIONS`` each scenario names: the recommended ones, or Django's defaults
as a host site may have kept them. On PostgreSQL (``DATABASE_ENGINE=postgres``)
the threads use the test database itself.
"""

import contextlib
import json
import sqlite3
import threading
import time

from collections import Counter
from functools import partial

import pytest

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.db import transaction as db_transaction
from django.db.utils import load_backend
from django.test import Client
from django.utils import timezone

from tests import comment_utils
from tests.appointment_utils import (
    API_URL,
    PATIENT,
    api_body,
    form_data,
    make_booking_site,
)
from tests.utils import make_condition_index
from wagtail_clinic.db import (
    DatabaseBusy,
    is_busy_error,
    sqlite_settings_problems,
    write_with_retry,
)
from wagtail_clinic.models import AppointmentRequest, ReaderComment


#: Committed data that other connections can see; the migrations' data (the
#: page tree's root, the default site) is restored for the tests that follow.
concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RECOMMENDED = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DJANGO_DEFAULTS = {}  # Deferred transactions, Python's 5 s busy timeout.
PROBLEM_JSON = "application/problem+json"
#: Seconds another connection holds the write lock in the "wait" scenarios.
LOCK_SECONDS = 3
THREAD_TIMEOUT = 60


def on_sqlite():
    return connection.vendor == "sqlite"


# Threads with their own connections ------------------------------------------------


class Database:
    """The database the threads write to, and a way to lock it."""

    def __init__(self, tmp_path):
        self.sqlite_path = None
        self.options = RECOMMENDED
        if on_sqlite():
            self.sqlite_path = tmp_path / "concurrency.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.sqlite_path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def settings_dict(self):
        return {
            **connection.settings_dict,
            "NAME": str(self.sqlite_path),
            "OPTIONS": dict(self.options),
        }

    @contextlib.contextmanager
    def thread_connection(self):
        """Give the current (new) thread its own connection, closed after."""
        if self.sqlite_path is not None:
            settings_dict = self.settings_dict()
            backend = load_backend(settings_dict["ENGINE"])
            connections[DEFAULT_DB_ALIAS] = backend.DatabaseWrapper(
                settings_dict, DEFAULT_DB_ALIAS
            )
        try:
            yield
        finally:
            connections.close_all()

    def run(self, *functions):
        """Call each function in its own thread, all at once; their results.

        An exception in a thread is raised here (the first one).
        """
        barrier = threading.Barrier(len(functions))
        results = [None] * len(functions)
        errors = []

        def work(index, function):
            try:
                with self.thread_connection():
                    barrier.wait(timeout=THREAD_TIMEOUT)
                    results[index] = function()
            except BaseException as exc:  # noqa: BLE001 - re-raised below.
                errors.append(exc)
                barrier.abort()

        threads = [
            threading.Thread(target=work, args=(index, function), daemon=True)
            for index, function in enumerate(functions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(THREAD_TIMEOUT)
        assert not any(thread.is_alive() for thread in threads), "a thread hung"
        if errors:
            raise errors[0]
        return results

    def query(self, function):
        """``function()`` on the threads' database (the file, on SQLite)."""
        return self.run(function)[0]

    @contextlib.contextmanager
    def write_lock(self):
        """Hold the database's write lock (another connection) in the block."""
        if self.sqlite_path is not None:
            holder = sqlite3.connect(self.sqlite_path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                holder.execute("COMMIT")
                holder.close()
            return
        backend = load_backend(connection.settings_dict["ENGINE"])
        holder = backend.DatabaseWrapper(dict(connection.settings_dict), "lock-holder")
        try:
            with holder.cursor() as cursor:
                cursor.execute("BEGIN")
                # Conflicts with the ROW EXCLUSIVE lock every INSERT takes.
                for table in (
                    AppointmentRequest._meta.db_table,
                    ReaderComment._meta.db_table,
                ):
                    cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            yield
        finally:
            with holder.cursor() as cursor:
                cursor.execute("COMMIT")
            holder.close()

    @contextlib.contextmanager
    def locked_for(self, seconds):
        """Hold the write lock for ``seconds`` from now, in the background."""
        ready, done = threading.Event(), threading.Event()
        failures = []

        def hold():
            try:
                with self.write_lock():
                    ready.set()
                    done.wait(seconds)
            except BaseException as exc:  # noqa: BLE001 - reported below.
                failures.append(exc)
                ready.set()

        thread = threading.Thread(target=hold, daemon=True)
        thread.start()
        assert ready.wait(THREAD_TIMEOUT)
        assert not failures, failures
        try:
            yield
        finally:
            thread.join(THREAD_TIMEOUT)
            assert not thread.is_alive()
            assert not failures, failures


@pytest.fixture
def booking():
    """A site taking appointment requests and comments (committed data)."""
    _home, _clinic, _massage_type, page = make_booking_site()
    index = make_condition_index(page.get_parent())
    # Comments are off by default: this site and the article take them.
    comment_utils.allow_site_comments()
    article = comment_utils.make_commented_page(index)
    cache.clear()
    return page, article


@pytest.fixture
def database(booking, tmp_path):
    return Database(tmp_path)


# Requests, one per thread -----------------------------------------------------------


def client_for(number):
    client = Client(REMOTE_ADDR=f"203.0.113.{number}")
    client.raise_request_exception = False
    return client


def api_request(page, number, client=None):
    client = client or client_for(number)
    response = client.post(
        API_URL, json.dumps(api_body(page)), content_type="application/json"
    )
    return "api", response


def form_request(page, number, client=None):
    client = client or client_for(number)
    return "form", client.post(page.url, form_data())


def comment_api_request(article, number):
    response = comment_utils.post_json(
        client_for(number), article, comment_utils.api_body(article)
    )
    return "comment-api", response


def comment_form_request(article, number):
    response = client_for(number).post(article.url, comment_utils.form_data(article))
    return "comment-form", response


SUCCESS = {"api": 201, "form": 302, "comment-api": 202, "comment-form": 302}


def statuses(outcomes):
    return Counter((kind, response.status_code) for kind, response in outcomes)


def assert_no_server_error(outcomes):
    counts = statuses(outcomes)
    assert not [key for key in counts if key[1] >= 500 and key[1] != 503], counts


def assert_all_succeeded(outcomes):
    counts = statuses(outcomes)
    assert all(status == SUCCESS[kind] for kind, status in counts), counts


def stored_references(database):
    return database.query(
        lambda: set(AppointmentRequest.objects.values_list("reference", flat=True))
    )


def api_references(outcomes):
    return {
        response.json()["reference"]
        for kind, response in outcomes
        if kind == "api" and response.status_code == 201
    }


def assert_busy_problem(response):
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == 503
    assert body["title"] == "Service Unavailable"
    assert PATIENT["name"] not in response.content.decode()


# Scenarios ------------------------------------------------------------------------


@concurrent
def test_concurrent_api_requests_are_all_stored(booking, database):
    page, _article = booking
    outcomes = database.run(*(partial(api_request, page, n) for n in range(20)))
    assert_all_succeeded(outcomes)
    references = api_references(outcomes)
    assert len(references) == 20
    assert stored_references(database) == references


@concurrent
def test_concurrent_api_and_form_requests_wait_for_a_write_lock(booking, database):
    page, article = booking
    requests = [
        *(partial(api_request, page, n) for n in range(6)),
        *(partial(form_request, page, n) for n in range(6, 12)),
        partial(comment_api_request, article, 12),
        partial(comment_form_request, article, 13),
    ]
    with database.locked_for(LOCK_SECONDS):
        started = time.monotonic()
        outcomes = database.run(*requests)
        waited = time.monotonic() - started
    assert waited >= LOCK_SECONDS - 0.5  # They waited for the lock...
    assert_all_succeeded(outcomes)  # ... and then succeeded.
    assert database.query(AppointmentRequest.objects.count) == 12
    assert database.query(ReaderComment.objects.count) == 2
    assert api_references(outcomes) <= stored_references(database)


@concurrent
def test_django_default_sqlite_settings_never_answer_500(booking, database):
    """A host site that kept Django's SQLite defaults: wait, or a clean 503."""
    if not on_sqlite():
        pytest.skip("SQLite's transaction mode and timeout only")
    database.options = DJANGO_DEFAULTS
    page, article = booking
    requests = [
        *(partial(api_request, page, n) for n in range(12)),
        *(partial(form_request, page, n) for n in range(12, 24)),
        *(partial(comment_api_request, article, n) for n in range(24, 27)),
        *(partial(comment_form_request, article, n) for n in range(27, 30)),
    ]
    with database.locked_for(1):
        outcomes = database.run(*requests)
    assert_no_server_error(outcomes)
    counts = statuses(outcomes)
    stored = sum(n for (kind, status), n in counts.items() if status == SUCCESS[kind])
    refused = sum(n for (kind, status), n in counts.items() if status == 503)
    assert stored + refused == len(requests), counts
    assert (
        database.query(AppointmentRequest.objects.count)
        + database.query(ReaderComment.objects.count)
        == stored
    )
    assert api_references(outcomes) <= stored_references(database)


@concurrent
def test_a_database_busy_beyond_the_budget_gives_503_and_spends_no_quota(
    booking, database, settings
):
    settings.WAGTAIL_CLINIC = {
        "DATABASE_BUSY_TIMEOUT": 0.5,
        "APPOINTMENT_RATE_LIMIT": "2/hour",
    }
    page, _article = booking
    api_client, form_client = client_for(7), client_for(7)  # One patient.
    with database.locked_for(LOCK_SECONDS):
        started = time.monotonic()
        (_kind, api_response), (_kind, form_response) = database.run(
            partial(api_request, page, 7, api_client),
            partial(form_request, page, 7, form_client),
        )
        # Answered within the budget (0.5 s), while the lock was still held.
        assert time.monotonic() - started < LOCK_SECONDS - 0.5

    assert_busy_problem(api_response)
    assert form_response.status_code == 503
    assert int(form_response["Retry-After"]) > 0
    assert form_response["Cache-Control"] == "no-store"
    html = form_response.content.decode()
    assert "We could not save your request just now" in html
    assert f'value="{PATIENT["name"]}"' in html  # What the patient typed.
    assert PATIENT["message"] in html
    assert database.query(AppointmentRequest.objects.count) == 0

    # The failed attempts spent nothing: the full limit (2) is still there.
    first, second, third = (
        database.query(partial(api_request, page, 7, api_client))[1] for _ in range(3)
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert third.status_code == 429
    assert database.query(AppointmentRequest.objects.count) == 2


@concurrent
def test_a_busy_database_gives_comments_a_503_too(booking, database, settings):
    settings.WAGTAIL_CLINIC = {
        "DATABASE_BUSY_TIMEOUT": 0.5,
        "COMMENTS_RATE_LIMIT": "1/hour",
    }
    _page, article = booking
    with database.locked_for(LOCK_SECONDS):
        (_kind, api_response), (_kind, form_response) = database.run(
            partial(comment_api_request, article, 8),
            partial(comment_form_request, article, 9),
        )
    assert api_response.status_code == 503, api_response.content
    assert api_response["Content-Type"] == PROBLEM_JSON
    assert int(api_response["Retry-After"]) > 0
    assert form_response.status_code == 503
    assert int(form_response["Retry-After"]) > 0
    html = form_response.content.decode()
    assert "We could not save your comment just now" in html
    assert comment_utils.COMMENTER_NAME in html
    assert database.query(ReaderComment.objects.count) == 0
    # Quota untouched: each client can still send its one comment.
    outcomes = database.run(
        partial(comment_api_request, article, 8),
        partial(comment_form_request, article, 9),
    )
    assert_all_succeeded(outcomes)


# The helper itself ------------------------------------------------------------------


@concurrent
def test_a_hook_failing_after_the_commit_is_never_retried(booking, database):
    """Retrying after the COMMIT would store the request twice."""
    page, _article = booking
    calls = []

    def store():
        calls.append(1)
        AppointmentRequest.objects.create(page=page, consent_given_at=timezone.now())

        def hook():
            raise OperationalError("database is locked")

        db_transaction.on_commit(hook)

    def write():
        with pytest.raises(OperationalError):
            write_with_retry(store)

    database.query(write)
    assert len(calls) == 1
    assert database.query(AppointmentRequest.objects.count) == 1


@concurrent
def test_busy_errors_are_recognised(booking, database):
    seen = []

    def write():
        try:
            write_with_retry(
                lambda: AppointmentRequest.objects.create(
                    consent_given_at=timezone.now()
                ),
                timeout=0.2,
            )
        except DatabaseBusy as busy:
            seen.append(busy)
            seen.append(is_busy_error(busy.__cause__))

    with database.locked_for(2):
        database.query(write)
    assert isinstance(seen[0], DatabaseBusy)
    assert seen[1] is True
    assert not is_busy_error(OperationalError("no such table: x"))
    assert not is_busy_error(ValueError("database is locked"))


def test_sqlite_settings_problems():
    assert sqlite_settings_problems({"OPTIONS": RECOMMENDED}) == []
    assert (
        sqlite_settings_problems(
            {"OPTIONS": {"transaction_mode": "immediate", "timeout": 5}}
        )
        == []
    )
    assert len(sqlite_settings_problems({})) == 1  # Django's defaults.
    assert (
        len(
            sqlite_settings_problems(
                {"OPTIONS": {"transaction_mode": "DEFERRED", "timeout": 1}}
            )
        )
        == 2
    )


def test_system_check_w301():
    from wagtail_clinic.db import check_sqlite_settings

    if not on_sqlite():
        assert check_sqlite_settings() == []
        return
    assert check_sqlite_settings() == []  # tests/settings.py has them.
    options = connection.settings_dict.get("OPTIONS")
    connection.settings_dict["OPTIONS"] = {}
    try:
        warnings = check_sqlite_settings()
    finally:
        connection.settings_dict["OPTIONS"] = options
    assert [warning.id for warning in warnings] == ["wagtail_clinic.W301"]
    assert "IMMEDIATE" in warnings[0].hint
