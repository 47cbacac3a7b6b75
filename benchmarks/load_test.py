"""Load-test the example site under gunicorn on loopback, on SQLite and PostgreSQL.

For each database: migrate a fresh database, load the demo content, start
gunicorn (fixed sync workers, ``example.settings.loadtest``: the production
settings with DEBUG off) on 127.0.0.1, wait until it answers, warm every
scenario up, then load each scenario on its own: locust (headless, ``--users``
users without pauses) for ``--duration`` seconds, split into ``--rounds``
runs interleaved with the other scenarios' (so a change in the machine's
other load falls on the article and its baseline alike). Each scenario is one
URL:

* the reference article (/conditions/back-pain/) and the plain baseline page
  (/about/, one RichTextField holding about as much text) as HTML, through
  API v2 detail and through API v3 detail;
* the clinic's massage-type listing (/api/v3/clinic/massage-types/).

Prints a Markdown report (throughput, p50/p95/p99 ms, failures, ratios to
the baseline page) and, with --write, adds it at the top of
benchmarks/RESULTS.md. Exits non-zero if any request failed (an error, a
non-200 answer or an unexpected body) or the server logged an error.

Run it through benchmarks/load_test.sh, which installs the tools, starts
PostgreSQL and creates the load-test database; this script expects the
PG* variables (PGDATABASE naming that throwaway database) when PostgreSQL is
selected.
"""

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = ROOT / "example_project"
LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")
RESULTS = Path(__file__).resolve().with_name("RESULTS.md")
RESULTS_HEADER = (
    "# Benchmark results\n\nProduced by the scripts in this folder; newest first.\n\n"
)
BIN = Path(sys.executable).parent

ARTICLE_PATH = "/conditions/back-pain/"
PLAIN_PATH = "/about/"
LISTING_PATH = "/api/v3/clinic/massage-types/"

# Printed by `manage.py shell`: the ids of the two pages and the database.
INSPECT = """
import json, sqlite3
from django.db import connection
from wagtail.models import Page
connection.ensure_connection()
if connection.vendor == "postgresql":
    number = connection.pg_version
    version = f"{number // 10000}.{number % 10000}"
else:
    version = sqlite3.sqlite_version
print(json.dumps({
    "article": Page.objects.get(url_path__endswith="/conditions/back-pain/").pk,
    "article_title": Page.objects.get(url_path__endswith="/conditions/back-pain/").title,
    "plain": Page.objects.get(url_path__endswith="/about/").pk,
    "plain_title": Page.objects.get(url_path__endswith="/about/").title,
    "database": f"{connection.display_name} {version}",
}))
"""


class Failed(Exception):
    """The load test cannot go on, or its results do not count."""


# Scenarios ------------------------------------------------------------------


def scenarios(ids):
    """(label, path, expected body text, label of its baseline or None)."""
    article, plain = ids["article"], ids["plain"]
    article_title, plain_title = ids["article_title"], ids["plain_title"]
    return [
        ("Plain page HTML", PLAIN_PATH, plain_title, None),
        ("Article HTML", ARTICLE_PATH, article_title, "Plain page HTML"),
        ("Plain page API v2 detail", f"/api/v2/pages/{plain}/", plain_title, None),
        (
            "Article API v2 detail",
            f"/api/v2/pages/{article}/",
            article_title,
            "Plain page API v2 detail",
        ),
        ("Plain page API v3 detail", f"/api/v3/pages/{plain}/", plain_title, None),
        (
            "Article API v3 detail",
            f"/api/v3/pages/{article}/",
            article_title,
            "Plain page API v3 detail",
        ),
        ("Massage-type listing (clinic v3)", LISTING_PATH, "Swedish massage", None),
    ]


# Processes ------------------------------------------------------------------


def run(command, env, log, timeout=600):
    """Run ``command`` in the example project; its output goes to ``log``."""
    with open(log, "a") as output:
        output.write(f"\n$ {' '.join(map(str, command))}\n")
        output.flush()
        result = subprocess.run(  # noqa: S603 (our own fixed commands)
            [str(part) for part in command],
            cwd=EXAMPLE_PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if result.returncode != 0:
        raise Failed(f"{' '.join(map(str, command))} failed; see {log}:\n{tail(log)}")


def manage(env, log, *args, timeout=600):
    run([sys.executable, "manage.py", *args], env, log, timeout=timeout)


def tail(path, lines=30):
    with contextlib.suppress(OSError):
        return "".join(Path(path).read_text().splitlines(keepends=True)[-lines:])
    return ""


def free_port(ports=None):
    """A port nothing listens on at 127.0.0.1: any, or the first free of ``ports``."""
    for port in ports or [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise Failed(f"no free port among {list(ports)}")


class Gunicorn:
    """gunicorn serving the example site; always stopped on leaving the block."""

    def __init__(self, env, workers, run_dir, log, port=None):
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.pidfile = Path(run_dir) / "gunicorn.pid"
        self.log = log
        self.process = None

    def __enter__(self):
        command = [
            BIN / "gunicorn",
            "example.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "--pid",
            self.pidfile,
        ]
        self.output = open(self.log, "a")  # noqa: SIM115 (closed in __exit__)
        self.output.write(f"$ {' '.join(map(str, command))}\n")
        self.output.flush()
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [str(part) for part in command],
            cwd=EXAMPLE_PROJECT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise Failed(
                    f"gunicorn exited ({self.process.returncode}):\n{tail(self.log)}"
                )
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base}/", timeout=5) as response,  # noqa: S310
            ):
                if response.status == 200:
                    return
            if time.monotonic() > deadline:
                raise Failed(
                    f"gunicorn did not answer within {timeout} s:\n{tail(self.log)}"
                )
            time.sleep(0.25)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: gunicorn's graceful shutdown.
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()

    def __exit__(self, *exc_info):
        self.stop()

    def check_alive(self):
        if self.process.poll() is not None:
            raise Failed(
                f"gunicorn died ({self.process.returncode}):\n{tail(self.log)}"
            )


# Measuring ------------------------------------------------------------------


def warm_up(base, path, expect, clients, requests_each):
    """Request ``path`` from ``clients`` threads, so every worker is warm."""
    errors = []

    def client():
        for _ in range(requests_each):
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                    body = response.read()
                    if response.status != 200 or expect.encode() not in body:
                        errors.append(f"{path}: HTTP {response.status}")
            except (OSError, urllib.error.HTTPError) as error:
                errors.append(f"{path}: {error}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise Failed(f"warm-up of {path} failed: {errors[:5]}")


def run_locust(base, path, expect, users, duration, out_dir, label, pidfile):
    """One headless locust run against ``path``; returns its raw samples.

    Its output and samples go to ``out_dir``, its pid to ``pidfile`` while it
    runs (for load_test.sh's clean-up, should this driver be killed hard).
    """
    slug = "".join(c if c.isalnum() else "-" for c in label.lower())
    samples_file = Path(out_dir) / f"{slug}.json"
    log = Path(out_dir) / f"{slug}.locust.log"
    env = {
        **os.environ,
        "LOAD_TEST_PATH": path,
        "LOAD_TEST_EXPECT": expect,
        "LOAD_TEST_SAMPLES": str(samples_file),
    }
    command = [
        BIN / "locust",
        "--locustfile",
        LOCUSTFILE,
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "0",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with open(log, "w") as output:
        process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [str(part) for part in command],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        pidfile.write_text(str(process.pid))
        try:
            returncode = process.wait(timeout=duration + 60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            pidfile.unlink()
    if not samples_file.exists():
        raise Failed(
            f"locust wrote no samples for {label} (exit {returncode}):\n{tail(log)}"
        )
    data = json.loads(samples_file.read_text())
    if not data["times_ms"]:
        raise Failed(f"locust made no requests for {label}:\n{tail(log)}")
    data["elapsed"] = data["stop"] - data["start"]
    data["locust_exit"] = returncode
    data["load1"] = os.getloadavg()[0]
    return data


def summarise(label, path, baseline, runs):
    """One table row from a scenario's locust runs (one per round)."""
    times = [ms for run in runs for ms in run["times_ms"]]
    cuts = (
        statistics.quantiles(times, n=100, method="inclusive")
        if len(times) > 1
        else times * 99
    )
    return {
        "label": label,
        "path": path,
        "baseline": baseline,
        "requests": len(times),
        "rps": len(times) / sum(run["elapsed"] for run in runs),
        "rps_by_round": [len(run["times_ms"]) / run["elapsed"] for run in runs],
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "failures": sum(run["failures"] for run in runs),
        "messages": [message for run in runs for message in run["messages"]],
        "locust_exit": max(run["locust_exit"] for run in runs),
        "load1": statistics.mean(run["load1"] for run in runs),
    }


# One database ---------------------------------------------------------------


def prepare_database(name, run_dir, static_root, collect_static):
    """Migrate a fresh ``name`` ("sqlite" or "postgres") database, load the demo."""
    db_dir = Path(run_dir) / name
    db_dir.mkdir()
    log = db_dir / "setup.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example.settings.loadtest",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(db_dir / "media"),
        # The workers' shared cache (example.settings.loadtest), one per database.
        "CACHE_DIR": str(db_dir / "cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if name == "postgres":
        env["DATABASE_ENGINE"] = "postgres"
        if not env.get("PGDATABASE"):
            raise Failed("PostgreSQL selected but PGDATABASE is not set")
    else:
        env.pop("DATABASE_ENGINE", None)
        env["DATABASE_PATH"] = str(db_dir / "db.sqlite3")

    started = time.monotonic()
    print(f"[{name}] migrate, load_demo_content ...", flush=True)
    manage(env, log, "migrate", "--noinput")
    manage(env, log, "load_demo_content")
    if collect_static:
        manage(env, log, "collectstatic", "--noinput")
    manage(env, log, "shell", "--no-imports", "-c", INSPECT)
    ids = json.loads(log.read_text().strip().splitlines()[-1])
    seconds = time.monotonic() - started
    print(f"[{name}] ready in {seconds:.0f} s: {ids['database']}", flush=True)
    return {"name": name, "env": env, "ids": ids, "db_dir": db_dir}


def measure_database(prepared, args, run_dir):
    """Serve a prepared database with gunicorn and run the scenarios."""
    name, env, ids, db_dir = (prepared[key] for key in ("name", "env", "ids", "db_dir"))
    server_log = db_dir / "gunicorn.log"
    plan = scenarios(ids)
    runs = {label: [] for label, *_ in plan}
    seconds = args.duration // args.rounds
    with Gunicorn(env, args.workers, run_dir, server_log) as server:
        load_before = os.getloadavg()
        # Every scenario once per round, so a change in the machine's other
        # load falls on the article and its baseline alike.
        for round_number in range(1, args.rounds + 1):
            for label, path, expect, _ in plan:
                server.check_alive()
                if round_number == 1:
                    warm_up(
                        server.base,
                        path,
                        expect,
                        clients=2 * args.workers,
                        requests_each=10,
                    )
                run = run_locust(
                    server.base,
                    path,
                    expect,
                    args.users,
                    seconds,
                    db_dir,
                    f"{label} {round_number}",
                    Path(run_dir) / "locust.pid",
                )
                runs[label].append(run)
                print(
                    f"[{name}] round {round_number}/{args.rounds} {label} ({path}): "
                    f"{len(run['times_ms']) / run['elapsed']:.1f} req/s, "
                    f"{run['failures']} failures",
                    flush=True,
                )
        server.check_alive()
        load_after = os.getloadavg()
    rows = [
        summarise(label, path, baseline, runs[label])
        for label, path, _, baseline in plan
    ]
    server_errors = [
        line
        for line in server_log.read_text().splitlines()
        if not line.startswith("$ ")
        and any(
            word in line
            for word in ("Traceback", "ERROR", "CRITICAL", "WORKER TIMEOUT")
        )
    ]
    return {
        "name": name,
        "database": ids["database"],
        "rows": rows,
        "load_before": load_before,
        "load_after": load_after,
        "server_errors": server_errors,
        "server_log": server_log,
    }


# Report ---------------------------------------------------------------------


def version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def cpu_model():
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def code_version():
    """The commit measured, and whether the app's code differed from it."""
    try:
        commit = subprocess.run(  # noqa: S603 (a fixed command line)
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603 (a fixed command line)
            ["git", "status", "--porcelain", "--", "wagtail_clinic", "example_project"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    if dirty:
        return f"commit {commit} plus uncommitted changes"
    return f"commit {commit}"


def fmt_load(load):
    return " / ".join(f"{value:.2f}" for value in load)


def format_report(results, args, load_start, load_end, started_at, seconds, code):
    lines = [
        f"### {started_at} — load test: gunicorn + locust on loopback, "
        + " and ".join(result["database"] for result in results),
        "",
        "`benchmarks/load_test.sh` (see README.md). Each scenario is one URL "
        "requested alone, after a warm-up, by locust users that send the next "
        "request as soon as the answer arrives; percentiles are exact (from every "
        "response time). "
        "Ratios compare the article with the plain page (`home.StandardPage` at "
        "/about/: one RichTextField holding about the article's text): req/s as a "
        "share of the plain page's, p50 as a multiple of it. The req/s of each "
        "round shows how much the machine's other load moved the numbers.",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}), shared with other "
        f"work; Python {platform.python_version()}, Django {version('django')}, "
        f"Wagtail {version('wagtail')}, gunicorn {version('gunicorn')}, "
        f"locust {version('locust')}; code: {code}.",
        f"- Load average (1 / 5 / 15 min): {fmt_load(load_start)} at the start, "
        f"{fmt_load(load_end)} at the end; per database below.",
        f"- Server: gunicorn, {args.workers} sync workers, 127.0.0.1, "
        "`example.settings.loadtest` (production settings, DEBUG off; "
        "PostgreSQL with CONN_MAX_AGE=60); load generator on the same cores.",
        f"- Load: {args.users} users, no wait time, {args.duration} s per scenario "
        f"({args.rounds} rounds of {args.duration // args.rounds} s, scenarios "
        f"interleaved); the whole command took {seconds / 60:.1f} min.",
    ]
    for result in results:
        lines += [
            "",
            f"#### {result['database']}",
            "",
            f"Load average {fmt_load(result['load_before'])} before the first scenario, "
            f"{fmt_load(result['load_after'])} after the last.",
            "",
            "| scenario | req/s | p50 ms | p95 ms | p99 ms | failures | req/s vs plain "
            "| p50 vs plain | req/s by round | load (1 min, mean) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        by_label = {row["label"]: row for row in result["rows"]}
        for row in result["rows"]:
            base = by_label.get(row["baseline"])
            if base:
                rps_ratio = f"{row['rps'] / base['rps'] * 100:.0f} %"
                p50_ratio = f"{row['p50'] / base['p50']:.2f}×"
            elif row["label"].startswith("Plain page"):
                rps_ratio, p50_ratio = "baseline", "baseline"
            else:
                rps_ratio, p50_ratio = "—", "—"
            lines.append(
                f"| {row['label']} (`{row['path']}`) | {row['rps']:.1f} | {row['p50']:.1f} "
                f"| {row['p95']:.1f} | {row['p99']:.1f} "
                f"| {row['failures']} of {row['requests']} | {rps_ratio} | {p50_ratio} "
                f"| {' / '.join(f'{rps:.0f}' for rps in row['rps_by_round'])} "
                f"| {row['load1']:.2f} |"
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


# Main -----------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default: both)",
    )
    parser.add_argument(
        "--users", type=int, default=10, help="concurrent locust users (default 10)"
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=12,
        help="seconds of load per scenario, split over the rounds (default 12)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="times each scenario runs, interleaved with the others (default 2)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers (default 2)"
    )
    parser.add_argument(
        "--run-dir", help="working directory (default: a new temporary directory)"
    )
    parser.add_argument(
        "--write", action="store_true", help="add the report to benchmarks/RESULTS.md"
    )
    args = parser.parse_args()
    args.databases = [
        name.strip() for name in args.databases.split(",") if name.strip()
    ]
    unknown = set(args.databases) - {"sqlite", "postgres"}
    if unknown or not args.databases:
        parser.error(
            f"--databases: unknown {sorted(unknown)}; use sqlite and/or postgres"
        )
    if min(args.users, args.duration, args.workers, args.rounds) < 1:
        parser.error("--users, --duration, --workers and --rounds must be positive")
    if args.duration < args.rounds:
        parser.error("--duration must be at least one second per round")
    return args


def _terminate(signum, frame):
    # Turn SIGTERM/SIGHUP into an exception, so gunicorn is stopped on the way out.
    raise SystemExit(128 + signum)


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)

    started = time.monotonic()
    started_at = time.strftime("%Y-%m-%d %H:%M")
    load_start = os.getloadavg()
    code = code_version()  # Before the run: the code the servers load.
    with contextlib.ExitStack() as stack:
        run_dir = args.run_dir or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="wagtail-clinic-load-")
        )
        static_root = Path(run_dir) / "static"
        # The databases are set up side by side (before any load, so this
        # does not disturb the measurements), then measured one at a time.
        with ThreadPoolExecutor(max_workers=len(args.databases)) as pool:
            futures = [
                pool.submit(prepare_database, name, run_dir, static_root, index == 0)
                for index, name in enumerate(args.databases)
            ]
            prepared = [future.result() for future in futures]
        results = [measure_database(each, args, run_dir) for each in prepared]
        load_end = os.getloadavg()
        report = format_report(
            results,
            args,
            load_start,
            load_end,
            started_at,
            time.monotonic() - started,
            code,
        )

        problems = []
        for result in results:
            for row in result["rows"]:
                if row["failures"] or row["locust_exit"]:
                    problems.append(
                        f"{result['name']}: {row['label']}: {row['failures']} failed "
                        f"requests (locust exit {row['locust_exit']}): "
                        f"{sorted(set(row['messages']))[:3]}"
                    )
            if result["server_errors"]:
                problems.append(
                    f"{result['name']}: the server logged errors:\n  "
                    + "\n  ".join(result["server_errors"][:10])
                )

    print()
    print(report)
    if problems:
        print("FAILED:\n" + "\n".join(problems), file=sys.stderr)
        print("(results not written to RESULTS.md)", file=sys.stderr)
        return 1
    if args.write:
        write_results(report)
        print(f"Added to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failed as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
