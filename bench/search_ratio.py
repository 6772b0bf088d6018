"""Search against a category page, request by request, on the same machine at the same moments.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_1000000 \\
        .venv/bin/python bench/search_ratio.py --rounds 60 [QUERY ...]

The page cache is off. Each round requests the biggest category's page 1 and
then each search once, through Django's test client in this process, so a
burst of load from elsewhere on a shared machine falls on both alike. Prints
the median and p90 of each, and each search's median over the category's:
the ratio issue 17 sets a target for (search p50 within 3x a category page's).
A benchmark, not a test: it only reads.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.test_settings")
os.environ["PAGE_CACHE"] = "false"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", nargs="*", default=["银行", "郑州银行零售", "港交所"])
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article, Category

    settings.PAGE_CACHE_ENABLED = False
    big = (
        Article.objects.published()
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    pages = {"category p1": Category.objects.get(pk=big["category"]).get_absolute_url()}
    for query in args.queries:
        pages[f"search {query}"] = reverse("articles:search") + "?" + f"q={query}"
    client = Client()
    times = {label: [] for label in pages}
    for url in pages.values():  # warm up
        assert client.get(url).status_code == 200
    for _ in range(args.rounds):
        for label, url in pages.items():
            started = time.perf_counter()
            client.get(url)
            times[label].append((time.perf_counter() - started) * 1000)
    base = statistics.median(times["category p1"])
    print(f"{args.rounds} rounds, in-process, page cache off")
    print("| page | p50 ms | p90 ms | p50 / category p50 |")
    print("| --- | ---: | ---: | ---: |")
    for label, values in times.items():
        p50 = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"| {label} | {p50:.1f} | {p90:.1f} | {p50 / base:.1f}x |")


if __name__ == "__main__":
    main()
