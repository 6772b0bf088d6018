"""Time the reader's pages (article, archives, latest.json) on the configured database.

Usage (after seeding, e.g. ``manage.py seed_demo --articles 100000``):

    DATABASE_URL=postgres://... .venv/bin/python bench/reader_pages.py [--runs 50]

Prints, per page, the number of queries and the p50 / p99 response time
through Django's test client (no network, no gunicorn).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    published = Article.objects.published().order_by("published_at")
    total = published.count()
    if total < 10:
        sys.exit("Seed some articles first (manage.py seed_demo --articles 100000).")
    middle = published[total // 2]
    day = timezone.localtime(middle.published_at)
    hour_ago = timezone.localtime(timezone.now()).replace(microsecond=0).isoformat()
    paths = {
        "article (middle of the archive)": middle.get_absolute_url(),
        "archive year": f"/archive/{day:%Y}/",
        "archive month": f"/archive/{day:%Y/%m}/",
        "archive day": f"/archive/{day:%Y/%m/%d}/",
        "archive year, page 100": f"/archive/{day:%Y}/?page=100",
        "latest.json": f"/api/latest.json?since={hour_ago.replace('+', '%2B')}"
        f"&after_id={Article.objects.order_by('-id').values_list('id', flat=True)[0]}",
    }
    client = Client(HTTP_HOST="localhost")
    print(f"{connection.vendor}, {total} published articles, {args.runs} runs per page")
    for name, path in paths.items():
        client.get(path)  # warm up
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:32} {response.status_code} queries={len(queries.captured_queries)}"
            f"  p50={statistics.median(timings):6.1f} ms  p99={percentile(timings, 0.99):6.1f} ms"
        )


if __name__ == "__main__":
    main()
