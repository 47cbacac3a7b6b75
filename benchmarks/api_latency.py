"""Compare the reference article's API latency with a plain rich-text page.

The article (a ConditionPage whose body uses every block, 3 chosen massage
types with images, an image block and linked paragraphs) is served through
API v2, API v3 and the clinic endpoint; the baseline is a page holding the
same text in one RichTextField. Both are requested alternately in the same
process with Django's test client, after a warm-up, and the medians compared.
Listing cost is measured as queries and median time at two sizes.

Run:  .venv/bin/python benchmarks/api_latency.py [--requests 300] [--write]
      (DATABASE_ENGINE=postgres and PG* variables select PostgreSQL, as in
      scripts/test.sh). --write records the table in benchmarks/RESULTS.md.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
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


def median_ms(client, url, requests):
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def interleaved(client, pairs, requests):
    """Median ms for each URL, measured in alternating rounds of 20 requests."""
    samples = {url: [] for pair in pairs for url in pair}
    for _ in range(max(1, requests // 20)):
        for pair in pairs:
            for url in pair:
                samples[url].append(median_ms(client, url, 20))
    return {url: statistics.median(values) for url, values in samples.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        rows, listing_rows = run(args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report = format_report(rows, listing_rows, args.requests)
    print(report)
    if args.write:
        write_results(report)


def run(requests):
    from wagtail.models import Page

    client = Client()
    article, plain, massage_index = build_content(listing_size=50)
    endpoints = [
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
        ("HTML page", None),
    ]
    pairs = []
    for label, template in endpoints:
        if template is None:
            pair = (article.url, plain.url)
        else:
            pair = (template.format(id=article.pk), template.format(id=plain.pk))
        for url in pair:
            for _ in range(10):  # warm-up: renditions, caches
                client.get(url)
        pairs.append((label, pair))
    medians = interleaved(client, [pair for _, pair in pairs], requests)
    rows = []
    for label, (article_url, plain_url) in pairs:
        rows.append(
            (
                label,
                medians[article_url],
                medians[plain_url],
                count_queries(client, article_url),
                count_queries(client, plain_url),
            )
        )

    listing_rows = []
    pages = list(Page.objects.child_of(massage_index).specific().order_by("title"))
    for size in (5, 50):
        for page in pages[size:]:
            page.unpublish() if page.live else None
        for page in pages[:size]:
            if not page.live:
                page.save_revision().publish()
        url = f"/api/v3/clinic/massage-types/?limit={min(size, 50)}"
        listing_rows.append(
            (
                size,
                median_ms(client, url, max(20, requests // 5)),
                count_queries(client, url),
            )
        )
    return rows, listing_rows


def format_report(rows, listing_rows, requests):
    from wagtail import __version__ as wagtail_version

    engine = connection.vendor
    lines = [
        f"### {time.strftime('%Y-%m-%d')} — {engine}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, Wagtail {wagtail_version}, {os.cpu_count()} cores",
        "",
        f"Median of {requests} requests per URL, article and baseline interleaved.",
        "",
        "| request | article ms | plain ms | ratio | article queries | plain queries |",
        "|---|---|---|---|---|---|",
    ]
    for label, article_ms, plain_ms, article_q, plain_q in rows:
        lines.append(
            f"| {label} | {article_ms:.2f} | {plain_ms:.2f} | {article_ms / plain_ms:.2f} "
            f"| {article_q} | {plain_q} |"
        )
    lines += [
        "",
        "| clinic massage-type listing | median ms | queries |",
        "|---|---|---|",
    ]
    for size, ms, queries in listing_rows:
        lines.append(f"| {size} items | {ms:.2f} | {queries} |")
    return "\n".join(lines) + "\n"


def write_results(report):
    path = Path(__file__).with_name("RESULTS.md")
    header = "# Benchmark results\n\nProduced by the scripts in this folder; newest first.\n\n"
    previous = path.read_text() if path.exists() else header
    body = previous[len(header) :] if previous.startswith(header) else previous
    path.write_text(header + report + "\n" + body)


if __name__ == "__main__":
    main()
