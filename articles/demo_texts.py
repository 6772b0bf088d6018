"""Texts and names for ``seed_demo --articles N`` (benchmark volume).

The archive sample's posts in ../shared/corpus when it is there, else the
project's own demo stories (articles/demo_data.py); the words made-up
publications, places and tags are built from; the long-tail weights.
"""

import itertools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from articles import demo_data, textindex
from articles.sanitize import sanitize_html
from jekyll.parser import ParseError, parse_post

CORPUS_POSTS = settings.BASE_DIR.parent / "shared" / "corpus" / "finews-jekyll" / "_posts"

MEDIA_WORDS = [
    "日报",
    "财经",
    "证券报",
    "时报",
    "商报",
    "晚报",
    "经济观察",
    "金融网",
    "快讯",
    "周刊",
]
PLACES = ["北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "南京", "重庆", "天津"]
TOPICS = ["银行", "基金", "债券", "汇率", "期货", "保险", "地产", "新能源", "芯片", "消费"]


@dataclass(frozen=True)
class Text:
    title: str
    summary: str
    body: str
    # The summary's and body's lines of Article.search_text, segmented once.
    search_lines: str = ""


def search_line(text):
    """One line of the stored search text, as articles/textindex.py document_text() writes it."""
    return " " + " ".join(textindex.segment(text)) + " "


def corpus_texts(posts_dir=None):
    """Title, summary and body of each post in the archive sample (empty if absent).

    Read by the importer's own parser, so summaries are what an import stores:
    plain text, without source-link lines or back links, entities decoded.
    """
    posts_dir = Path(posts_dir or CORPUS_POSTS)
    texts = []
    for path in sorted(posts_dir.glob("*.md")) if posts_dir.is_dir() else []:
        try:
            record = parse_post(path.name, path.read_text(encoding="utf-8", errors="replace"))
        except ParseError:
            continue
        if record.body.strip():
            texts.append(Text(record.title[:250], record.summary[:120], record.body))
    return texts


def sample_texts():
    """The texts to draw from, each body sanitized once here (the texts repeat)."""
    raw = corpus_texts() or [Text(*story) for story in demo_data.STORIES]
    texts = []
    for text in raw:
        body = sanitize_html(text.body)
        lines = search_line(text.summary) + "\n" + search_line(textindex.plain_text(body))
        texts.append(Text(text.title, text.summary, body, lines))
    return texts


def zipf_cumulative(n):
    """Cumulative weights 1/rank: a long tail where rank 1 holds over 10% (n <= 2000)."""
    return list(itertools.accumulate(1 / rank for rank in range(1, n + 1)))
