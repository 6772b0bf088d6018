"""Search latency on PostgreSQL with a large archive (a benchmark, not a test).

Fills a dedicated database with generated articles (texts recombined from the
demo stories and, when present, the real archive sample in ../shared/corpus),
then times full requests to /search/?q= through Django's test client (view,
query, snippets and template) and prints p50 / p99 per query and overall.

    createdb -h 127.0.0.1 -U postgres finews_search_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_search_bench \\
        .venv/bin/python bench/search_latency.py --articles 100000 --rounds 30

It refuses a database whose name does not end in "_bench". Articles already
there are kept (re-runs only time the searches).

``--query-only`` touches nothing: no migration, no filling, no VACUUM; it only
times the searches against an existing database (any name ending in "_bench"
or "_bench_<digits>", e.g. the 1,000,000-article database of bench/load.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_1000000 \\
        .venv/bin/python bench/search_latency.py --query-only --rounds 30

The page cache is off (PAGE_CACHE=false) so every request runs the search.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")
os.environ.setdefault("PAGE_CACHE", "false")

CORPUS_POSTS = ROOT.parent / "shared" / "corpus" / "finews-jekyll" / "_posts"

QUERIES = [
    "银行",  # common two-character word
    "疫情",
    "基金",
    "郑州银行零售",  # phrase, segmented into three words
    "存款 利率",  # two words
    "人民币汇率",
    "港交所",  # rarer word
    "郑州",  # less common word
    "123456",  # rare: one generated title carries this number
    "比特币挖矿",  # no match
]
DEEP_PAGE = ("银行", 40)


def setup():
    import django

    django.setup()
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not re.search(r"_bench(_\d+)?$", name):
        sys.exit(f"Refusing to fill {connection.vendor} database {name!r}: use a *_bench database.")


def documents():
    """(title, paragraphs) to vary: the demo stories, plus the archive sample if present.

    Each generated article is one of these, so a word is about as common in the
    benchmark as in the real archive (银行 in roughly one post in fifteen).
    """
    from articles import demo_data

    docs = [
        (title, [summary, *re.findall(r"<p>(.*?)</p>", body)])
        for title, summary, body in demo_data.STORIES
    ]
    if CORPUS_POSTS.is_dir():
        for path in sorted(CORPUS_POSTS.glob("*.md")):
            match = re.match(r"\s*---\s*\n(.*?)\n---\s*\n(.*)", path.read_text("utf-8"), re.S)
            title = match and re.search(r'^title:\s*"?(.*?)"?\s*$', match.group(1), re.M)
            if not title:
                continue
            text = re.sub(r"<[^>]+>", "\n", match.group(2))
            paragraphs = [p.strip() for p in text.split("\n") if len(p.strip()) > 10]
            if paragraphs:
                docs.append((title.group(1), paragraphs))
    return docs


def fill(target, batch_size=1000, seed=2026):
    from django.utils import timezone

    from articles.models import Article, Category

    have = Article.objects.count()
    if have >= target:
        print(f"{have} articles present; nothing to add.")
        return
    rng = random.Random(seed + have)
    docs = documents()
    categories = [
        Category.objects.get_or_create(slug=f"bench{i}", defaults={"name": f"基准来源{i}"})[0]
        for i in range(20)
    ]
    now = timezone.now()
    started = time.perf_counter()
    for start in range(have, target, batch_size):
        objs = []
        for i in range(start, min(start + batch_size, target)):
            title, paras = rng.choice(docs)
            # The story's paragraphs, some dropped, so no two bodies are the same.
            paras = [p for p in paras if rng.random() < 0.8] or paras[:1]
            objs.append(
                Article(
                    title=f"{title}（{i}）"[:300],
                    slug=f"bench-{i}",
                    category=rng.choice(categories),
                    summary=paras[0][:200],
                    body="".join(f"<p>{p}</p>" for p in paras),
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=3 * i),
                )
            )
        Article.objects.bulk_create(objs)
        done = start + len(objs)
        if done % 10_000 < batch_size:
            print(f"  {done} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"Filled to {target} articles in {time.perf_counter() - started:.0f} s.")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def measure(rounds):
    from django.db import connection, reset_queries
    from django.test import Client

    from articles import search
    from articles.models import Article

    client = Client(HTTP_HOST="localhost")
    cases = [(q, 1) for q in QUERIES] + [DEEP_PAGE]
    timings = {case: [] for case in cases}
    for case in cases:  # warm up: connection, caches, the segmenter
        client.get("/search/", {"q": case[0], "page": case[1]})
    for _ in range(rounds):
        for case in cases:
            reset_queries()
            started = time.perf_counter()
            response = client.get("/search/", {"q": case[0], "page": case[1]})
            timings[case].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (case, response.status_code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        total = cursor.fetchone()[0]
    print(f"\n{total} articles; {rounds} rounds; milliseconds per full request")
    print(f"{'query':<16}{'page':>5}{'hits':>8}{'p50':>9}{'p99':>9}")
    everything = []
    for (q, page), values in timings.items():
        results = search.search(Article.objects.published(), search.query_words(q))
        count = f"{results.count()}+" if getattr(results, "truncated", False) else results.count()
        print(
            f"{q:<16}{page:>5}{count!s:>8}"
            f"{statistics.median(values):>9.1f}{percentile(values, 99):>9.1f}"
        )
        everything += values
    print(
        f"{'all':<16}{'':>5}{'':>8}"
        f"{statistics.median(everything):>9.1f}{percentile(everything, 99):>9.1f}"
    )


def explain():
    from django.conf import settings

    from articles import search
    from articles.models import Article

    queryset = search.matching(Article.objects.published(), search.query_words("银行"))
    print(f"\nEXPLAIN ANALYZE, q=银行, the window ({settings.SEARCH_WINDOW} newest matches):")
    print(
        queryset.values_list("pk", "rank", "published_at")[: settings.SEARCH_WINDOW].explain(
            analyze=True, buffers=True
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--query-only", action="store_true", help="only time searches on an existing database"
    )
    args = parser.parse_args()
    setup()
    if args.query_only:
        measure(args.rounds)
        explain()
        return
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    fill(args.articles)
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute("VACUUM ANALYZE articles_article")
    measure(args.rounds)
    explain()


if __name__ == "__main__":
    main()
