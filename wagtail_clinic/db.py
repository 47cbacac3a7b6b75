"""Database writes that wait for a busy database instead of failing.

The public forms (appointment requests, comments) store one row per request.
When another process holds the database's write lock — Wagtail publishing or
autosaving a page, another patient's request, a management command — the
write must wait, and if the database stays busy for too long the patient
gets a clear "please send it again" (HTTP 503 with ``Retry-After``), never a
500 and never a request that was half-counted.

:func:`write_with_retry` runs the write in its own transaction and retries it
a few times, with short jittered back-off, when the database reports that it
is busy (:func:`is_busy_error`), all within a bounded total of
``WAGTAIL_CLINIC["DATABASE_BUSY_TIMEOUT"]`` seconds; then it raises
:class:`DatabaseBusy`. Each attempt's own wait is capped by what is left of
that budget (SQLite's busy timeout, PostgreSQL's ``lock_timeout``), so a
request never outlives a web server's worker timeout because of a lock.

Callers read everything they need *before* calling it: on SQLite a
transaction that reads first and writes later cannot wait for the lock (the
upgrade fails at once with "database is locked", whatever the timeout).

:func:`check_sqlite_settings` is the system check ``wagtail_clinic.W301``:
SQLite without ``"transaction_mode": "IMMEDIATE"`` or with a short
``"timeout"`` (see the README's install section).

Nothing here logs what was being written: only that the database was busy.
"""

import contextlib
import logging
import random
import time

from functools import partial

from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from wagtail_clinic.conf import clinic_settings


__all__ = [
    "RETRY_AFTER",
    "DatabaseBusy",
    "busy_errors_as_database_busy",
    "check_sqlite_settings",
    "is_busy_error",
    "sqlite_settings_problems",
    "write_with_retry",
]

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait (``Retry-After``) when the database
#: stayed busy: locks held by publishing or imports rarely last longer.
RETRY_AFTER = 5

#: Most attempts of one write, whatever the time budget allows.
MAX_ATTEMPTS = 8

#: Back-off before the first retry (seconds); doubles each time, at most
#: ``MAX_BACKOFF``, then jittered by ±50% so that waiting writers spread out.
FIRST_BACKOFF = 0.05
MAX_BACKOFF = 1.0

# SQLite result codes (the primary code is the low byte of an extended one).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_BUSY_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
)

# PostgreSQL SQLSTATEs: lock_not_available (lock_timeout, NOWAIT),
# serialization_failure, deadlock_detected.
POSTGRES_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})

#: Recommended SQLite ``OPTIONS``; a timeout below ``MIN_SQLITE_TIMEOUT``
#: seconds makes the system check warn.
RECOMMENDED_SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
MIN_SQLITE_TIMEOUT = 5


class DatabaseBusy(Exception):
    """The database stayed busy (locked) for longer than the retry budget.

    Nothing was stored. ``retry_after`` is the seconds a client should wait
    before sending the same request again.
    """

    def __init__(self, retry_after=RETRY_AFTER):
        super().__init__(f"database busy; retry after {retry_after} s")
        self.retry_after = retry_after


def is_busy_error(exc):
    """Whether ``exc`` means "the database is busy, try again", not a bug.

    SQLite: ``SQLITE_BUSY``/``SQLITE_LOCKED`` ("database is locked",
    "database table is locked"). PostgreSQL: ``lock_not_available``,
    ``serialization_failure`` and ``deadlock_detected``, read from the
    driver's SQLSTATE (psycopg's ``sqlstate``, psycopg2's ``pgcode``).
    """
    if not isinstance(exc, DatabaseError):
        return False
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED):
            return True
        sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if sqlstate in POSTGRES_BUSY_SQLSTATES:
            return True
    message = str(exc).lower()
    return any(text in message for text in SQLITE_BUSY_MESSAGES)


@contextlib.contextmanager
def busy_errors_as_database_busy():
    """Turn a busy-database error raised inside the block into ``DatabaseBusy``.

    For the reads a form makes before its write: they rarely wait, but when
    they give up the client should get a 503, not a 500.
    """
    try:
        yield
    except DatabaseError as exc:
        if not is_busy_error(exc):
            raise
        logger.warning("The database was busy; a public form answered 503.")
        raise DatabaseBusy() from exc


def _budget(timeout):
    if timeout is not None:
        return max(0.0, float(timeout))
    return max(0.0, float(clinic_settings.DATABASE_BUSY_TIMEOUT or 0))


@contextlib.contextmanager
def _sqlite_busy_timeout(connection, seconds):
    """Cap the connection's busy timeout at ``seconds`` inside the block."""
    connection.ensure_connection()
    raw = connection.connection
    original = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    wanted = max(1, int(seconds * 1000))
    if wanted >= original:
        yield
        return
    raw.execute(f"PRAGMA busy_timeout = {wanted}")
    try:
        yield
    finally:
        if connection.connection is raw:  # Not closed meanwhile.
            with contextlib.suppress(Exception):
                raw.execute(f"PRAGMA busy_timeout = {int(original)}")


def _postgres_lock_timeout(connection, seconds):
    """``SET LOCAL lock_timeout``: inside the write transaction only."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = {max(1, int(seconds * 1000))}")


def write_with_retry(fn, *, using=None, timeout=None):
    """Run ``fn()`` in a transaction, retrying while the database is busy.

    Args:
        fn: does the write (and registers any ``transaction.on_commit``
            hooks); it may run more than once, so it must only touch the
            database, and read what it needs beforehand.
        using: the database alias (default: ``"default"``).
        timeout: the total seconds to keep trying; default
            ``WAGTAIL_CLINIC["DATABASE_BUSY_TIMEOUT"]``.

    Returns:
        What ``fn`` returned, once its transaction has committed.

    Raises:
        DatabaseBusy: the database stayed busy; nothing was stored.

    Inside a transaction that is already open (e.g. ``ATOMIC_REQUESTS``),
    ``fn`` runs once in a savepoint: a busy database cannot be waited out
    there, so it raises ``DatabaseBusy`` at once.
    """
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    if connection.in_atomic_block:
        try:
            with transaction.atomic(using=using):
                return fn()
        except DatabaseError as exc:
            if not is_busy_error(exc):
                raise
            logger.warning("The database was busy inside an open transaction.")
            raise DatabaseBusy() from exc
    budget = _budget(timeout)
    deadline = time.monotonic() + budget
    backoff = FIRST_BACKOFF
    for attempt in range(1, MAX_ATTEMPTS + 1):
        committed = []
        remaining = max(0.001, deadline - time.monotonic())
        wait_cap = (
            _sqlite_busy_timeout(connection, remaining)
            if connection.vendor == "sqlite"
            else contextlib.nullcontext()
        )
        try:
            with wait_cap, transaction.atomic(using=using):
                # The first commit hook: tells a hook failing after the
                # COMMIT (never to be retried) from a failed write.
                transaction.on_commit(partial(committed.append, True), using=using)
                if connection.vendor == "postgresql":
                    _postgres_lock_timeout(connection, remaining)
                return fn()
        except DatabaseError as exc:
            if committed or not is_busy_error(exc):
                raise
            delay = min(backoff, MAX_BACKOFF) * random.uniform(0.5, 1.5)  # noqa: S311
            backoff *= 2
            if attempt == MAX_ATTEMPTS or time.monotonic() + delay >= deadline:
                logger.warning(
                    "The database stayed busy for %.1f s (%d attempts); "
                    "a public form answered 503.",
                    budget,
                    attempt,
                )
                raise DatabaseBusy() from exc
            logger.info(
                "The database was busy; retrying a write (attempt %d).", attempt
            )
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


# System check ------------------------------------------------------------------


def sqlite_settings_problems(settings_dict):
    """What is missing from one SQLite ``DATABASES`` entry (a list of strings)."""
    options = settings_dict.get("OPTIONS") or {}
    problems = []
    mode = str(options.get("transaction_mode") or "").upper()
    if mode not in ("IMMEDIATE", "EXCLUSIVE"):
        problems.append('"transaction_mode" is not "IMMEDIATE"')
    timeout = options.get("timeout", 5)
    try:
        timeout = float(timeout)
    except (TypeError, ValueError):
        timeout = 0.0
    if timeout < MIN_SQLITE_TIMEOUT:
        problems.append(f'"timeout" is {timeout:g} s, below {MIN_SQLITE_TIMEOUT} s')
    return problems


def check_sqlite_settings(app_configs=None, **kwargs):
    """``wagtail_clinic.W301``: SQLite settings that make concurrent writes fail."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        return []
    problems = sqlite_settings_problems(connection.settings_dict)
    if not problems:
        return []
    return [
        checks.Warning(
            "The default database is SQLite and "
            + " and ".join(problems)
            + ": concurrent writes (Wagtail's autosave and publishing, "
            "appointment requests, comments) can fail with "
            '"database is locked" instead of waiting for each other.',
            hint=(
                'Set DATABASES["default"]["OPTIONS"] = '
                '{"transaction_mode": "IMMEDIATE", "timeout": 20} '
                '(see the README, "Install into an existing Wagtail site").'
            ),
            id="wagtail_clinic.W301",
        )
    ]
