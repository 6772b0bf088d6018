"""Two crawlers pushing the same batch at once (PostgreSQL): one article per story, no 500."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from articles.models import Article
from ingest.models import IngestedItem, IngestToken
from tests.ingest.conftest import ITEMS_URL, flash


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_batch_pushed_twice_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises all writers")
    _, first = IngestToken.issue("并发爬虫甲")
    _, second = IngestToken.issue("并发爬虫乙")
    items = [flash(n, tags=["东财滚动新闻", f"并发标签{n % 7}"]) for n in range(200)]
    body = json.dumps({"items": items}, ensure_ascii=False)
    barrier = threading.Barrier(2)
    answers = {}

    def push(secret):
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                ITEMS_URL,
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
            answers[secret] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=push, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(code for code, _ in answers.values()) == [200, 200]
    counts = [data["counts"] for _, data in answers.values()]
    assert sorted(c["created"] for c in counts) == [0, 200]
    assert sorted(c["unchanged"] for c in counts) == [0, 200]
    assert Article.objects.count() == 200
    assert IngestedItem.objects.count() == 200
