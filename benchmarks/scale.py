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
entries added in batches), not with treebeard's ``add_child``; the SQLite
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
import time

from pathlib import Path

# Shared with the load test (benchmarks/ is on sys.path when run as a script).
from load_test import code_version, cpu_model, version


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
RESULTS = Path(__file__).with_name("RESULTS.md")
RESULTS_HEADER = (
    "# Benchmark results\n\nProduced by the scripts in this folder; newest first.\n\n"
)

#: Bump when the generated content changes, so cached databases are rebuilt.
GENERATOR_VERSION = 3
MASSAGE_TYPES_TOTAL = 50
WARMUPS = 2
REPEATS = 7
REFERENCE_PATH = "/conditions/back-pain/"
PLAIN_PATH = "/about/"
MIN_MASSAGE_INDEX = "/massage-types/"

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
    ("article_html", "reference article HTML, warm"),
    ("plain_html", "plain page HTML (/about/), warm"),
    ("article_html_cold", "reference article HTML, cold (cache cleared)"),
    ("plain_html_cold", "plain page HTML, cold (cache cleared)"),
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
    parser.add_argument("--hit-rate", action="store_true", help=argparse.SUPPRESS)
    # Internal: one database and size, in a subprocess.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.short:
        args.sizes, args.db = "100,300", "sqlite"
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
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own script)
        command, env=worker_env(args, db, run_dir, pg_name), cwd=ROOT, check=True
    )
    result = json.loads(out.read_text())
    result["seconds"] = time.perf_counter() - started
    print(
        f"  {db} {size}: generated in {result['generate_s']:.1f} s "
        f"({result['source']}), measured in {result['measure_s']:.1f} s",
        file=sys.stderr,
    )
    return result


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    if args.hit_rate:
        print("--hit-rate is not implemented yet.", file=sys.stderr)
    started, load_start = time.time(), os.getloadavg()
    results = {}
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
                    results[db, size] = run_worker(args, db, size, run_dir, pg_name)
    report = format_report(
        results, args, load_start, os.getloadavg(), time.time() - started
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


def format_report(results, args, load_start, load_end, seconds):
    fmt_load = (
        " / ".join(f"{x:.2f}" for x in load_start),
        " / ".join(f"{x:.2f}" for x in load_end),
    )
    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M')} — scale.py, "
        f"{', '.join(args.db_list)}, sizes {', '.join(f'{s:,}' for s in args.size_list)}",
        "",
        f"- Code: {code_version()}; Python {platform.python_version()}, "
        f"Django {version('django')}, Wagtail {version('wagtail')}.",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}); load average "
        f"(1/5/15 min) {fmt_load[0]} at the start, {fmt_load[1]} at the end; "
        f"the whole command took {seconds / 60:.1f} min.",
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
    lines.append(
        "- Not measured yet: the API hit rate under edits (`--hit-rate`, issue 14 item 3)."
    )
    return "\n".join(lines) + "\n"


def write_results(report):
    previous = RESULTS.read_text() if RESULTS.exists() else RESULTS_HEADER
    body = (
        previous[len(RESULTS_HEADER) :]
        if previous.startswith(RESULTS_HEADER)
        else previous
    )
    RESULTS.write_text(RESULTS_HEADER + report + "\n" + body)


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
    rows = measure(size)
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
    index = MassageTypeIndexPage.objects.get()
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
        MassageTypePage,
    )

    index = ConditionIndexPage.objects.get()
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
    reviewed = [
        reference.last_reviewed,
        today - timezone.timedelta(days=500),  # overdue
        None,  # never reviewed
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
            article.last_reviewed = reviewed[n % 3]
            if article.last_reviewed is None:
                article.next_review_due = None
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
    listed = client.get("/api/v2/pages/?type=wagtail_clinic.ConditionPage&limit=1")
    assert listed.json()["meta"]["total_count"] == size, listed.json()["meta"]
    generated = ConditionPage.objects.exclude(url_path__endswith=REFERENCE_PATH)
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
        row("article_api_cold", client, f"/api/v2/pages/{reference.pk}/")
        row("plain_api_cold", client, f"/api/v2/pages/{plain.pk}/")
    with clinic_settings(API_REPRESENTATION_CACHE=True):
        row("article_api_warm", client, f"/api/v2/pages/{reference.pk}/")
        row("plain_api_warm", client, f"/api/v2/pages/{plain.pk}/")


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (as in tests/test_webhooks.py)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/revalidate"


if __name__ == "__main__":
    sys.exit(main())
