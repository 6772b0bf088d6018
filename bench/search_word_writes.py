"""What the frequent words' windows cost a write: article saves with and without their trigger.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_1000000 \\
        .venv/bin/python bench/search_word_writes.py --articles 200 --rounds 3

Saves --articles new published articles (demo texts, one by one through
``Article.save()``, as the admin and the pipeline do) inside a transaction
that is rolled back, alternately with the window trigger
(``searchindex_window_sync`` on ``searchindex_entry``) enabled and disabled,
and prints the median time per save of each and the rows the trigger wrote.
Run it after ``manage.py refresh_search_words``: with no word kept the
trigger has nothing to write. A benchmark, not a test: it writes nothing that
stays.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.test_settings")


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.demo_texts import sample_texts
    from articles.models import Article, Category

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://...")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM searchindex_word")
        words = cursor.fetchone()[0]
    print(f"{words} words kept")
    texts = sample_texts()
    category = Category.objects.order_by("pk").first()

    def saves(trigger_on):
        started = rows = 0
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if not trigger_on:
                    cursor.execute(
                        "ALTER TABLE searchindex_entry DISABLE TRIGGER searchindex_window_sync"
                    )
                cursor.execute("SELECT count(*) FROM searchindex_window")
                before = cursor.fetchone()[0]
                started = time.perf_counter()
                for i in range(args.articles):
                    text = texts[i % len(texts)]
                    Article(
                        title=f"{text.title}（写入测试{i}）",
                        summary=text.summary,
                        body=text.body,
                        category=category,
                        status=Article.Status.PUBLISHED,
                        published_at=timezone.now(),
                        slug=f"bench-word-writes-{i}",
                    ).save()
                elapsed = time.perf_counter() - started
                cursor.execute("SELECT count(*) FROM searchindex_window")
                rows = cursor.fetchone()[0] - before
                raise Rollback
        except Rollback:
            pass
        return elapsed * 1000 / args.articles, rows / args.articles

    results = {True: [], False: []}
    for _ in range(args.rounds):
        for trigger_on in (False, True):
            results[trigger_on].append(saves(trigger_on))
    for trigger_on, label in ((False, "trigger off"), (True, "trigger on")):
        ms = statistics.median(r[0] for r in results[trigger_on])
        rows = statistics.median(r[1] for r in results[trigger_on])
        print(f"{label:12} {ms:7.2f} ms per save, {rows:6.1f} window rows per article")


if __name__ == "__main__":
    main()
