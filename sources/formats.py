"""A fetched document to items for the pipeline: RSS/Atom through feedparser, JSON by a mapping.

The functions here only read: ``entries(source, body, headers)`` returns
``Entry`` objects holding the mapping ``ingest.pipeline.ingest`` takes (its
fields are described in docs/INGEST.md), plus what polling needs (a body URL
to fetch, the item's time). A document that cannot be read raises
``FormatError`` with a Chinese message.
"""

import calendar
import hashlib
import html as html_module
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from django.utils import timezone

RSS, ATOM, JSON = "rss", "atom", "json"

# Mappings for JSON APIs that have no feed, stored on the source as data
# (``Source.mapping``); these match the old crawler's eastmoney endpoints.
# "list": where the items are (dotted path); "fields": item field -> the JSON
# key holding it; "source": a fixed publication name when no field gives one;
# "body_url": a URL template with {id} for an item's body; "body_path": where
# the body is in that URL's JSON answer (empty: the answer is the HTML).
PRESETS = {
    "eastmoney-7x24": {
        "list": "records",
        "fields": {
            "title": "title",
            "summary": "digest",
            "external_id": "infoCode",
            "url": "url_w",
            "published_at": "showtime",
        },
        "source": "东财滚动新闻",
        "kind": "flash",
    },
    "eastmoney-media": {
        "list": "nodeList",
        "fields": {
            "title": "title",
            "source": "from",
            "external_id": "infocode",
            "published_at": "showtime",
        },
    },
    "eastmoney-market": {
        "list": "record",
        "fields": {
            "title": "title",
            "source": "medianame",
            "external_id": "infoCode",
            "published_at": "datetime",
        },
    },
}
MAPPED_FIELDS = ("title", "summary", "body_html", "url", "external_id", "source", "published_at")

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9_.-]+)[\"']", re.I)
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_.-]+)", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "csgb2312", "gb_2312-80"}


class FormatError(Exception):
    pass


@dataclass
class Entry:
    item: dict
    body_url: str = ""

    @property
    def published_at(self):
        value = self.item.get("published_at")
        try:
            moment = datetime.fromisoformat(value) if value else None
        except ValueError:
            return None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.get_fixed_timezone(8 * 60))
        return moment


def entries(source, body, headers):
    if source.format == JSON:
        return json_entries(source, body)
    return feed_entries(source, body, headers)


# --- RSS and Atom ------------------------------------------------------------------------


def to_utf8(body, content_type=""):
    """GB2312/GBK/GB18030 documents re-encoded as UTF-8 (declared so).

    Chinese feeds often declare gb2312 and use GBK or GB18030 characters; GB18030
    is a superset of both, so decoding with it reads them all.
    """
    declared = _XML_DECLARATION.match(body)
    charset = _CHARSET.search(content_type or "")
    names = set()
    if declared:
        names.add(declared.group(1).decode("ascii").lower())
    if charset:
        names.add(charset.group(1).lower())
    if not names & _GB:
        return body, content_type
    if declared:
        start, end = declared.span(1)
        text = body[:start].decode("ascii") + "utf-8" + body[end:].decode("gb18030", "replace")
    else:
        text = body.decode("gb18030", errors="replace")
    content_type = _CHARSET.sub("charset=utf-8", content_type or "")
    return text.encode("utf-8"), content_type


def _http(url):
    """``url`` if it is an http(s) link (a guid that is no URL is taken as a link otherwise)."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def _entry_time(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return ""
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()


def feed_entries(source, body, headers):
    body, content_type = to_utf8(body, headers.get("content-type", ""))
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    # A broken feed that feedparser's lenient parser could read is read; one that
    # yields nothing usable is an error that names the parser's complaint.
    usable = [e for e in parsed.entries if e.get("title") or e.get("summary") or e.get("link")]
    if not usable:
        if parsed.get("bozo"):
            raise FormatError(f"无法解析的 XML：{parsed.get('bozo_exception')}")
        if not parsed.get("version"):
            raise FormatError("不是 RSS 或 Atom 文档。")
    result = []
    for entry in usable:
        body_html = ""
        if entry.get("content"):
            body_html = entry.content[0].get("value", "")
        summary = entry.get("summary", "")
        if body_html == summary:
            summary = ""
        item = {
            "title": entry.get("title", ""),
            "summary": _plain(summary),
            "body_html": body_html or summary,
            "url": _http(entry.get("link", "")),
            "external_id": entry.get("id", "")[:200],
            "published_at": _entry_time(entry),
        }
        result.append(Entry(_finish(source, item)))
    return result


# --- JSON ----------------------------------------------------------------------------------


def lookup(data, path):
    """``data`` at a dotted ``path`` (``a.b.0.c``); None when absent."""
    for part in path.split(".") if path else []:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _decode_json(body):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return json.loads(body.decode(encoding))
        except UnicodeDecodeError:
            continue
        except ValueError as error:
            raise FormatError(f"无效的 JSON：{error}") from error
    raise FormatError("无效的 JSON：无法识别的编码。")


def _jsonp(body):
    """The JSON inside a ``callback(...)`` wrapper, as some eastmoney endpoints answer."""
    text = body.strip()
    match = re.match(rb"^[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?$", text, re.S)
    return match.group(1) if match else body


def json_entries(source, body):
    mapping = source.mapping or {}
    data = _decode_json(_jsonp(body))
    items = lookup(data, mapping.get("list", ""))
    if not isinstance(items, list):
        raise FormatError(f"JSON 中没有列表：{mapping.get('list') or '（顶层）'}")
    fields = mapping.get("fields", {})
    result = []
    for raw in items:
        if not isinstance(raw, dict):
            continue
        item = {}
        for name in MAPPED_FIELDS:
            key = fields.get(name)
            value = lookup(raw, key) if key else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str):
                item[name] = value.strip()
        if mapping.get("source") and not item.get("source"):
            item["source"] = mapping["source"]
        item["summary"] = _plain(item.get("summary", ""))
        body_url = ""
        if mapping.get("body_url") and item.get("external_id"):
            body_url = mapping["body_url"].replace("{id}", item["external_id"])
        result.append(Entry(_finish(source, item), body_url))
    return result


def body_from(source, response_body):
    """An item's body HTML from its body URL's answer."""
    path = (source.mapping or {}).get("body_path", "")
    if not path:
        return response_body.decode("utf-8", errors="replace")
    value = lookup(_decode_json(_jsonp(response_body)), path)
    return value if isinstance(value, str) else ""


# --- both ----------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _plain(html):
    return " ".join(html_module.unescape(_TAG.sub(" ", html or "")).split())


def _finish(source, item):
    item = {k: v for k, v in item.items() if v not in (None, "")}
    item.setdefault("source", source.publication or source.name)
    item["kind"] = source.kind
    if source.category_id:
        item["category"] = source.category.slug
    tags = source.tag_list()
    if tags:
        item["tags"] = tags
    if "published_at" in item:
        item["published_at"] = _iso(item["published_at"])
    if not item.get("external_id") and not item.get("url"):
        # Nothing names the item: its text does, so a re-poll finds the same item.
        text = f"{item.get('title', '')}\n{item.get('summary', '')}\n{item.get('body_html', '')}"
        item["external_id"] = (
            "sha1:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
        )
    return item


def _iso(value):
    """Source times as ISO 8601: ``2021-12-08 10:46:18`` stays offset-less (Beijing time)."""
    value = value.strip()
    if value.isdigit() and len(value) in (10, 13):  # epoch seconds or milliseconds
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    value = value.replace("/", "-")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return ""  # unreadable: the pipeline stamps the arrival time
    return value
