import json

import pytest

from ingest.models import IngestToken

ITEMS_URL = "/api/v1/items"


@pytest.fixture
def token(db):
    """A publishing token's secret."""
    _, secret = IngestToken.issue("测试爬虫")
    return secret


@pytest.fixture
def push(client, token):
    """POST items with the token; returns the response."""

    def push(items, *, secret=None, **extra):
        return client.post(
            ITEMS_URL,
            data=json.dumps({"items": items}, ensure_ascii=False),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret or token}",
            **extra,
        )

    return push


def flash(n, **overrides):
    """An eastmoney-style 7×24 item."""
    item = {
        "kind": "flash",
        "summary": f"【快讯标题{n}】快讯正文第{n}条。",
        "source": "东方财富",
        "external_id": f"2021120822066{n:05d}",
        "url": f"http://finance.eastmoney.com/a/2021120822066{n:05d}.html",
        "published_at": "2021-12-08T10:46:18+08:00",
        "tags": ["东财滚动新闻"],
    }
    item.update(overrides)
    return item
