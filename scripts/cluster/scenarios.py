# ruff: noqa: T201, S607 (a command-line driver: prints, runs redis-cli)
"""The scenarios of scripts/cluster.sh, against a running cluster.

Standard library only. scripts/cluster.sh starts PostgreSQL, Redis, two
gunicorn instances (A and B) of the example site and Varnish in front of
both, and passes their addresses in the environment; this driver starts the
loopback webhook receiver (a thread) and the ``db_worker`` task worker (a
process it kills and restarts), runs the scenarios, prints PASS/FAIL with
figures, and exits non-zero when one fails:

(a) a publish through A is visible within 2 s through B's API and through
    Varnish's HTML, which Varnish had stored (so it was purged, not expired);
(b) the appointment rate limit holds across both instances;
(c) webhooks are sent by the worker, not in the publish request, and a
    worker killed with SIGKILL while a retry is pending still delivers;
(d) Redis stopped for 10 s under load: no 5xx, the cache fills again after;
(e) load: 10 users through Varnish and directly, article HTML against the
    plain page.

With ``CLUSTER_RESULTS_FILE`` set the figures are appended there (markdown).
"""

import contextlib
import datetime
import html
import http.cookiejar
import http.server
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


ENV = os.environ
APP_A = ENV["CLUSTER_APP_A"]
APP_B = ENV["CLUSTER_APP_B"]
VARNISH = ENV["CLUSTER_VARNISH"]
RECEIVER_PORT = int(ENV["CLUSTER_RECEIVER_PORT"])
REDIS_PORT = ENV["CLUSTER_REDIS_PORT"]
REDIS_SCRIPT = ENV["CLUSTER_REDIS_SCRIPT"]
PID_DIR = ENV["CLUSTER_PID_DIR"]
LOG_DIR = ENV["CLUSTER_LOG_DIR"]
PYTHON = ENV.get("CLUSTER_PYTHON", sys.executable)
PROJECT_DIR = ENV["CLUSTER_PROJECT_DIR"]
SHORT = ENV.get("CLUSTER_MODE", "short") == "short"
RESULTS_FILE = ENV.get("CLUSTER_RESULTS_FILE")

ARTICLE = "/conditions/back-pain/"
PLAIN = "/about/"
BOOK_PATH = "/book/"
ADMIN_USER, ADMIN_PASSWORD = "admin", "changeme"

RESULTS = []  # (letter, passed, summary, figures)


def LOAD_AVERAGE():  # noqa: N802 (reads like the figure it prints)
    """The machine's load average, as "1.0 / 0.8 / 0.5"."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def report(letter, passed, summary, **figures):
    """Record and print one scenario's outcome."""
    RESULTS.append((letter, passed, summary, figures))
    status = "PASS" if passed else "FAIL"
    print(f"{status} ({letter}) {summary}", flush=True)
    for key, value in figures.items():
        print(f"      {key}: {value}", flush=True)


# -- HTTP --------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_plain_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url, data=None, headers=None, method=None, opener=None, timeout=10):
    """``(status, headers, body text)``; HTTP errors are answers, not raised."""
    request = urllib.request.Request(  # noqa: S310 (loopback http only)
        url, data=data, headers=headers or {}, method=method
    )
    try:
        with (opener or _plain_opener).open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            return exc.code, exc.headers, exc.read().decode(errors="replace")


def manage_shell(code):
    """Run ``code`` in ``manage.py shell`` of the cluster; its last line as JSON."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


DRAFT_TITLE = """
import json
from wagtail_clinic.models import ConditionPage
page = ConditionPage.objects.get(url_path__endswith="/back-pain/").specific
page.title = {title!r}
page.save_revision()
print(json.dumps({{"id": page.pk}}))
"""

DELIVERIES = """
import json
from wagtail_clinic.webhooks.models import WebhookDelivery
rows = WebhookDelivery.objects.filter(pk__gt={after}).order_by("pk")
print(json.dumps([
    {{"pk": d.pk, "id": "msg_" + d.delivery_id.hex, "event": d.event,
      "status": d.status, "attempts": d.attempts}} for d in rows
]))
"""

ARTICLE_ID = """
import json
from wagtail_clinic.models import ConditionPage
print(json.dumps(ConditionPage.objects.get(url_path__endswith="/back-pain/").pk))
"""

LAST_DELIVERY = """
import json
from wagtail_clinic.webhooks.models import WebhookDelivery
last = WebhookDelivery.objects.order_by("-pk").first()
print(json.dumps(last.pk if last else 0))
"""


class Admin:
    """A logged-in Wagtail admin session on one instance."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def _csrf(self, path):
        status, _, body = fetch(self.base + path, opener=self.opener)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF form at {path} (HTTP {status})")
        return match.group(1)

    def login(self):
        """Log in as the demo's admin; raises when that fails."""
        token = self._csrf("/admin/login/")
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": ADMIN_USER,
                "password": ADMIN_PASSWORD,
                "next": "/admin/",
            }
        ).encode()
        status, _, _ = fetch(self.base + "/admin/login/", data=data, opener=self.opener)
        if status != 302:
            raise RuntimeError(f"admin login failed (HTTP {status})")

    def publish(self, page_id):
        """Publish the page's latest revision (the admin's bulk "Publish")."""
        path = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}"
        token = self._csrf(path)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
        started = time.perf_counter()
        status, _, _ = fetch(self.base + path, data=data, opener=self.opener)
        elapsed = time.perf_counter() - started
        if status != 302:
            raise RuntimeError(f"publish failed (HTTP {status})")
        return elapsed


def api_title(base, page_id):
    """The page title as instance ``base``'s API v2 serves it, or None."""
    status, _, body = fetch(f"{base}/api/v2/pages/{page_id}/")
    return json.loads(body)["title"] if status == 200 else None


# -- Webhook receiver and worker ---------------------------------------------


class Receiver(http.server.ThreadingHTTPServer):
    """Records every webhook POST; answers 500 to the next ``fail_next``."""

    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), _ReceiverHandler)
        self.lock = threading.Lock()
        self.records = []  # dicts: time, delivery, event, status
        self.fail_next = 0

    def snapshot(self):
        with self.lock:
            return list(self.records)


class _ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        server = self.server
        with server.lock:
            status = 500 if server.fail_next > 0 else 200
            server.fail_next = max(0, server.fail_next - 1)
            server.records.append(
                {
                    "time": time.time(),
                    "delivery": self.headers.get("webhook-id"),
                    "event": self.headers.get("X-Clinic-Event"),
                    "status": status,
                }
            )
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Worker:
    """The ``manage.py db_worker`` process (its pid file lets cluster.sh stop it)."""

    pid_file = os.path.join(PID_DIR, "db_worker.pid")

    def __init__(self):
        self.process = None

    def start(self):
        log = open(os.path.join(LOG_DIR, "db_worker.log"), "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=PROJECT_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        with open(self.pid_file, "w") as file:
            file.write(str(self.process.pid))

    def kill(self):
        """SIGKILL: no clean shutdown, as a crash or an OOM kill."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.pid_file)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.pid_file)


def wait_for(condition, timeout, step=0.05):
    """Poll ``condition()`` until truthy; its value, or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(step)


# -- Load --------------------------------------------------------------------


class Load:
    """``users`` threads requesting ``urls`` in turn until stopped."""

    def __init__(self, urls, users):
        self.urls = urls
        self.users = users
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.codes = {}
        self.latencies = []
        self.errors = []
        self.threads = []

    def _user(self, offset):
        index = offset
        while not self.stop_event.is_set():
            url = self.urls[index % len(self.urls)]
            index += 1
            started = time.perf_counter()
            try:
                status, _, _ = fetch(url, timeout=15)
            except OSError as exc:
                status = f"{type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with self.lock:
                self.codes[status] = self.codes.get(status, 0) + 1
                self.latencies.append(elapsed)
                if not isinstance(status, int) or status >= 500:
                    self.errors.append((url, status))

    def start(self):
        self.started = time.perf_counter()
        for offset in range(self.users):
            thread = threading.Thread(target=self._user, args=(offset,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(30)
        self.elapsed = time.perf_counter() - self.started

    def figures(self):
        total = sum(self.codes.values())
        lat = sorted(self.latencies) or [0]
        return {
            "requests": total,
            "req_s": round(total / self.elapsed, 1),
            "p50_ms": round(statistics.median(lat) * 1000, 1),
            "p95_ms": round(
                lat[int(len(lat) * 0.95) - 1 if len(lat) > 1 else 0] * 1000, 1
            ),
            "failures": len(self.errors),
        }


# -- Scenarios ---------------------------------------------------------------


def scenario_a(admin, state):
    """A publish through A, seen through B's API and Varnish's HTML."""
    page_id = state["page_id"]
    # Varnish must have stored the article: a second request is a hit.
    fetch(VARNISH + ARTICLE)
    status, headers, body = fetch(VARNISH + ARTICLE)
    stored = headers.get("X-Cache") == "HIT"
    cache_control = headers.get("Cache-Control")
    set_cookie = bool(headers.get("Set-Cookie"))
    api_title(APP_B, page_id)  # warm B's API representation cache

    title = f"Back pain relief, cluster run {int(time.time())}"
    manage_shell(DRAFT_TITLE.format(title=title))
    publish_s = admin.publish(page_id)
    published = time.perf_counter()

    def b_api():
        return api_title(APP_B, page_id) == title and time.perf_counter()

    def varnish_html():
        status, headers, body = fetch(VARNISH + ARTICLE)
        if status == 200 and html.escape(title) in body:
            return (time.perf_counter(), headers.get("X-Cache"))
        return None

    b_seen = wait_for(b_api, 5)
    v_seen = wait_for(varnish_html, 5)
    b_delay = round(b_seen - published, 2) if b_seen else None
    v_delay = round(v_seen[0] - published, 2) if v_seen else None
    state["title"] = title
    passed = bool(
        stored and b_delay is not None and b_delay <= 2 and v_delay is not None
    ) and (v_delay <= 2)
    why = []
    if not stored:
        why.append(
            "Varnish did not store the article HTML "
            f"(Cache-Control: {cache_control}, Set-Cookie: {set_cookie}), "
            "so a fresh page proves no purge"
        )
    if b_delay is None or b_delay > 2:
        why.append("B's API did not show the new title within 2 s")
    if v_delay is None or v_delay > 2:
        why.append("Varnish did not serve the new title within 2 s")
    report(
        "a",
        passed,
        "publish through A visible through B's API and Varnish within 2 s"
        + ("" if passed else ": " + "; ".join(why)),
        publish_request_s=round(publish_s, 3),
        b_api_delay_s=b_delay,
        varnish_delay_s=v_delay,
        varnish_stored_before=stored,
        varnish_after=v_seen[1] if v_seen else None,
        article_cache_control=cache_control,
    )


def scenario_b():
    """The appointment rate limit, counted once across both instances."""
    body = json.dumps(
        {
            "page_path": BOOK_PATH,
            "name": "Cluster Test",
            "email": "cluster-test@example.invalid",
            "preferred_contact": "email",
            "patient_status": "new",
            "consent": True,
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    path = "/api/v3/clinic/appointment-requests/"
    codes = []
    for index in range(7):
        base = APP_A if index % 2 == 0 else APP_B
        status, _, _ = fetch(base + path, data=body, headers=headers)
        codes.append(("A" if base == APP_A else "B", status))
    extra_b = fetch(APP_B + path, data=body, headers=headers)[0]
    codes.append(("B", extra_b))
    accepted = [status for _, status in codes[:5]]
    refused = [status for _, status in codes[5:]]
    passed = accepted == [201] * 5 and refused == [429] * 3
    report(
        "b",
        passed,
        "appointment limit 5/hour holds across A and B (5 accepted, then 429 on both)",
        responses=" ".join(f"{name}:{status}" for name, status in codes),
    )


def scenario_c(admin, receiver, worker, state):
    """Webhooks from the worker, surviving a SIGKILL while a retry is pending."""
    after = manage_shell(LAST_DELIVERY)
    seen_before = len(receiver.snapshot())
    receiver.fail_next = 3
    title = state.get("title", "Back pain") + " (webhook check)"
    manage_shell(DRAFT_TITLE.format(title=title))
    started = time.time()
    publish_s = admin.publish(state["page_id"])
    publish_done = time.time()
    in_request = [
        r for r in receiver.snapshot()[seen_before:] if r["time"] <= publish_done
    ]

    first_failure = wait_for(
        lambda: [r for r in receiver.snapshot()[seen_before:] if r["status"] == 500],
        15,
    )
    killed_at = None
    silent_while_dead = None
    if first_failure:
        time.sleep(0.3)  # let the worker record the failure and queue the retry
        worker.kill()
        killed_at = time.time()
        count_at_kill = len(receiver.snapshot())
        time.sleep(3)  # the retry falls due with no worker running
        silent_while_dead = len(receiver.snapshot()) == count_at_kill
        worker.start()

    def all_delivered():
        rows = manage_shell(DELIVERIES.format(after=after))
        ok = {
            r["delivery"]
            for r in receiver.snapshot()[seen_before:]
            if r["status"] == 200
        }
        # Wait for the worker to record the success too: the receiver sees
        # the 200 a moment before the worker marks the row (a race seen once
        # under load).
        if rows and all(
            row["id"] in ok and row["status"] == "succeeded" for row in rows
        ):
            return rows
        return None

    rows = wait_for(all_delivered, 60, step=1)
    records = receiver.snapshot()[seen_before:]
    first_arrival = min((r["time"] for r in records), default=None)
    passed = bool(
        rows
        and not in_request
        and first_failure
        and silent_while_dead
        and all(row["status"] == "succeeded" for row in rows)
    )
    report(
        "c",
        passed,
        "webhooks sent by the worker after the publish response; SIGKILL during "
        "a pending retry loses none",
        publish_request_s=round(publish_s, 3),
        deliveries=len(rows or []),
        attempts_seen=len(records),
        answered_500=sum(r["status"] == 500 for r in records),
        delivered_in_publish_request=len(in_request),
        first_attempt_after_publish_s=(
            round(first_arrival - started, 2) if first_arrival else None
        ),
        killed_after_first_failure=bool(killed_at),
        no_attempt_while_worker_dead=silent_while_dead,
        all_rows_succeeded=bool(rows) and all(r["status"] == "succeeded" for r in rows),
    )


def redis(command):
    subprocess.run(  # noqa: S603
        ["bash", REDIS_SCRIPT, command, REDIS_PORT], check=True, capture_output=True
    )


def redis_keys():
    result = subprocess.run(  # noqa: S603
        ["redis-cli", "-h", "127.0.0.1", "-p", REDIS_PORT, "dbsize"],
        capture_output=True,
        text=True,
        check=False,
    )
    return int(result.stdout.strip() or 0) if result.returncode == 0 else None


def scenario_d(state):
    """Redis stopped for 10 s under load: no 5xx; the cache fills again."""
    page_id = state["page_id"]
    urls = [
        APP_A + ARTICLE,
        APP_B + f"/api/v2/pages/{page_id}/",
        APP_A + "/api/v3/clinic/pages/by-path/?path=" + urllib.parse.quote(ARTICLE),
        APP_B + ARTICLE,
        APP_A + f"/api/v2/pages/{page_id}/",
        VARNISH + PLAIN,
    ]
    probe = {url: fetch(url)[0] for url in urls}
    not_ok = {url: status for url, status in probe.items() if status != 200}
    if not_ok:
        report("d", False, f"URLs not answering 200 before the outage: {not_ok}")
        return
    load = Load(urls, 4)
    load.start()
    time.sleep(3)
    keys_before = redis_keys()
    redis("stop")
    down_at = time.perf_counter()
    time.sleep(10)
    redis("start")
    down_s = time.perf_counter() - down_at
    time.sleep(4)
    load.stop()
    keys_after = wait_for(lambda: redis_keys() or None, 10, step=0.5)
    figures = load.figures()
    codes = {str(k): v for k, v in sorted(load.codes.items(), key=str)}
    passed = figures["failures"] == 0 and bool(keys_after)
    report(
        "d",
        passed,
        "Redis stopped under load: no 5xx, cache filled again after restart",
        redis_down_s=round(down_s, 1),
        responses=codes,
        cache_keys_before=keys_before,
        cache_keys_after_restart=keys_after,
        first_failures=load.errors[:5],
    )


def scenario_e():
    """Load: 10 users, article HTML and plain page, through Varnish and direct."""
    phase_s = (15 if SHORT else 60) / 4
    phases = [
        ("article via Varnish", [VARNISH + ARTICLE]),
        ("article direct (A+B)", [APP_A + ARTICLE, APP_B + ARTICLE]),
        ("plain via Varnish", [VARNISH + PLAIN]),
        ("plain direct (A+B)", [APP_A + PLAIN, APP_B + PLAIN]),
    ]
    table = {}
    for name, urls in phases:
        load = Load(urls, 10)
        load.start()
        time.sleep(phase_s)
        load.stop()
        table[name] = load.figures()
    failures = sum(row["failures"] for row in table.values())
    report(
        "e",
        failures == 0,
        f"10 users, {phase_s:g} s per target, 0 failures",
        **table,
        load_average=LOAD_AVERAGE(),
    )
    return table, phase_s


# -- Results -----------------------------------------------------------------


def write_results(table, phase_s):
    """Append the figures to ``RESULTS_FILE`` (benchmarks/RESULTS.md)."""
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        "",
        "<!-- cluster.sh: start -->",
        "",
        f"### {now} — scripts/cluster.sh ({'short' if SHORT else 'full'}), "
        f"PostgreSQL + Redis + 2 gunicorn + db_worker + Varnish, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores",
        "",
        "Every process on one machine over loopback; the load generator (Python "
        "threads) shares the CPUs, so Varnish figures are bounded by the client. "
        f"Load average (1/5/15 min) at the end: {LOAD_AVERAGE()}.",
        "",
        "| scenario | result | figures |",
        "|---|---|---|",
    ]
    for letter, passed, summary, figures in RESULTS:
        if letter == "e":
            continue
        shown = ", ".join(f"{k}={v}" for k, v in figures.items())
        lines.append(
            f"| ({letter}) {summary} | {'pass' if passed else 'FAIL'} | {shown} |"
        )
    lines += [
        "",
        f"**(e) 10 users, {phase_s:g} s per target**",
        "",
        "| target | req/s | p50 ms | p95 ms | requests | failures |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in table.items():
        lines.append(
            f"| {name} | {row['req_s']} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {row['requests']} | {row['failures']} |"
        )
    lines += ["", "<!-- cluster.sh: end -->", ""]
    with open(RESULTS_FILE, "a") as file:
        file.write("\n".join(lines))
    print(f"Figures appended to {RESULTS_FILE}")


def main():
    """Run every scenario; exit 1 when one fails."""
    receiver = Receiver(RECEIVER_PORT)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    worker = Worker()
    worker.start()
    try:
        admin = Admin(APP_A)
        admin.login()
        state = {"page_id": manage_shell(ARTICLE_ID)}
        steps = [
            ("a", lambda: scenario_a(admin, state)),
            ("b", scenario_b),
            ("c", lambda: scenario_c(admin, receiver, worker, state)),
            ("d", lambda: scenario_d(state)),
        ]
        for letter, step in steps:
            try:
                step()
            except Exception as exc:  # a crashed scenario is a failed one
                report(letter, False, f"crashed: {type(exc).__name__}: {exc}")
        try:
            table, phase_s = scenario_e()
        except Exception as exc:
            report("e", False, f"crashed: {type(exc).__name__}: {exc}")
            table, phase_s = {}, 0
    finally:
        worker.stop()
        receiver.shutdown()
    if RESULTS_FILE:
        write_results(table, phase_s)
    failed = [letter for letter, passed, _, _ in RESULTS if not passed]
    print(
        "\ncluster scenarios: "
        + ("all passed" if not failed else "FAILED: " + ", ".join(failed))
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
