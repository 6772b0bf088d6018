"""EXPLAIN (ANALYZE, BUFFERS) of every query the public pages run, on the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_1000000 \\
        .venv/bin/python bench/explain.py > plans.txt

Requests each page through Django's test client twice -- cold (empty cache:
the count and the page-500 boundary are computed) and warm (what every later
request runs) -- captures the SQL it sent, and prints each statement with its
plan. The page cache is off, so the page's own queries are what is shown.
"""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.test_settings")
os.environ["PAGE_CACHE"] = "false"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Category, TaggedArticle  # noqa: E402


def pages():
    big = (
        Article.objects.published()
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    category = Category.objects.get(pk=big["category"])
    deep = min(500, -(-big["n"] // settings.ARTICLES_PER_PAGE))
    top_tag = (
        TaggedArticle.objects.filter(status="published")
        .values("tag")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    tag_url = reverse("articles:tag", args=[Tag.objects.get(pk=top_tag["tag"]).slug])
    tag_deep = min(500, -(-top_tag["n"] // settings.ARTICLES_PER_PAGE))
    small = Category.objects.order_by("-pk").first()
    found = {
        "home": reverse("articles:home"),
        "category page 1": category.get_absolute_url(),
        f"category page {deep}": f"{category.get_absolute_url()}?page={deep}",
        "small category page 1": small.get_absolute_url(),
        "tag page 1": tag_url,
        f"tag page {tag_deep}": f"{tag_url}?page={tag_deep}",
        "article": Article.objects.published()[1000].get_absolute_url(),
    }
    with contextlib.suppress(NoReverseMatch):
        found["search"] = reverse("articles:search") + "?q=%E9%93%B6%E8%A1%8C"  # 银行
    return found


def main():
    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    cache.clear()
    for label, url in pages().items():
        for state in ("cold", "warm"):
            if state == "cold":
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            print(f"\n## {label} ({state} cache): {url} -- {len(ctx.captured_queries)} queries")
            for query in ctx.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"\n```sql\n{query['sql']}\n```\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
