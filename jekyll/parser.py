"""Read one post of the old Jekyll archive: ``parse_post(file_name, text) -> PostRecord``.

A pure function of its two arguments (no database, no file system), so every
odd variant found in the archive is unit-tested on its own. The HTML it returns
is not sanitized: ``Article`` does that on every write path.
"""

import html
import re
from dataclasses import dataclass
from datetime import datetime

import markdown

from articles.textindex import plain_text
from jekyll.errors import ParseError
from jekyll.filenames import BEIJING, article_slug, split_file_name
from jekyll.frontmatter import as_strings, load_front_matter, parse_date, split_front_matter

# Lengths of the Article / Tag fields the record is stored in.
TITLE_MAX = 300
TAG_MAX = 100
URL_MAX = 500
SUMMARY_MAX = 500
DERIVED_TITLE_MAX = 60
# Tags kept per post; the rest are dropped (and the importer says so).
TAGS_MAX = 50

# Names other modules (views, tests) import from here.
__all__ = [
    "BEIJING",
    "ParseError",
    "PostRecord",
    "article_slug",
    "markdown_to_html",
    "parse_date",
    "parse_post",
    "plain_text",
    "split_file_name",
]


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
    tags: tuple[str, ...]  # at most TAGS_MAX
    tags_dropped: int  # tags beyond TAGS_MAX, not kept
    summary: str  # plain text
    body: str  # HTML, not yet sanitized
    source_url: str
    source_name: str

    @property
    def slug(self):
        return article_slug(self.upstream_id)


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
    front_matter, body_source = split_front_matter(text)
    data = load_front_matter(front_matter)

    published_at = parse_date(data.get("date"))
    date_from_file_name = published_at is None
    if published_at is None:
        published_at = file_date
    if published_at is None:
        raise ParseError("no readable date in the front matter or the file name")

    categories = as_strings(data.get("categories", data.get("category")))
    if not categories:
        raise ParseError("no category in the front matter")
    tags = tuple(dict.fromkeys(t[:TAG_MAX] for t in as_strings(data.get("tags", data.get("tag")))))

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
        tags=tags[:TAGS_MAX],
        tags_dropped=max(0, len(tags) - TAGS_MAX),
        summary=summary,
        body=body,
        source_url=source_url,
        source_name=source_name[:100],
    )
