"""Where a search's time goes: EXPLAIN (ANALYZE, BUFFERS) of each query a search page runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_1000000 \\
        .venv/bin/python bench/search_explain.py [--plans] [QUERY ...]

Requests /search/?q=QUERY through Django's test client (page cache off), once to
warm up, then captures the SQL it sent and runs each statement again under
EXPLAIN (ANALYZE, BUFFERS), three times, keeping the fastest. Prints one line
per statement (execution time, shared buffers hit/read, the plan's top nodes)
and, with --plans, the whole plans. Also times the request itself in-process
(median of 10). A benchmark, not a test: it only reads.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.test_settings")
os.environ["PAGE_CACHE"] = "false"

QUERIES = ["银行", "郑州银行零售", "存款 利率", "港交所", "123456", "比特币挖矿"]


def explain(sql):
    from django.db import connection

    best = None
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        ms = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
        ms += float(re.search(r"Planning Time: ([\d.]+)", "\n".join(plan)).group(1))
        if best is None or ms < best[0]:
            best = (ms, plan)
    return best


def summary(plan):
    """Execution time, the first Buffers line and the node names, on one line."""
    buffers = next((line.strip() for line in plan if "Buffers:" in line), "")
    nodes = [re.sub(r"\s*\(cost.*", "", line).strip(" ->") for line in plan if "(cost=" in line]
    return buffers, " / ".join(nodes[:4])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", nargs="*", default=QUERIES)
    parser.add_argument("--plans", action="store_true", help="print the whole plans")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    url = reverse("articles:search")
    for query in args.queries:
        client.get(url, {"q": query})
        times = []
        for _ in range(10):
            started = time.perf_counter()
            client.get(url, {"q": query})
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"q": query})
        assert response.status_code == 200, response.status_code
        print(f"\n## {query}: request {statistics.median(times):.1f} ms in-process (median of 10)")
        for captured in ctx.captured_queries:
            sql = captured["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            ms, plan = explain(sql)
            buffers, nodes = summary(plan)
            print(f"- {ms:7.2f} ms (planning + execution)  {buffers}  [{nodes}]")
            print(f"    {sql[:160]}")
            if args.plans:
                print("\n".join("      " + line for line in plan))


if __name__ == "__main__":
    main()
