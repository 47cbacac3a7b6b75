"""Compare the reference article's API latency with a plain rich-text page.

The article (a ConditionPage whose body uses every block, 3 chosen massage
types with images, an image block and linked paragraphs) is served through
API v2, API v3 and the clinic endpoint; the baseline is a page holding the
same text in one RichTextField. Both are requested alternately (one request
each, in turn) in the same process with Django's test client, after a
warm-up, and the medians compared; the CPU time of each request (the
thread's, so other processes on the machine do not count) is compared too.

Two modes:

* **warm**: the representation cache on
  (``WAGTAIL_CLINIC["API_REPRESENTATION_CACHE"]``, forced on here: one
  process; a site with a shared cache has it on by default), so the
  article's API values come from it, as between two content changes;
* **cold**: the representation cache off, so every request builds the
  values (Django's cache still holds Wagtail's renditions and site root
  paths, as on a running site).

Each run measures both modes; ``--runs`` runs are made and the spread of
the ratios reported. The warm and cold responses are checked to be equal.
Listing cost is measured as queries and median time at two sizes.

Run:  .venv/bin/python benchmarks/api_latency.py [--requests 200] [--runs 3] [--write]
      (DATABASE_ENGINE=postgres and PG* variables select PostgreSQL, as in
      scripts/test.sh). --write replaces the api_latency section of
      benchmarks/RESULTS.md with the new tables.
"""

import argparse
import os
import platform
import statistics
import sys
import time

from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402


django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)


def build_content(listing_size):
    """Create the article, its baseline twin and a massage-type listing."""
    from tests.testapp.models import PlainArticlePage
    from tests.utils import (
        article_body,
        make_clinic,
        make_condition_index,
        make_condition_page,
        make_image,
        make_massage_type,
        make_massage_type_index,
        make_site_tree,
        set_default_clinic,
    )

    _, home = make_site_tree()
    clinic = make_clinic()
    set_default_clinic(home.get_site(), clinic)
    index = make_condition_index(home)
    massage_index = make_massage_type_index(home)
    massage_types = [
        make_massage_type(
            massage_index,
            title=f"Massage {n}",
            slug=f"massage-{n}",
            image=make_image(title=f"Massage {n}"),
        )
        for n in range(listing_size)
    ]
    body = article_body(
        image=make_image(title="Article figure"),
        clinic=clinic,
        massage_types=massage_types[:3],
        link_page=massage_types[0],
        paragraphs=12,
    )
    article = make_condition_page(index, body=body, slug="article")
    # The baseline holds the article's text (stored rich text, same links) in
    # one RichTextField: what a site without structured blocks would store.
    text = "".join(
        child.value.source
        if hasattr(child.value, "source")
        else f"<p>{child.render_as_block()}</p>"
        for child in article.body
    )
    plain = home.add_child(
        instance=PlainArticlePage(title="Plain article", slug="plain", body=text)
    )
    return article, plain, massage_index


ENDPOINTS = [
    ("API v2 detail", "/api/v2/pages/{id}/"),
    (
        "API v2 detail, rich_text_format=html",
        "/api/v2/pages/{id}/?rich_text_format=html",
    ),
    ("API v3 detail", "/api/v3/pages/{id}/"),
    (
        "API v3 detail, rich_text_format=html",
        "/api/v3/pages/{id}/?rich_text_format=html",
    ),
    ("Clinic detail", "/api/v3/clinic/pages/{id}/"),
    ("HTML page", None),  # Not an API: the representation cache plays no part.
]
MODES = ("warm", "cold")


def representation_cache(enabled):
    """Settings with the representation cache on (forced: one process) or off."""
    return override_settings(
        WAGTAIL_CLINIC={
            **(getattr(settings, "WAGTAIL_CLINIC", {}) or {}),
            "API_REPRESENTATION_CACHE": enabled,
        }
    )


def timed_get(client, url):
    """``(wall ms, CPU ms)`` of one request; fails unless it answers 200."""
    start_wall, start_cpu = time.perf_counter(), time.thread_time()
    response = client.get(url)
    cpu = time.thread_time() - start_cpu
    wall = time.perf_counter() - start_wall
    assert response.status_code == 200, (url, response.status_code)
    return wall * 1000, cpu * 1000


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def interleaved(client, urls, requests):
    """Median wall and CPU ms per URL, the URLs requested in turn."""
    samples = {url: ([], []) for url in urls}
    for _ in range(requests):
        for url in urls:
            wall, cpu = timed_get(client, url)
            samples[url][0].append(wall)
            samples[url][1].append(cpu)
    return {
        url: (statistics.median(walls), statistics.median(cpus))
        for url, (walls, cpus) in samples.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per URL and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        load_before = os.getloadavg()
        results = run(args.requests, args.runs)
        load_after = os.getloadavg()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report = format_report(results, args.requests, args.runs, load_before, load_after)
    print(report)
    if args.write:
        write_results(report)


def run(requests, runs):
    """Measure every endpoint in both modes, ``runs`` times; then the listing."""
    from wagtail.models import Page

    client = Client()
    article, plain, massage_index = build_content(listing_size=50)
    pairs = []
    for label, template in ENDPOINTS:
        if template is None:
            pair = (article.url, plain.url)
        else:
            pair = (template.format(id=article.pk), template.format(id=plain.pk))
        pairs.append((label, template is not None, pair))

    # The representation cache must not change a single byte of the answers.
    for label, is_api, (article_url, _) in pairs:
        if is_api:
            answers = []
            for mode in MODES:
                with representation_cache(mode == "warm"):
                    client.get(article_url)
                    answers.append(client.get(article_url).json())
            assert answers[0] == answers[1], f"{label}: warm and cold differ"

    timings = {mode: {label: [] for label, _, _ in pairs} for mode in MODES}
    queries = {}
    for _ in range(runs):
        for mode in MODES:
            measured = [
                (label, pair)
                for label, is_api, pair in pairs
                if is_api or mode == "warm"
            ]
            with representation_cache(mode == "warm"):
                for _label, pair in measured:
                    for url in pair:
                        for _ in range(10):  # warm-up: renditions, caches
                            client.get(url)
                for label, pair in measured:
                    medians = interleaved(client, pair, requests)
                    timings[mode][label].append([medians[url] for url in pair])
                    if (mode, label) not in queries:
                        queries[mode, label] = [
                            count_queries(client, url) for url in pair
                        ]

    listing_rows = []
    pages = list(Page.objects.child_of(massage_index).specific().order_by("title"))
    for size in (5, 50):
        for page in pages[size:]:
            page.unpublish() if page.live else None
        for page in pages[:size]:
            if not page.live:
                page.save_revision().publish()
        url = f"/api/v3/clinic/massage-types/?limit={min(size, 50)}"
        for _ in range(5):
            client.get(url)
        walls = [timed_get(client, url)[0] for _ in range(max(20, requests // 4))]
        listing_rows.append(
            (size, statistics.median(walls), count_queries(client, url))
        )
    return {"timings": timings, "queries": queries, "listing": listing_rows}


def _spread(values, digits=2):
    """The median of ``values``, with their range when there are several."""
    middle = f"{statistics.median(values):.{digits}f}"
    if len(values) < 2:
        return middle
    return f"{middle} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def format_report(results, requests, runs, load_before, load_after):
    from wagtail import __version__ as wagtail_version

    engine = connection.vendor
    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M')} — api_latency.py, {engine}, "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail_version}, {os.cpu_count()} cores",
        "",
        f"{runs} runs of {requests} requests per URL and mode, article and "
        "baseline requested in turn; load average (1/5/15 min) "
        f"{' / '.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{' / '.join(f'{x:.2f}' for x in load_after)} at the end. ms are "
        "medians of the runs' medians; ratios are medians of the runs' ratios, "
        "with their range over the runs in brackets. CPU ratio: the same with "
        "the thread's CPU time, which other processes on the machine do not "
        "inflate.",
    ]
    titles = {
        "warm": (
            "Warm: representation cache on (as by default with a shared cache), values served from it"
        ),
        "cold": (
            "Cold: representation cache off, every request builds the values "
            "(Wagtail's renditions and site root paths still cached)"
        ),
    }
    for mode in MODES:
        lines += [
            "",
            f"**{titles[mode]}**",
            "",
            "| request | article ms | plain ms | ratio | CPU ratio "
            "| article queries | plain queries |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, runs_measured in results["timings"][mode].items():
            if not runs_measured:
                continue
            article_wall = [article[0] for article, _ in runs_measured]
            plain_wall = [plain[0] for _, plain in runs_measured]
            ratios = [article[0] / plain[0] for article, plain in runs_measured]
            cpu_ratios = [article[1] / plain[1] for article, plain in runs_measured]
            article_q, plain_q = results["queries"][mode, label]
            lines.append(
                f"| {label} | {statistics.median(article_wall):.2f} "
                f"| {statistics.median(plain_wall):.2f} | {_spread(ratios)} "
                f"| {_spread(cpu_ratios)} | {article_q} | {plain_q} |"
            )
    lines += [
        "",
        "| clinic massage-type listing (cards are not cached) | median ms | queries |",
        "|---|---|---|",
    ]
    for size, ms, count in results["listing"]:
        lines.append(f"| {size} items | {ms:.2f} | {count} |")
    return "\n".join(lines) + "\n"


#: The api_latency section of RESULTS.md lies between these markers; other
#: scripts' sections (e.g. the load test's) are left alone.
SECTION_START = "<!-- api_latency.py: start -->"
SECTION_END = "<!-- api_latency.py: end -->"


def write_results(report):
    """Put ``report`` in the api_latency section of RESULTS.md (replacing it)."""
    path = Path(__file__).with_name("RESULTS.md")
    header = "# Benchmark results\n\nProduced by the scripts in this folder; newest first.\n\n"
    text = path.read_text() if path.exists() else header
    section = f"{SECTION_START}\n\n{report}\n{SECTION_END}"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        _, after = rest.split(SECTION_END, 1)
        path.write_text(before + section + after)
    else:
        body = text[len(header) :] if text.startswith(header) else text
        path.write_text(header + section + "\n\n" + body)


if __name__ == "__main__":
    main()
