"""How the example site's requests grow with the number of condition articles.

Issue 14's table, re-measured: the example site (``example.settings.loadtest``:
the production settings, DEBUG off) with its demo content, plus N generated
condition articles (each a copy of the demo's reference article,
/conditions/back-pain/: the same stored body, hero image, reviewer) and 50
massage types in all (the demo's 4 and 46 generated ones, their bodies copied
from the demo's). Every article's body chooses the demo's 3 massage types,
as the reference article does, and those 3 list every article among the
conditions they help (``conditions``), as they list the reference article.

Pages are generated in bulk (page and article rows, one live revision each,
reference-index rows copied from the reference article's, search index
entries added in batches, then the massage types' conditions summaries
counted), not with treebeard's ``add_child``; the SQLite
files are cached between runs, keyed by size and by what they are built from
(``--cache-dir``, default ``$TMPDIR/wagtail-clinic-scale``; ``--rebuild``
ignores them). Each measurement runs on a copy, so cached files stay as built.

Every row is measured in one process with Django's test client: 2 warm-up
requests, then the median of 7 (ms) and the median query count. The admin
rows are requested as a superuser. The publish rows publish a revision of the
massage type the reference article's body chooses first (so every generated
article chooses it too): with a webhook endpoint configured (a closed port on
127.0.0.1; with the production task backend the delivery is only queued, the
receiver is never contacted) and with none. "API detail" compares the
reference article with the plain page (/about/, a StandardPage holding about
the article's text) through API v2, with the representation cache forced on
(warm) and off (cold); "article HTML" compares the two pages' HTML, warm
(caches as left by earlier requests) and cold (Django's cache cleared before
each request).

Run from the repository root:

    .venv/bin/python benchmarks/scale.py [--sizes 100,1000,5000] [--db sqlite,postgres] [--write]
    .venv/bin/python benchmarks/scale.py --short   # sizes 100,300, SQLite, < 2 min

``--db postgres`` needs the ``PG*`` variables of ``scripts/_postgres.sh``
(``source scripts/_venv.sh; source scripts/_postgres.sh; ensure_postgres``)
and a role that may create databases: it creates a throwaway database,
grows it from the smallest size to the largest, and drops it at the end.
``--write`` adds the table to benchmarks/RESULTS.md (newest first), with the
date, commit and machine.

``--hit-rate`` measures instead (``--table`` as well) issue 14 item 3: the
API representation cache's hit rate while an editor publishes, on each
size of ``--sizes`` and database, about 3 minutes each (``--short
--hit-rate``: 100 articles, SQLite, 4 s per row, about a minute). gunicorn (2 sync workers,
port 8310-8319) serves the generated database with the loadtest settings
plus Redis as Django's cache (two throwaway redis-servers started and
stopped by ``scripts/_redis.sh``, ports 6390-6399: one for Django's default
cache, one for the representation cache alone, so that Redis's INFO
counters attribute each lookup to it, with nothing added to the app). 4
client threads request the API v2 details of 50 generated articles
round-robin for ``--hit-rate-seconds`` (30) per row; the editor, a
subprocess of this script (``--editor``, Django's ORM), publishes one of
those articles every 2 s, a different one each time (for the cache-off
server, which runs beside the cache-on one with its own Redis db, other
articles). Rows, in 3 interleaved rounds: the cache on and off, each
without and with the editor: requests, req/s, p50, hit rate, lookups per
request (1.00 when the attribution is exact) and publishes.

    .venv/bin/python benchmarks/scale.py --hit-rate --sizes 1000 --db sqlite
"""

import argparse
import contextlib
import hashlib
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from pathlib import Path

# Shared with the load test (benchmarks/ is on sys.path when run as a script).
from load_test import (
    Failed,
    Gunicorn,
    code_version,
    cpu_model,
    free_port,
    tail,
    version,
)


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
RESULTS = Path(__file__).with_name("RESULTS.md")
RESULTS_HEADER = (
    "# Benchmark results\n\nProduced by the scripts in this folder; newest first.\n\n"
)

#: Bump when the generated content changes, so cached databases are rebuilt.
GENERATOR_VERSION = 5
MASSAGE_TYPES_TOTAL = 50
WARMUPS = 2
REPEATS = 7
REFERENCE_PATH = "/conditions/back-pain/"
PLAIN_PATH = "/about/"
MIN_MASSAGE_INDEX = "/massage-types/"

# The hit rate under edits (--hit-rate): gunicorn workers, client threads,
# articles requested round-robin, seconds between two publishes, seconds per
# row (and with --short), and where the servers may listen.
HIT_WORKERS = 2
HIT_CLIENTS = 4
HIT_ARTICLES = 50
HIT_PUBLISH_EVERY = 2.0
HIT_SECONDS = 30
HIT_SECONDS_SHORT = 4
HIT_ROUNDS = 3
HIT_GOAL = 0.90
REDIS_PORTS = range(6390, 6400)
GUNICORN_PORTS = range(8310, 8320)

# Table rows: (key, label). Values are {"ms": float, "queries": int, ...}.
ROWS = [
    ("massage_listing", "clinic massage-types listing, 20 cards"),
    ("review_report", "admin medical review report"),
    ("review_unsourced", 'admin medical review, "unsourced" filter'),
    ("dashboard", "admin dashboard (review panel), as a superuser"),
    (
        "publish_webhooks",
        "publish a massage type that N article bodies choose (webhooks on)",
    ),
    ("publish_no_webhooks", "the same, webhooks off"),
    ("conditions_search", "clinic conditions `?search=massage`"),
    ("conditions_index", "conditions index HTML, middle page"),
    ("v2_listing", "v2 listing `?fields=*`, 20 items, representation cache off"),
    ("massage_index", "massage types index HTML"),
    ("webhook_payload", "webhook payload alone on that publish"),
    ("article_html", "reference article HTML, warm (representation cache on)"),
    ("plain_html", "plain page HTML (/about/), warm"),
    ("article_html_cold", "reference article HTML, cold (cache cleared)"),
    ("plain_html_cold", "plain page HTML, cold (cache cleared)"),
    ("article_html_off", "reference article HTML, representation cache off"),
    ("plain_html_off", "plain page HTML, representation cache off"),
    ("article_api_warm", "reference article API v2 detail, representation cache on"),
    ("plain_api_warm", "plain page API v2 detail, representation cache on"),
    ("article_api_cold", "reference article API v2 detail, representation cache off"),
    ("plain_api_cold", "plain page API v2 detail, representation cache off"),
]


# Orchestration (no Django here: each database and size runs in a worker) ----


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100,1000,5000", help="articles, comma-separated"
    )
    parser.add_argument(
        "--db", default="sqlite", help="sqlite, postgres or sqlite,postgres"
    )
    parser.add_argument("--short", action="store_true", help="sizes 100,300 on SQLite")
    parser.add_argument(
        "--write", action="store_true", help="add the table to RESULTS.md"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="never write (the default)"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="ignore cached databases"
    )
    parser.add_argument(
        "--cache-dir",
        default=os.path.join(tempfile.gettempdir(), "wagtail-clinic-scale"),
    )
    parser.add_argument(
        "--hit-rate",
        action="store_true",
        help="measure the API representation cache's hit rate under edits "
        "(gunicorn, Redis, an editor publishing) instead of the table",
    )
    parser.add_argument(
        "--table",
        action="store_true",
        help="with --hit-rate: measure the table as well",
    )
    parser.add_argument(
        "--hit-rate-seconds",
        type=float,
        help=f"seconds of load per hit-rate row (default {HIT_SECONDS}; "
        f"{HIT_SECONDS_SHORT} with --short)",
    )
    # Internal: one database and size, or the editor, in a subprocess.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--editor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    parser.add_argument("--stop-file", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.short:
        # The hit rate alone, short: size 100, a few seconds per row.
        args.sizes, args.db = ("100" if args.hit_rate else "100,300"), "sqlite"
    if args.hit_rate_seconds is None:
        args.hit_rate_seconds = HIT_SECONDS_SHORT if args.short else HIT_SECONDS
    args.measure_table = args.table or not args.hit_rate
    args.size_list = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.db_list = [d.strip() for d in args.db.split(",") if d.strip()]
    for db in args.db_list:
        if db not in ("sqlite", "postgres"):
            parser.error(f"unknown database {db!r}")
    if args.write and args.no_write:
        parser.error("--write and --no-write")
    return args


def cache_key():
    """What a cached database depends on: the demo content, migrations, versions."""
    digest = hashlib.sha256(f"generator {GENERATOR_VERSION}".encode())
    for path in [
        EXAMPLE / "home" / "demo_content.py",
        EXAMPLE / "home" / "management" / "commands" / "load_demo_content.py",
    ]:
        digest.update(path.read_bytes())
    migrations = sorted(
        str(p.relative_to(ROOT)) for p in ROOT.glob("*/**/migrations/*.py")
    )
    digest.update("\n".join(migrations).encode())
    for package in ("wagtail", "django"):
        digest.update(version(package).encode())
    return digest.hexdigest()[:12]


def worker_env(args, db, run_dir, pg_name=None):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(EXAMPLE), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "example.settings.loadtest",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "MEDIA_ROOT": str(Path(args.cache_dir) / "media"),
        "CACHE_DIR": str(run_dir / "cache"),
        "STATIC_ROOT": str(run_dir / "static"),
        "SCALE_CACHE_DIR": args.cache_dir,
        "SCALE_CACHE_KEY": cache_key(),
        "SCALE_REBUILD": "1" if args.rebuild else "",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    env.pop("FRONTEND_CACHE_URL", None)
    env.pop("DJANGO_TASKS_BACKEND", None)
    if db == "postgres":
        env["DATABASE_ENGINE"] = "postgres"
        env["PGDATABASE"] = pg_name
        env["CONN_MAX_AGE"] = "0"
    else:
        env.pop("DATABASE_ENGINE", None)
        env["DATABASE_PATH"] = str(run_dir / "db.sqlite3")
    return env


@contextlib.contextmanager
def throwaway_postgres():
    """A new, empty PostgreSQL database (PG* variables), dropped afterwards."""
    import psycopg

    name = f"wagtail_clinic_scale_{os.getpid()}"
    params = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "wagtail_clinic"),
        "password": os.environ.get("PGPASSWORD", ""),
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_worker(args, db, size, run_dir, pg_name=None):
    out = run_dir / f"result-{db}-{size}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    command += ["--db", db, "--size", str(size), "--out", str(out)]
    if not args.measure_table:
        command.append("--generate-only")
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own script)
        command, env=worker_env(args, db, run_dir, pg_name), cwd=ROOT, check=True
    )
    result = json.loads(out.read_text())
    result["seconds"] = time.perf_counter() - started
    print(
        f"  {db} {size}: generated in {result['generate_s']:.1f} s "
        f"({result['source']}), measured in {result['measure_s']:.1f} s"
        + ("" if args.measure_table else " (generated only)"),
        file=sys.stderr,
    )
    return result


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    if args.editor:
        return editor_main(args)
    started, load_start = time.time(), os.getloadavg()
    results, hit_rates = {}, {}
    with tempfile.TemporaryDirectory(prefix="wagtail-clinic-scale-") as tmp:
        for db in args.db_list:
            print(f"{db}: sizes {args.size_list}", file=sys.stderr)
            with contextlib.ExitStack() as stack:
                pg_name = None
                if db == "postgres":
                    pg_name = stack.enter_context(throwaway_postgres())
                for size in args.size_list:
                    run_dir = Path(tmp) / f"{db}-{size}"
                    (run_dir / "static").mkdir(parents=True)
                    result = run_worker(args, db, size, run_dir, pg_name)
                    if args.measure_table:
                        results[db, size] = result
                    if args.hit_rate:
                        hit_rates[db, size] = run_hit_rate(
                            args, db, size, run_dir, pg_name, result["db_version"]
                        )
    report = format_report(
        results,
        args,
        load_start,
        os.getloadavg(),
        time.time() - started,
        hit_rates=hit_rates,
    )
    print(report)
    if args.write:
        write_results(report)
    return 0


# Report ---------------------------------------------------------------------


def _fmt_ms(ms):
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def _cell(value):
    if value is None:
        return "—"
    text = _fmt_ms(value["ms"])
    if value.get("queries") is not None:
        text += f" ({value['queries']})"
    if value.get("kb") is not None:
        text += f", {value['kb']:,.0f} KB"
    if value.get("paths") is not None:
        text += f", {value['paths']:,} paths"
    return text


def format_report(results, args, load_start, load_end, seconds, hit_rates=None):
    fmt_load = (
        " / ".join(f"{x:.2f}" for x in load_start),
        " / ".join(f"{x:.2f}" for x in load_end),
    )
    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M')} — scale.py"
        + (" --hit-rate" if args.hit_rate else "")
        + f", {', '.join(args.db_list)}, sizes "
        + ", ".join(f"{s:,}" for s in args.size_list),
        "",
        f"- Code: {code_version()}; Python {platform.python_version()}, "
        f"Django {version('django')}, Wagtail {version('wagtail')}.",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}); load average "
        f"(1/5/15 min) {fmt_load[0]} at the start, {fmt_load[1]} at the end; "
        f"the whole command took {seconds / 60:.1f} min.",
    ]
    if results:
        lines += table_lines(results, args)
    if hit_rates:
        lines += hit_rate_lines(hit_rates, args)
    else:
        lines.append(
            "- Not measured in this run: the API hit rate under edits "
            "(`--hit-rate`, issue 14 item 3)."
        )
    return "\n".join(lines) + "\n"


def table_lines(results, args):
    """Issue 14's table and the article / plain page ratios, per database."""
    lines = [
        "- `benchmarks/scale.py` (see its docstring): the example site "
        "(`example.settings.loadtest`, DEBUG off) with its demo content, N "
        "generated copies of the reference article and 50 massage types "
        "(every body chooses 3 of them, which list every article). One "
        f"process, Django's test client, {WARMUPS} warm-ups then the median "
        f"of {REPEATS} requests: ms, (queries).",
    ]
    for db in args.db_list:
        sizes = [s for s in args.size_list if (db, s) in results]
        if not sizes:
            continue
        first, last = sizes[0], sizes[-1]
        lines += [
            "",
            f"**{db}**" + (f" ({results[db, first]['db_version']})" if sizes else ""),
            "",
            "| request | "
            + " | ".join(f"{s:,}" for s in sizes)
            + f" | {last:,} / {first:,} |",
            "|---|" + "---|" * (len(sizes) + 1),
        ]
        for key, label in ROWS:
            cells = [results[db, s]["rows"].get(key) for s in sizes]
            ratio = "—"
            if cells[0] and cells[-1] and cells[0]["ms"]:
                ratio = f"{cells[-1]['ms'] / cells[0]['ms']:.2f}×"
            lines.append(
                f"| {label} | " + " | ".join(_cell(c) for c in cells) + f" | {ratio} |"
            )
        lines += [
            "",
            "| ratio, article / plain page | "
            + " | ".join(f"{s:,}" for s in sizes)
            + " |",
        ]
        lines.append("|---|" + "---|" * len(sizes))
        for label, a, b in [
            ("HTML, warm: ms", "article_html", "plain_html"),
            ("HTML, cold: ms", "article_html_cold", "plain_html_cold"),
            ("HTML, cache off: ms", "article_html_off", "plain_html_off"),
            ("API v2 detail, cache on: ms", "article_api_warm", "plain_api_warm"),
            ("API v2 detail, cache off: ms", "article_api_cold", "plain_api_cold"),
        ]:
            cells = []
            for s in sizes:
                rows = results[db, s]["rows"]
                x, y = rows[a], rows[b]
                cells.append(
                    f"{x['ms'] / y['ms']:.2f}× ({x['queries']} vs {y['queries']} queries)"
                )
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        gen = ", ".join(
            f"{s:,}: {results[db, s]['generate_s']:.0f} s ({results[db, s]['source']})"
            for s in sizes
        )
        lines += ["", f"Content generation per size: {gen}."]
    return lines


def write_results(report):
    previous = RESULTS.read_text() if RESULTS.exists() else RESULTS_HEADER
    body = (
        previous[len(RESULTS_HEADER) :]
        if previous.startswith(RESULTS_HEADER)
        else previous
    )
    RESULTS.write_text(RESULTS_HEADER + report + "\n" + body)


# Hit rate under edits (--hit-rate) ---------------------------------------------
#
# gunicorn serves the generated database with Redis as Django's cache (the
# production settings' RedisCache) and the representation cache in a Redis
# instance of its own (API_REPRESENTATION_CACHE_ALIAS): then Redis's own
# counters attribute every lookup to it, with nothing changed in the app.
# A request reads its page's entry with one GET (serialisation.cache._entry)
# and the version tokens with one MGET; once warm, every token exists (they
# are replaced, never deleted, and never expire), so every keyspace miss is
# an entry GET that found nothing: hits = GET calls - keyspace misses.

#: Written to the run directory as ``scale_hit_rate_settings.py``.
HIT_RATE_SETTINGS = '''\
"""example.settings.loadtest with Redis (written by benchmarks/scale.py)."""

import os

from example.settings import production
from example.settings.loadtest import *  # noqa: F403

# The production settings' Redis cache (REDIS_URL), and the same backend on
# its own instance for the representation cache, so its hits can be counted.
CACHES = {
    "default": production.CACHES["default"],
    "api_values": {
        **production.CACHES["default"],
        "LOCATION": os.environ["SCALE_API_VALUES_REDIS_URL"],
    },
}
WAGTAIL_CLINIC = {
    **globals().get("WAGTAIL_CLINIC", {}),
    "API_REPRESENTATION_CACHE": os.environ["SCALE_API_CACHE"] == "1",
    "API_REPRESENTATION_CACHE_ALIAS": "api_values",
}
# Plain static files: no collectstatic needed for the pages served here.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
'''


class Redis:
    """A throwaway redis-server on loopback, started and stopped by scripts/_redis.sh."""

    SCRIPT = ROOT / "scripts" / "_redis.sh"

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.port = None

    def __enter__(self):
        for port in REDIS_PORTS:
            if port in self.taken or not _port_free(port):
                continue
            started = subprocess.run(  # noqa: S603 (the project's script)
                ["bash", str(self.SCRIPT), "start", str(port)],  # noqa: S607
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if started.returncode == 0:
                self.port = port
                return self
        raise RuntimeError(f"could not start redis-server on any of {REDIS_PORTS}")

    def __exit__(self, *exc_info):
        subprocess.run(  # noqa: S603 (the project's script)
            ["bash", str(self.SCRIPT), "stop", str(self.port)],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            check=False,
        )

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stats(self):
        """Counters of INFO stats and commandstats: hits, misses, GET calls."""
        output = subprocess.run(  # noqa: S603 (a fixed command line)
            ["redis-cli", "-p", str(self.port), "info", "all"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        values = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)

        def calls(command):
            text = values.get(f"cmdstat_{command}", "calls=0")
            return int(text.split(",")[0].split("=")[1])

        return {
            "hits": int(values["keyspace_hits"]),
            "misses": int(values["keyspace_misses"]),
            "get": calls("get"),
            "mget": calls("mget"),
        }


def _port_free(port):
    try:
        return free_port([port]) == port
    except Failed:
        return False


def article_ids(base, count):
    """The ids of (up to) the first ``count`` generated articles, by id."""
    ids, offset = [], 0
    while len(ids) < count:
        url = (
            f"{base}/api/v2/pages/?type=wagtail_clinic.ConditionPage"
            f"&order=id&limit=20&offset={offset}"
        )
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            items = json.loads(response.read())["items"]
        if not items:
            break
        offset += len(items)
        ids += [item["id"] for item in items if item["meta"]["slug"] != "back-pain"]
    return ids[:count]


def load(urls, seconds, clients=HIT_CLIENTS):
    """Request ``urls`` round-robin from ``clients`` threads for ``seconds``.

    Returns ``{"times": [ms, ...], "elapsed": s, "errors": [...]}``.
    """
    counter = iter(range(10**9))
    lock = threading.Lock()
    times, errors = [], []
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with lock:
                url = urls[next(counter) % len(urls)]
            started = time.perf_counter()
            error = None
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                    response.read()
                    if response.status != 200:
                        error = f"HTTP {response.status}"
            except OSError as exception:  # HTTPError included.
                error = str(exception)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if error:
                    errors.append(f"{url}: {error}")

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"times": times, "elapsed": time.monotonic() - started, "errors": errors}


@contextlib.contextmanager
def editor(env, ids, run_dir, log):
    """The editor: a process publishing one of ``ids`` every HIT_PUBLISH_EVERY s.

    Yields once it is ready; on leaving, stops it and fills the yielded dict
    with ``publish_ms``: how long each publish took.
    """
    stop = Path(run_dir) / "editor.stop"
    out = Path(run_dir) / "editor.json"
    stop.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--editor"]
    command += ["--ids", ",".join(map(str, ids)), "--stop-file", str(stop)]
    command += ["--out", str(out)]
    with open(log, "a") as output:
        process = subprocess.Popen(  # noqa: S603 (our own script)
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=output, text=True
        )
        summary = {}
        try:
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"the editor did not start:\n{tail(log)}")
            yield summary
        finally:
            stop.touch()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"the editor failed ({process.returncode}):\n{tail(log)}")
    summary.update(json.loads(out.read_text()))


def editor_main(args):
    """The editor process: publish the next article every HIT_PUBLISH_EVERY s.

    Like a management command: Django's ORM, ``save_revision().publish()``
    of a different article each time (in turn), until ``--stop-file`` exists.
    """
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    ids = [int(pk) for pk in args.ids.split(",")]
    stop = Path(args.stop_file)
    user = get_user_model().objects.filter(is_superuser=True).first()
    print("ready", flush=True)
    publish_ms, next_at = [], time.monotonic()
    while not stop.exists():
        if time.monotonic() < next_at:
            time.sleep(0.05)
            continue
        next_at += HIT_PUBLISH_EVERY
        page = Page.objects.get(pk=ids[len(publish_ms) % len(ids)]).specific
        started = time.perf_counter()
        page.save_revision(user=user).publish(user=user)
        publish_ms.append((time.perf_counter() - started) * 1000)
    Path(args.out).write_text(json.dumps({"publish_ms": publish_ms}))
    return 0


def run_hit_rate(args, db, size, run_dir, pg_name, db_label):
    """The hit-rate rows of one database and size: cache on and off, editor or not.

    Both servers (cache on, cache off) run side by side and the four rows
    are measured in HIT_ROUNDS interleaved rounds, so a change in the
    machine's other load falls on every row alike.
    """
    run_dir = Path(run_dir)
    (run_dir / "scale_hit_rate_settings.py").write_text(HIT_RATE_SETTINGS)
    log = run_dir / "hit-rate.log"
    rounds = 1 if args.short else HIT_ROUNDS
    seconds = args.hit_rate_seconds / rounds
    plan = [(on, editing) for editing in (False, True) for on in (True, False)]
    runs = {
        key: {"times": [], "elapsed": 0.0, "errors": [], "publish_ms": []}
        for key in plan
    }
    counts = {key: {"get": 0, "misses": 0} for key in plan}
    print(
        f"  {db} {size}: hit rate, {rounds} rounds of {seconds:g} s per row",
        file=sys.stderr,
    )
    with contextlib.ExitStack() as stack:
        default_redis = stack.enter_context(Redis())
        values_redis = stack.enter_context(Redis({default_redis.port}))
        env = worker_env(args, db, run_dir, pg_name)
        env.update(
            PYTHONPATH=os.pathsep.join([str(run_dir), env["PYTHONPATH"]]),
            DJANGO_SETTINGS_MODULE="scale_hit_rate_settings",
            REDIS_URL=default_redis.url,
            SCALE_API_VALUES_REDIS_URL=values_redis.url,
        )
        # Persistent PostgreSQL connections, as under load_test.py and in
        # production (the in-process table uses CONN_MAX_AGE=0).
        env.pop("CONN_MAX_AGE", None)
        envs, servers, urls = {}, {}, {}
        for on in (True, False):
            # The cache-off server's publishes replace the content version
            # (all there is to do with the cache off): in a Redis db of its own.
            envs[on] = {
                **env,
                "SCALE_API_CACHE": "1" if on else "0",
                "SCALE_API_VALUES_REDIS_URL": values_redis.url[:-1]
                + ("0" if on else "1"),
            }
            server_dir = run_dir / ("cache-on" if on else "cache-off")
            server_dir.mkdir(exist_ok=True)
            servers[on] = stack.enter_context(
                Gunicorn(
                    envs[on],
                    HIT_WORKERS,
                    server_dir,
                    log,
                    port=free_port(GUNICORN_PORTS),
                )
            )
            ids = article_ids(servers[on].base, 2 * HIT_ARTICLES)
            if len(ids) <= HIT_ARTICLES:
                raise RuntimeError(f"only {len(ids)} generated articles")
            urls[on] = [f"{servers[on].base}/api/v2/pages/{pk}/" for pk in ids]
            urls[on] = urls[on][:HIT_ARTICLES]
            for url in urls[on] + urls[on]:  # Every entry stored, workers warm.
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                    response.read()
        # The editor publishes the requested articles in turn with the cache
        # on; with it off, other articles (the cost of a publish is the same,
        # and the requested ones stay as the cache-on rows left them).
        edited = {True: ids[:HIT_ARTICLES], False: ids[HIT_ARTICLES:]}
        published = {True: 0, False: 0}
        for round_number in range(1, rounds + 1):
            for on, editing in plan:
                before = values_redis.stats()
                publishing = {}
                with contextlib.ExitStack() as edits:
                    if editing:
                        turn = published[on] % len(edited[on])  # A new one each time.
                        order = edited[on][turn:] + edited[on][:turn]
                        publishing = edits.enter_context(
                            editor(envs[on], order, run_dir, log)
                        )
                    result = load(urls[on], seconds)
                servers[on].check_alive()
                after = values_redis.stats()
                run = runs[on, editing]
                run["times"] += result["times"]
                run["elapsed"] += result["elapsed"]
                run["errors"] += result["errors"]
                run["publish_ms"] += publishing.get("publish_ms", [])
                published[on] += len(publishing.get("publish_ms", []))
                for key in ("get", "misses"):
                    counts[on, editing][key] += after[key] - before[key]
                print(
                    f"    round {round_number}/{rounds}, cache {'on' if on else 'off'}, "
                    f"{'editor publishing' if editing else 'no edits'}: "
                    f"{len(result['times']) / result['elapsed']:.1f} req/s, "
                    f"{after['get'] - before['get']} lookups, "
                    f"{after['misses'] - before['misses']} misses, "
                    f"{len(result['errors'])} errors",
                    file=sys.stderr,
                )
    rows = []
    for on, editing in plan:
        run, count = runs[on, editing], counts[on, editing]
        rows.append(
            {
                "cache": on,
                "editing": editing,
                "requests": len(run["times"]),
                "rps": len(run["times"]) / run["elapsed"],
                "p50": statistics.median(run["times"]),
                "errors": len(run["errors"]),
                "error_samples": run["errors"][:3],
                "lookups": count["get"],
                "misses": count["misses"],
                "hits": count["get"] - count["misses"],
                "publishes": len(run["publish_ms"]),
                "publish_ms": (
                    statistics.median(run["publish_ms"]) if run["publish_ms"] else None
                ),
            }
        )
    rows.sort(key=lambda row: (not row["cache"], row["editing"]))
    server_errors = [
        line
        for line in log.read_text().splitlines()
        if any(word in line for word in ("Traceback", "ERROR", "CRITICAL", "TIMEOUT"))
    ]
    return {
        "rows": rows,
        "rounds": rounds,
        "db_version": db_label,
        "server_errors": server_errors,
    }


def hit_rate_lines(hit_rates, args):
    """The hit-rate section of the report."""
    seconds = args.hit_rate_seconds
    rounds = max(result["rounds"] for result in hit_rates.values())
    lines = [
        "",
        "#### API representation cache: hit rate under edits (`--hit-rate`)",
        "",
        f"gunicorn ({HIT_WORKERS} sync workers, 127.0.0.1) serving the generated "
        "site (`example.settings.loadtest` with Redis as Django's cache, the "
        "production settings' `RedisCache`; the representation cache in a Redis "
        "instance of its own, `API_REPRESENTATION_CACHE_ALIAS`, so that Redis's "
        "counters attribute every lookup to it: a lookup is the GET of a page's "
        "entry, a miss one that found nothing, `keyspace_misses`, the version "
        "tokens being all present once warm). "
        f"{HIT_CLIENTS} client threads on the same machine request the API v2 "
        f"details of {HIT_ARTICLES} generated articles round-robin without "
        f"pauses, {seconds:g} s per row in {rounds} interleaved rounds (the "
        "cache-on and cache-off servers run side by side), after two warm-up "
        "requests per URL. The editor, a separate process, publishes an "
        f"article every {HIT_PUBLISH_EVERY:g} s (`save_revision().publish()`, a "
        f"different one each time): with the cache on, one of those "
        f"{HIT_ARTICLES}, so each publish must cost a miss of that article and "
        "not of the others; with it off, one of other generated articles (the "
        "same cost; the cache-off server has its own Redis db, where its "
        "publishes replace the content version). Goal (issue 14 item 3): "
        f"≥ {HIT_GOAL:.0%} hits with the editor publishing.",
        "",
        "| database | articles | representation cache | editor | requests | "
        "req/s | p50 ms | hit rate | lookups per request | publishes (median ms) "
        "| errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (db, size), result in hit_rates.items():
        for row in result["rows"]:
            if row["lookups"]:
                rate = (
                    f"{row['hits'] / row['lookups']:.1%} "
                    f"({row['hits']:,} of {row['lookups']:,})"
                )
            else:
                rate = "—"
            per_request = (
                f"{row['lookups'] / row['requests']:.2f}" if row["requests"] else "—"
            )
            publishes = (
                f"{row['publishes']} ({row['publish_ms']:.0f})"
                if row["publish_ms"] is not None
                else "—"
            )
            lines.append(
                f"| {result['db_version']} | {size:,} "
                f"| {'on' if row['cache'] else 'off'} "
                f"| {'publishing' if row['editing'] else '—'} "
                f"| {row['requests']:,} | {row['rps']:.1f} "
                f"| {row['p50']:.1f} | {rate} | {per_request} | {publishes} "
                f"| {row['errors']} |"
            )
        if result["server_errors"]:
            lines.append(
                f"\nServer errors logged ({db}, {size:,}): "
                + "; ".join(result["server_errors"][:3])
            )
    return lines


# Worker: one database, one size ----------------------------------------------


def worker_main(args):
    db, size = args.db, args.size
    cache_dir = Path(os.environ["SCALE_CACHE_DIR"])
    key = os.environ["SCALE_CACHE_KEY"]
    rebuild = bool(os.environ.get("SCALE_REBUILD"))
    cache_dir.mkdir(parents=True, exist_ok=True)
    source = "generated"
    if db == "sqlite":
        work_db = Path(os.environ["DATABASE_PATH"])
        cached = cache_dir / f"scale-{size}-{key}.sqlite3"
        base = cache_dir / f"base-{key}.sqlite3"
        if cached.exists() and not rebuild:
            shutil.copyfile(cached, work_db)
            source = "cached"
        elif base.exists() and not rebuild:
            shutil.copyfile(base, work_db)
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    if source != "cached":
        fresh = "wagtailcore_page" not in connection.introspection.table_names()
        if fresh:
            prepare_base()
            if db == "sqlite":
                connection.close()
                shutil.copyfile(work_db, base)
        generate(size)
        if db == "sqlite":
            connection.close()
            shutil.copyfile(work_db, cached)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    rows = {} if args.generate_only else measure(size)
    result = {
        "rows": rows,
        "source": source,
        "generate_s": generate_s,
        "measure_s": time.perf_counter() - started,
        "db_version": db_version(),
    }
    Path(args.out).write_text(json.dumps(result))
    return 0


def db_version():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def prepare_base():
    """Migrate, load the demo content, add massage types up to 50."""
    from django.core.management import call_command
    from home import demo_content as demo

    from wagtail_clinic.models import MassageTypeIndexPage, MassageTypePage

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The English tree: the demo also has a French one (docs/translation.md).
    index = MassageTypeIndexPage.objects.get(locale__language_code="en")
    demo_types = list(MassageTypePage.objects.child_of(index).order_by("path"))
    for n in range(len(demo_types), MASSAGE_TYPES_TOTAL):
        model = demo_types[n % len(demo_types)]
        spec = demo.MASSAGE_TYPES[n % len(demo.MASSAGE_TYPES)]
        page = MassageTypePage(
            title=f"{spec['title']} {n + 1}",
            slug=f"{spec['slug']}-{n + 1}",
            summary=model.summary,
            also_known_as=model.also_known_as,
            image=model.image,
            image_alt=model.image_alt,
            body=model.body.raw_data,
            session_lengths=model.session_lengths,
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    # With the production task backend (django-tasks-db, no worker running)
    # the reference and search index updates are only queued: do them here.
    call_command("rebuild_references_index", verbosity=0)
    call_command("update_index", verbosity=0)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()


def _timed(label):
    print(f"    {label}", file=sys.stderr, flush=True)
    return time.perf_counter()


def generate(size):
    """Add condition articles (copies of the reference article) up to ``size``."""
    import copy
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page, ReferenceIndex, Revision
    from wagtail.search.backends import get_search_backends

    from wagtail_clinic.models import (
        ConditionIndexPage,
        ConditionPage,
        MassageTypeIndexPage,
        MassageTypePage,
    )
    from wagtail_clinic.models.condition_summary import ConditionsSummary
    from wagtail_clinic.review.status import next_review_date

    index = ConditionIndexPage.objects.get(locale__language_code="en")
    reference = ConditionPage.objects.get(url_path__endswith=REFERENCE_PATH)
    existing = ConditionPage.objects.child_of(index).count()
    wanted = size - existing
    if wanted <= 0:
        return
    start = _timed(f"generating {wanted} articles")
    page_fields = [
        f
        for f in Page._meta.concrete_fields
        if f.name
        not in {
            "id",
            "path",
            "depth",
            "numchild",
            "url_path",
            "slug",
            "title",
            "draft_title",
            "translation_key",
            "live_revision",
            "latest_revision",
        }
    ]
    child_fields = ConditionPage._meta.local_concrete_fields
    ref_revision = reference.live_revision
    ref_content = ref_revision.content
    last_child = Page.objects.child_of(index).order_by("-path").first()
    step = Page._str2int(last_child.path[-Page.steplen :]) if last_child else 0
    today = timezone.localdate()
    now = timezone.now()
    # (last reviewed, next review due): a third each up to date, overdue and
    # never reviewed, so that the review report's first page (50 rows) is
    # full at every size.
    overdue = today - timezone.timedelta(days=500)
    reviewed = [
        (reference.last_reviewed, reference.next_review_due),
        (overdue, next_review_date(overdue)),
        (None, None),
    ]

    with transaction.atomic():
        pages, articles = [], []
        for n in range(existing, size):
            step += 1
            slug = f"condition-{n + 1:05d}"
            title = f"Condition {n + 1:05d}"
            values = {f.attname: getattr(reference, f.attname) for f in page_fields}
            values.update(
                path=index.path + Page._int2str(step).rjust(Page.steplen, "0"),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                slug=slug,
                title=title,
                draft_title=title,
                translation_key=uuid.uuid4(),
                first_published_at=now,
                last_published_at=now,
                latest_revision_created_at=now,
            )
            pages.append(Page(**values))
        Page.objects.bulk_create(pages, batch_size=500)
        for n, page in zip(range(existing, size), pages, strict=True):
            article = ConditionPage(page_ptr_id=page.pk)
            for f in child_fields:
                if f.attname != "page_ptr_id":
                    setattr(article, f.attname, getattr(reference, f.attname))
            article.body = reference.body  # The same stored blocks, ids included.
            article.condition_name = f"Condition {n + 1:05d}"
            article.last_reviewed, article.next_review_due = reviewed[n % 3]
            article.pk = page.pk
            articles.append(article)
        ConditionPage.objects.all()._batched_insert(
            articles, child_fields, batch_size=500
        )
        Page.objects.filter(pk=index.pk).update(numchild=step)
        start = _timed(f"pages: {time.perf_counter() - start:.1f} s; revisions")

        revisions = []
        for page, article in zip(pages, articles, strict=True):
            content = copy.deepcopy(ref_content)
            for name in (
                "pk",
                "path",
                "depth",
                "numchild",
                "url_path",
                "slug",
                "title",
                "draft_title",
                "translation_key",
                "first_published_at",
                "last_published_at",
                "latest_revision_created_at",
            ):
                if name in content:
                    value = page.pk if name == "pk" else getattr(page, name)
                    content[name] = (
                        value.isoformat()
                        if hasattr(value, "isoformat")
                        else str(value)
                        if isinstance(value, uuid.UUID)
                        else value
                    )
            for name in ("condition_name", "last_reviewed", "next_review_due"):
                if name in content:
                    value = getattr(article, name)
                    content[name] = (
                        value.isoformat() if hasattr(value, "isoformat") else value
                    )
            revisions.append(
                Revision(
                    content_type_id=ref_revision.content_type_id,
                    base_content_type_id=ref_revision.base_content_type_id,
                    object_id=str(page.pk),
                    created_at=now,
                    user_id=ref_revision.user_id,
                    object_str=page.title,
                    content=content,
                )
            )
        Revision.objects.bulk_create(revisions, batch_size=500)
        for page, revision in zip(pages, revisions, strict=True):
            page.live_revision_id = page.latest_revision_id = revision.pk
        Page.objects.bulk_update(
            pages, ["live_revision", "latest_revision"], batch_size=500
        )
        start = _timed(f"revisions: {time.perf_counter() - start:.1f} s; references")

        # The reference index rows of the reference article, for each copy
        # (the bodies are identical, block ids included).
        ref_rows = list(
            ReferenceIndex.objects.filter(
                base_content_type_id=ref_revision.base_content_type_id,
                object_id=str(reference.pk),
            ).values()
        )
        rows = []
        for page in pages:
            for row in ref_rows:
                rows.append(
                    ReferenceIndex(**{**row, "id": None, "object_id": str(page.pk)})
                )
        ReferenceIndex.objects.bulk_create(rows, batch_size=1000)

        # The massage types the body chooses help every article (as they help
        # the reference article).
        through = MassageTypePage.conditions.through
        source_name = MassageTypePage._meta.get_field("conditions").m2m_field_name()
        target_name = MassageTypePage._meta.get_field(
            "conditions"
        ).m2m_reverse_field_name()
        massage_ids = [
            item["value"]["page"]
            for block in reference.body.raw_data
            if block["type"] == "massage_types"
            for item in block["value"]["items"]
        ]
        through.objects.bulk_create(
            [
                through(**{f"{source_name}_id": m, f"{target_name}_id": page.pk})
                for m in massage_ids
                for page in pages
            ],
            batch_size=2000,
        )
        for massage_type in MassageTypePage.objects.all():
            ReferenceIndex.create_or_update_for_object(massage_type)
        # What the massage types and their index show of the conditions, as
        # the refresh task counts it after an article is published.
        ConditionsSummary.refresh(
            list(Page.objects.type(MassageTypePage, MassageTypeIndexPage).specific())
        )
        start = _timed(f"references: {time.perf_counter() - start:.1f} s; search")

        objects = list(ConditionPage.objects.filter(pk__in=[p.pk for p in pages]))
        for backend in get_search_backends():
            search_index = backend.get_index_for_model(ConditionPage)
            if search_index is not None:
                for chunk in range(0, len(objects), 500):
                    search_index.add_items(ConditionPage, objects[chunk : chunk + 500])
        _timed(f"search: {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Measurement ------------------------------------------------------------------


def _sample(func):
    """(ms, queries) of ``func()``, after warm-ups: medians of REPEATS calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        func()
    times, counts, result = [], [], None
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = func()
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(queries))
    return {
        "ms": statistics.median(times),
        "queries": int(statistics.median(counts)),
    }, result


def measure(size):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    base_clinic = dict(getattr(settings, "WAGTAIL_CLINIC", {}) or {})

    def clinic_settings(**extra):
        return override_settings(WAGTAIL_CLINIC={**base_clinic, **extra})

    # Plain static files storage: the loadtest settings' manifest storage
    # needs collectstatic, which the in-process requests do not.
    plain_static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    )
    cache.clear()
    client = Client()
    admin = Client()
    admin.force_login(get_user_model().objects.filter(is_superuser=True).first())
    rows = {}

    def get(c, url, expect=200):
        def request():
            response = c.get(url)
            assert response.status_code == expect, (url, response.status_code)
            return response

        return request

    def row(key, c, url, **extra):
        print(f"    {key}: {url}", file=sys.stderr, flush=True)
        value, response = _sample(get(c, url))
        value.update(extra)
        rows[key] = value
        return response

    with plain_static:
        measure_rows(size, client, admin, rows, row, clinic_settings)
    return rows


def measure_rows(size, client, admin, rows, row, clinic_settings):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from wagtail.models import Page

    from wagtail_clinic.models import ConditionPage, MassageTypePage
    from wagtail_clinic.webhooks.models import WebhookDelivery
    from wagtail_clinic.webhooks.payloads import page_payload

    # The generated articles are live, listed, searchable and render.
    listed = client.get(
        "/api/v2/pages/?type=wagtail_clinic.ConditionPage&locale=en&limit=1"
    )
    assert listed.json()["meta"]["total_count"] == size, listed.json()["meta"]
    generated = ConditionPage.objects.filter(locale__language_code="en").exclude(
        url_path__endswith=REFERENCE_PATH
    )
    assert client.get(generated.first().url).status_code == 200
    assert client.get(generated.last().url).status_code == 200

    with clinic_settings(API_REPRESENTATION_CACHE=False):
        row("massage_listing", client, "/api/v3/clinic/massage-types/?limit=20")
        row("review_report", admin, "/admin/reports/medical-review/")
        row(
            "review_unsourced", admin, "/admin/reports/medical-review/?status=unsourced"
        )
        row("dashboard", admin, "/admin/")
        row("conditions_search", client, "/api/v3/clinic/conditions/?search=massage")
        page_size = 24
        listed = ConditionPage.objects.live().count()
        middle = max(1, (listed + page_size - 1) // page_size // 2)
        row("conditions_index", client, f"/conditions/?page={middle}")
        row(
            "v2_listing",
            client,
            "/api/v2/pages/?type=wagtail_clinic.ConditionPage&fields=*&limit=20",
        )
        response = row("massage_index", client, MIN_MASSAGE_INDEX)
        rows["massage_index"]["kb"] = len(response.content) / 1024

        # Publishing the massage type every article's body chooses first.
        reference = ConditionPage.objects.get(url_path__endswith=REFERENCE_PATH)
        chosen_id = next(
            item["value"]["page"]
            for block in reference.body.raw_data
            if block["type"] == "massage_types"
            for item in block["value"]["items"]
        )
        massage_type = MassageTypePage.objects.get(pk=chosen_id)
        user = get_user_model().objects.filter(is_superuser=True).first()

        def publish():
            page = MassageTypePage.objects.get(pk=massage_type.pk)
            page.save_revision(user=user).publish(user=user)

        endpoint = {"url": closed_port_url(), "secret": "scale-benchmark"}
        with clinic_settings(API_REPRESENTATION_CACHE=False, WEBHOOKS=[endpoint]):
            print("    publish_webhooks", file=sys.stderr, flush=True)
            before = WebhookDelivery.objects.count()
            rows["publish_webhooks"], _ = _sample(publish)
            assert WebhookDelivery.objects.count() > before, "no webhook queued"
            print("    webhook_payload", file=sys.stderr, flush=True)
            rows["webhook_payload"], payload = _sample(
                lambda: page_payload(WebhookDelivery.Event.PUBLISHED, massage_type)
            )
            rows["webhook_payload"]["kb"] = len(json.dumps(payload)) / 1024
            rows["webhook_payload"]["paths"] = len(payload["paths"])
        print("    publish_no_webhooks", file=sys.stderr, flush=True)
        rows["publish_no_webhooks"], _ = _sample(publish)

        # The reference article against the plain page.
        plain = Page.objects.get(url_path__endswith=PLAIN_PATH)
        row("article_html_off", client, REFERENCE_PATH)
        row("plain_html_off", client, PLAIN_PATH)
        row("article_api_cold", client, f"/api/v2/pages/{reference.pk}/")
        row("plain_api_cold", client, f"/api/v2/pages/{plain.pk}/")
    with clinic_settings(API_REPRESENTATION_CACHE=True):
        row("article_api_warm", client, f"/api/v2/pages/{reference.pk}/")
        row("plain_api_warm", client, f"/api/v2/pages/{plain.pk}/")
        # The article HTML reuses what the cache holds (serialisation.fragments).
        row("article_html", client, REFERENCE_PATH)
        row("plain_html", client, PLAIN_PATH)

        def cold(url):
            def request():
                cache.clear()
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return request

        rows["article_html_cold"], _ = _sample(cold(REFERENCE_PATH))
        rows["plain_html_cold"], _ = _sample(cold(PLAIN_PATH))


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (as in tests/test_webhooks.py)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/revalidate"


if __name__ == "__main__":
    sys.exit(main())
