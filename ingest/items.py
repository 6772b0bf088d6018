"""An incoming item: its fields checked against the model's limits, normalised, identified.

``read_item(data, now)`` turns one mapping (a pushed JSON object, a parsed
archive post, a polled entry) into an ``Item``, or raises ``Invalid`` with
errors by field, in Chinese. The rules are the model's: nothing that passes
here can fail to be written.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils import timezone

from articles.models import Article, Category
from articles.tagging import normalize_tag, tag_key
from articles.validation import check_published_at

MAX_TAGS = 50

#: The fields an item may carry; others are ignored (crawlers may send more).
FIELDS = (
    "title",
    "summary",
    "body_html",
    "url",
    "external_id",
    "source",
    "category",
    "tags",
    "published_at",
    "kind",
    "important",
)
#: Fields only a trusted door (the archive importer) may set; the push API ignores them.
TRUSTED_FIELDS = ("slug", "source_name", "category_hint")


def _limit(model, name):
    return model._meta.get_field(name).max_length


TITLE_MAX = _limit(Article, "title")
SOURCE_MAX = _limit(Article, "source_name")
SLUG_MAX = _limit(Article, "slug")
URL_MAX = _limit(Article, "source_url")
CATEGORY_MAX = _limit(Category, "slug")
EXTERNAL_ID_MAX = 200
TAG_MAX = 100

# Query parameters that track a click, not name a page.
TRACKING_PARAMS = re.compile(
    r"^(utm_.*|spm|from|fromsource|share_token|share_source|scene|clicktime|ref|ref_src|"
    r"fbclid|gclid|yclid|mc_cid|mc_eid|_hsenc|_hsmi|wt\.mc_id)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}
FLASH_TITLE = re.compile(r"^\s*【([^】]{1,300})】")
SENTENCE_END = re.compile(r"[。！？!?；;]")


class Invalid(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class CategoryHint:
    """How a trusted door names an item's category, when its source does not.

    The archive's old category slug (``alias``, kept in ``CategoryAlias`` so old
    URLs keep working), the ``name`` and ``slug`` it should get, and when that
    slug is taken by another publication: ``numbered`` (the slug itself is a
    numbered variant: any holder is another publication), the ``base`` and the
    first number ``start`` to try (``base-start``, ``base-start+1`` ...).
    """

    alias: str
    name: str
    slug: str
    base: str
    start: int = 2
    numbered: bool = False


@dataclass
class Item:
    title: str
    summary: str
    body: str
    url: str
    external_id: str
    source: str
    category: str
    tags: list = field(default_factory=list)
    published_at: datetime | None = None
    kind: str = Article.Kind.ARTICLE
    important: bool = False
    url_key: str = ""
    # False when the item gave no time: stamped on arrival; an update keeps the stored time.
    dated: bool = True
    # Trusted doors only: the new article's slug (the archive's upstream id, so old
    # URLs keep working; also an identity) and the source shown when it differs from
    # the identity's source (``None``: the source).
    slug: str = ""
    source_name: str | None = None
    category_hint: CategoryHint | None = None

    @property
    def shown_source(self):
        return self.source if self.source_name is None else self.source_name

    @property
    def identities(self):
        """The keys that name this item's story, strongest first."""
        keys = []
        if self.slug:
            keys.append(("slug", self.slug))
        if self.external_id:
            keys.append(("id", self.source, self.external_id))
        if self.url_key:
            keys.append(("url", self.url_key))
        return keys

    @property
    def order(self):
        """Sort key deciding which of several copies is the article: earliest first, then fixed."""
        return (self.published_at, self.source, self.external_id, self.url_key, self.title)

    def content_hash(self):
        data = [
            self.title,
            self.summary,
            self.body,
            self.url,
            self.source,
            self.category,
            sorted(self.tags),
            self.published_at.isoformat() if self.dated else None,
            self.kind,
            self.important,
        ]
        hint = self.category_hint
        if self.slug or self.source_name is not None or hint:  # a trusted door's fields
            data += [self.slug, self.source_name, hint and [hint.alias, hint.name]]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def normalise_url(url):
    """The identity of an original URL: scheme, ``www.``, default port, trailing slash
    and tracking parameters do not count. "" for anything that is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    if port and port != DEFAULT_PORTS[parts.scheme.lower()]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMS.match(k)
        )
    )
    return urlunsplit(("", host, path, query, ""))[2:][:URL_MAX]


def flash_title(summary):
    """A flash item's title: the text inside 【…】 at its start, else its first sentence."""
    match = FLASH_TITLE.match(summary)
    if match:
        return match.group(1).strip()
    text = " ".join(summary.split())
    first = SENTENCE_END.split(text, maxsplit=1)[0].strip()
    return (first or text)[:TITLE_MAX]


def _text(data, name, errors, *, required=False, max_length=None, allow_int=False):
    value = data.get(name)
    if value is None or value == "":
        if required:
            errors.setdefault(name, []).append("必填。")
        return ""
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.setdefault(name, []).append("应为字符串。")
        return ""
    if "\x00" in value:
        errors.setdefault(name, []).append("含有 NUL 字符。")
        return ""
    value = value.strip()
    if max_length and len(value) > max_length:
        errors.setdefault(name, []).append(
            f"不能超过 {max_length} 个字符（现有 {len(value)} 个）。"
        )
        return ""
    if required and not value:
        errors.setdefault(name, []).append("必填。")
    return value


def _single_line(value):
    return " ".join(unicodedata.normalize("NFC", value).split())


def _published_at(data, now, errors):
    value = data.get("published_at")
    if value is None or value == "":
        return now
    if not isinstance(value, str):
        errors["published_at"] = ["应为 ISO 8601 时间字符串，如 2021-12-08T10:46:18+08:00。"]
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        errors["published_at"] = ["不是 ISO 8601 时间，如 2021-12-08T10:46:18+08:00。"]
        return None
    if timezone.is_naive(moment):
        # No offset: Beijing time, as the sources write it.
        moment = moment.replace(tzinfo=timezone.get_fixed_timezone(8 * 60))
    # The same rule as the archive import's (before 1990, over a day ahead, out of range).
    problem = check_published_at(moment, now=now)
    if problem:
        errors["published_at"] = [problem]
        return None
    return moment


def _tags(data, errors):
    value = data.get("tags")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        errors["tags"] = ["应为字符串列表。"]
        return []
    if len(value) > MAX_TAGS:
        errors["tags"] = [f"最多 {MAX_TAGS} 个标签（现有 {len(value)} 个）。"]
        return []
    names, seen = [], set()
    for raw in value:
        if "\x00" in raw:
            errors["tags"] = ["含有 NUL 字符。"]
            return []
        name = normalize_tag(raw)
        if len(name) > TAG_MAX:
            errors["tags"] = [f"标签不能超过 {TAG_MAX} 个字符：{name[:20]}…"]
            return []
        if name and tag_key(name) not in seen:
            seen.add(tag_key(name))
            names.append(name)
    return names


def read_item(data, now, *, trusted=False):
    """An ``Item`` from one incoming mapping, or ``Invalid`` with errors by field.

    ``trusted`` (the archive importer, never the push API) also reads TRUSTED_FIELDS.
    """
    if not isinstance(data, dict):
        raise Invalid({"item": ["应为 JSON 对象。"]})
    errors = {}
    kind = data.get("kind") or Article.Kind.ARTICLE
    if kind not in Article.Kind.values:
        errors["kind"] = ["应为 article 或 flash。"]
    important = data.get("important", False)
    if important is None:
        important = False
    if not isinstance(important, bool):
        errors["important"] = ["应为 true 或 false。"]
    summary = _text(data, "summary", errors)
    title = _single_line(_text(data, "title", errors, max_length=TITLE_MAX))
    if not title and "title" not in errors:
        if kind == Article.Kind.FLASH and summary:
            title = flash_title(summary)
        else:
            errors["title"] = ["必填（快讯可只给 summary）。"]
    body = _text(data, "body_html", errors)
    source = _single_line(_text(data, "source", errors, required=True, max_length=SOURCE_MAX))
    category = _text(data, "category", errors, max_length=CATEGORY_MAX).lower()
    external_id = _text(data, "external_id", errors, max_length=EXTERNAL_ID_MAX, allow_int=True)
    url = _text(data, "url", errors, max_length=URL_MAX)
    url_key = ""
    if url:
        url_key = normalise_url(url)
        if not url_key:
            errors["url"] = ["应为 http 或 https 网址。"]
    tags = _tags(data, errors)
    published_at = _published_at(data, now, errors)
    slug, source_name, hint = "", None, None
    if trusted:
        slug = _text(data, "slug", errors, max_length=SLUG_MAX).lower()
        if "source_name" in data:
            source_name = _single_line(_text(data, "source_name", errors, max_length=SOURCE_MAX))
        hint = data.get("category_hint")
    if errors:
        raise Invalid(errors)
    return Item(
        title=title,
        summary=summary,
        body=body,
        url=url,
        external_id=external_id,
        source=source,
        category=category,
        tags=tags,
        published_at=published_at,
        kind=kind,
        important=important,
        url_key=url_key,
        dated=data.get("published_at") not in (None, ""),
        slug=slug,
        source_name=source_name,
        category_hint=hint,
    )
