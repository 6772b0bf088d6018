import json

import pytest

from sources.models import Source
from tests.sources.server import FixtureServer


@pytest.fixture(scope="session")
def _server():
    server = FixtureServer()
    yield server
    server.close()


@pytest.fixture
def server(_server, settings):
    """The local fixture server (routes cleared for each test); private addresses allowed."""
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture
def make_source(db):
    def make(url, **fields):
        fields.setdefault("name", f"来源{Source.objects.count() + 1}")
        fields.setdefault("format", Source.Format.RSS)
        return Source.objects.create(url=url, **fields)

    return make


def rss(items, *, encoding="utf-8", title="测试频道"):
    """An RSS 2.0 document in ``encoding``; items are dicts of title, link, guid, pubDate, description."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>http://example.com/</link><description>d</description>",
    ]
    for item in items:
        parts.append("<item>")
        for name in ("title", "link", "guid", "pubDate", "description"):
            if name in item:
                parts.append(f"<{name}>{item[name]}</{name}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding)


def atom(entries):
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom 频道</title>',
        "<id>urn:finews:test</id><updated>2026-11-27T08:00:00Z</updated>",
    ]
    for entry in entries:
        parts.append(
            f"<entry><title>{entry['title']}</title><id>{entry['id']}</id>"
            f'<link href="{entry["link"]}"/><updated>{entry["updated"]}</updated>'
            f'<content type="html">{entry.get("content", "")}</content></entry>'
        )
    parts.append("</feed>")
    return "\n".join(parts).encode()


def as_json(data):
    return json.dumps(data, ensure_ascii=False).encode()
