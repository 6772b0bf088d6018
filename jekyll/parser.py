"""Read one post of the old Jekyll archive: ``parse_post(file_name, text) -> PostRecord``.

A pure function of its two arguments (no database, no file system), so every
odd variant found in the archive is unit-tested on its own. The HTML it returns
is not sanitized: ``Article`` does that on every write path.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import markdown
import yaml

from articles.textindex import plain_text

BEIJING = ZoneInfo("Asia/Shanghai")

# Lengths of the Article / Tag fields the record is stored in.
TITLE_MAX = 300
TAG_MAX = 100
URL_MAX = 500
SLUG_MAX = 64
SUMMARY_MAX = 500
DERIVED_TITLE_MAX = 60


class ParseError(ValueError):
    """A post that cannot be imported; ``str(error)`` is the reason, for people."""


@dataclass(frozen=True)
class PostRecord:
    file_name: str
    upstream_id: str  # from the file name: NW202205192385065243
    file_slug: str  # the permalink's :title, the file name without date and extension
    title: str
    title_derived: bool  # the front matter's title was empty; taken from the summary
    published_at: datetime  # aware
    date_from_file_name: bool  # the front matter's date could not be read
    category: str  # exactly as in the front matter (old slug, for redirects)
    tags: tuple[str, ...]
    summary: str  # plain text
    body: str  # HTML, not yet sanitized
    source_url: str
    source_name: str

    @property
    def slug(self):
        return article_slug(self.upstream_id)


# --- file names ---------------------------------------------------------------

_FILE_NAME_RE = re.compile(
    r"^(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})-)?-*(?P<slug>.+?)\.(?:md|markdown|html?)$",
    re.IGNORECASE,
)
# Upstream ids start with their day: 202112082206672930, NW202205192385065243.
_ID_DATE_RE = re.compile(r"^[A-Za-z]{0,4}(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})\d{6,}$")
_SLUG_UNSAFE_RE = re.compile(r"[^a-z0-9_-]+")


def split_file_name(file_name):
    """``(file date or None, file slug)`` of a post file name, or ParseError."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    match = _FILE_NAME_RE.match(base)
    if not match or not match["slug"].strip("-"):
        raise ParseError("file name is not YYYY-MM-DD-<id>.md")
    slug = match["slug"]
    file_date = None
    if match["y"]:
        file_date = _make_date(match["y"], match["m"], match["d"])
    if file_date is None:
        id_match = _ID_DATE_RE.match(slug)
        if id_match:
            file_date = _make_date(id_match["y"], id_match["m"], id_match["d"])
    return file_date, slug


def article_slug(upstream_id):
    """The article's URL key for an upstream id: lowercase ASCII, stable, at most 64 chars."""
    slug = _SLUG_UNSAFE_RE.sub("-", upstream_id.lower()).strip("-")
    if not slug or len(slug) > SLUG_MAX or slug != upstream_id.lower():
        digest = hashlib.sha1(upstream_id.encode(), usedforsecurity=False).hexdigest()[:12]
        slug = f"post-{digest}"
    return slug


def _make_date(y, m, d, hh=0, mm=0, ss=0, tz=BEIJING):
    try:
        return datetime(int(y), int(m), int(d), int(hh), int(mm), int(ss), tzinfo=tz)
    except ValueError:
        return None


# --- front matter ---------------------------------------------------------------


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that keeps dates as text: the archive's ``+0800`` offsets are not YAML's."""


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_date(value):
    """An aware datetime from a front-matter date, or None; no offset means Beijing time."""
    if value is None:
        return None
    match = _DATE_RE.match(str(value).strip())
    if not match:
        return None
    y, m, d, hh, mm, ss, offset = match.groups()
    tz = BEIJING
    if offset == "Z":
        tz = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes > 14 * 60:
            return None
        tz = timezone(sign * timedelta(minutes=minutes))
    return _make_date(y, m, d, hh or 0, mm or 0, ss or 0, tz)


def _split_front_matter(text):
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ParseError("no front matter (the file must start with a --- line)")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    raise ParseError("front matter is not closed by a --- line")


def _load_front_matter(source):
    try:
        data = yaml.load(source, Loader=_FrontMatterLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "unreadable"
        mark = getattr(error, "problem_mark", None)
        where = f" on front-matter line {mark.line + 1}" if mark else ""
        raise ParseError(f"front matter is not valid YAML: {problem}{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParseError("front matter is not a set of key: value lines")
    return data


def _as_strings(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    value = str(value).strip()
    return [value] if value else []


# --- body -------------------------------------------------------------------------

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Elements the upstream page hid (style="display:none" or the hidden attribute):
# the sanitizer would drop the attribute and show their text, so they go first,
# with everything nested inside them.
_HIDDEN_START_RE = re.compile(
    r"<(?P<tag>[a-z][a-z0-9]*)\b"
    r"(?=[^>]*?(?:style\s*=\s*[\"'][^\"'>]*display\s*:\s*none|\shidden(?=[\s=/>])))"
    r"[^>]*>",
    re.IGNORECASE,
)
_VOID_TAGS = frozenset({"img", "br", "hr", "input", "meta", "link", "source", "wbr", "embed"})


def _drop_hidden(text):
    pos = 0
    while match := _HIDDEN_START_RE.search(text, pos):
        tag = match["tag"].lower()
        end = match.end()
        if tag not in _VOID_TAGS and not match[0].endswith("/>"):
            depth = 1
            for token in re.finditer(rf"<(/?){tag}\b[^>]*>", text[end:], re.IGNORECASE):
                depth += -1 if token[1] else 1
                if depth == 0:
                    end += token.end()
                    break
            else:
                end = len(text)  # never closed: hidden to the end, as a browser would
        text = text[: match.start()] + text[end:]
        pos = match.start()
    return text


# The source link line: <http://...>, or <> when the crawler had none.
_SOURCE_LINE_RE = re.compile(r"^\s*<(?P<url>(?:https?://|//)[^<>\s]*|)>\s*$", re.IGNORECASE)
# Site chrome: [返回东财滚动新闻](../emnews/)｜[返回首页](//finews.withounder.com/) and variants.
_BACK_LINKS_RE = re.compile(r"^\s*(?:\[返回[^\]\n]*\]\([^)\n]*\)\s*[｜|│/·、,，]?\s*)+$")
_SOURCE_NAME = r"[（(]\s*文章来源\s*[：:]\s*(?P<name>[^）)<>\n]{1,60}?)\s*[）)]"
_SOURCE_NAME_P_RE = re.compile(r"<p\b[^>]*>\s*" + _SOURCE_NAME + r"\s*</p>", re.IGNORECASE)
_SOURCE_NAME_RE = re.compile(_SOURCE_NAME)
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|center|section|pre)\b[^>]*>",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_FIRST_P_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[。！？!?；;]")

_markdown = markdown.Markdown(output_format="html")


# Paragraphs with none of Markdown's syntax, the great majority of the archive, are
# converted without the Markdown parser (which costs more than the rest of parsing).
_MARKDOWN_CHARS_RE = re.compile(r"[\\`*_\[\]<>#!|~&]|^\s*(?:[-+=]|\d+[.)])|  $", re.MULTILINE)


def markdown_to_html(source):
    """Markdown (with raw HTML) to HTML; plain-text paragraphs take a fast path."""
    if not source:
        return ""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", source) if p.strip()]
    if any(_MARKDOWN_CHARS_RE.search(p) or p[0] in " \t" for p in paragraphs):
        return _markdown.reset().convert(source)
    return "\n".join(f"<p>{p.strip()}</p>" for p in paragraphs)


def _take_blockquote(lines):
    """Split a leading ``> `` blockquote off the body: (quote text, remaining lines)."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or not lines[start].lstrip().startswith(">"):
        return "", lines
    end = start
    quote = []
    while end < len(lines) and lines[end].strip():
        line = lines[end].lstrip()
        quote.append(line[1:].lstrip() if line.startswith(">") else line)
        end += 1
    return "\n".join(quote), lines[end:]


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _derive_title(summary):
    first = _SENTENCE_END_RE.split(summary, maxsplit=1)[0].strip()
    return _shorten(first or summary, DERIVED_TITLE_MAX)


def _process_body(source):
    """(summary, body HTML, source URL, source name) from the Markdown after the front matter."""
    source = _COMMENT_RE.sub("", source)
    source = _drop_hidden(source)

    source_url = ""
    kept = []
    for line in source.split("\n"):
        link = _SOURCE_LINE_RE.match(line)
        if link:
            url = link["url"]
            if url.startswith("//"):
                url = "http:" + url
            if not source_url and len(url) <= URL_MAX:
                source_url = url
            continue
        if _BACK_LINKS_RE.match(line):
            continue
        kept.append(line)

    quote, kept = _take_blockquote(kept)
    body_source = "\n".join(kept).strip()

    source_name = ""
    matches = list(_SOURCE_NAME_P_RE.finditer(body_source))
    pattern = _SOURCE_NAME_P_RE
    if not matches:
        matches = list(_SOURCE_NAME_RE.finditer(body_source))
        pattern = _SOURCE_NAME_RE
    if matches:
        source_name = matches[-1]["name"].strip()
        body_source = pattern.sub("", body_source).strip()

    body = markdown_to_html(body_source)

    if quote:
        summary = plain_text(_markdown.reset().convert(quote))
    else:
        summary = ""
        for paragraph in _FIRST_P_RE.finditer(body):
            summary = plain_text(paragraph[1])
            if summary:
                break
        if not summary:
            summary = plain_text(body)
    return _shorten(summary, SUMMARY_MAX), body, source_url, source_name


# --- the record ---------------------------------------------------------------------


def parse_post(file_name, text):
    """Parse one post file's text into a PostRecord, or raise ParseError saying why."""
    file_date, file_slug = split_file_name(file_name)

    # A BOM, CRLF or CR line ends, and blank lines before the front matter all occur.
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff \t\n")
    if not text.strip():
        raise ParseError("empty file")
    front_matter, body_source = _split_front_matter(text)
    data = _load_front_matter(front_matter)

    published_at = parse_date(data.get("date"))
    date_from_file_name = published_at is None
    if published_at is None:
        published_at = file_date
    if published_at is None:
        raise ParseError("no readable date in the front matter or the file name")

    categories = _as_strings(data.get("categories", data.get("category")))
    if not categories:
        raise ParseError("no category in the front matter")
    tags = tuple(dict.fromkeys(t[:TAG_MAX] for t in _as_strings(data.get("tags", data.get("tag")))))

    summary, body, source_url, source_name = _process_body(body_source)

    raw_title = data.get("title")
    title = _SPACE_RE.sub(" ", html.unescape(str(raw_title))).strip() if raw_title else ""
    title_derived = not title
    if title_derived:
        if not summary:
            raise ParseError("empty title and no text to derive one from")
        title = _derive_title(summary)

    return PostRecord(
        file_name=file_name,
        upstream_id=file_slug,
        file_slug=file_slug,
        title=_shorten(title, TITLE_MAX),
        title_derived=title_derived,
        published_at=published_at,
        date_from_file_name=date_from_file_name,
        category=categories[0],
        tags=tags,
        summary=summary,
        body=body,
        source_url=source_url,
        source_name=source_name[:100],
    )
