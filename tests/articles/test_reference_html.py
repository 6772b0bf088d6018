"""Reader pages render exactly the stored reference HTML (issue 17: speed without change).

Fixed data (explicit keys, slugs and dates; the clock held still) is rendered
through the full stack, and each page is compared byte for byte with its file
in ``reference_html/``, so any optimisation of a hot path must keep the HTML
the same. Nothing needs normalising: these pages carry no CSRF token or nonce
(the test fails if one appears). After a deliberate change of HTML, rewrite
the references and commit them on their own, saying why:

    FINEWS_WRITE_REFERENCES=1 .venv/bin/python -m pytest tests/articles/test_reference_html.py
"""

import difflib
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from taggit.models import Tag

from articles.models import Article, Category
from articles.story import Story

REFERENCES = Path(__file__).parent / "reference_html"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# Far above any key a sequence hands out in the test run: pks stay fixed.
BASE = 7_000_000

PAGES = {
    "article": "/news/ref-0012/",
    "article-first": "/news/ref-0000/",
    "article-story": "/news/ref-0030/",
    "article-flash": "/news/ref-flash-2/",
    "category-p1": "/category/refbig/",
    "category-p2": "/category/refbig/?page=2",
    "tag": "/tag/%E5%8F%82%E8%80%83%E9%93%B6%E8%A1%8C/",
    "home": "/",
    # 快讯: in the three flash items only, alike: both databases rank them newest first.
    "search": "/search/?q=%E5%BF%AB%E8%AE%AF",
}


def build_archive():
    """Two categories, three tags, a story, flash items, and the hidden kinds."""
    big = Category.objects.create(pk=BASE + 1, name="参考大报", slug="refbig")
    small = Category.objects.create(pk=BASE + 2, name="参考小报", slug="refsmall")
    bank = Tag.objects.create(pk=BASE + 1, name="参考银行", slug="参考银行")
    fund = Tag.objects.create(pk=BASE + 2, name="参考基金", slug="参考基金")
    rare = Tag.objects.create(pk=BASE + 3, name="参考&<稀有>", slug="参考稀有")
    story = Story.objects.create(pk=BASE + 1)
    published = Article.Status.PUBLISHED
    for n in range(32):
        article = Article.objects.create(
            pk=BASE + 100 + n,
            slug=f"ref-{n:04}",
            title=f"参考文章{n:02}：央行 & “流动性” <观察>",
            summary=f"参考摘要{n}" * (1 + n % 7),
            body=f'<p>参考正文{n}</p><p><img src="/media/ref{n}.png" alt="图{n}"></p>',
            category=big if n % 4 else small,
            source_name="参考来源" if n % 3 else "",
            source_url=f"https://example.com/ref/{n}" if n % 5 == 0 else "",
            status=published,
            published_at=NOW - timedelta(hours=2 * n, minutes=n % 3),
            story=story if n in (30, 31) else None,
        )
        tags = [bank] + ([fund] if n % 2 else []) + ([rare] if n % 5 == 0 else [])
        article.tags.add(*tags)
    for n in range(3):
        Article.objects.create(
            pk=BASE + 200 + n,
            slug=f"ref-flash-{n}",
            title=f"参考快讯{n}：沪指收涨",
            body=f"<p>参考快讯正文{n}</p>",
            category=small,
            kind=Article.Kind.FLASH,
            important=n == 1,
            status=published,
            published_at=NOW - timedelta(minutes=30 + 7 * n),
        )
    hidden = [
        ("ref-hidden-draft", Article.Status.DRAFT, NOW - timedelta(hours=3)),
        ("ref-hidden-future", published, NOW + timedelta(hours=1)),
        ("ref-hidden-withdrawn", Article.Status.WITHDRAWN, NOW - timedelta(hours=5)),
    ]
    for n, (slug, status, when) in enumerate(hidden):
        article = Article.objects.create(
            pk=BASE + 300 + n,
            slug=slug,
            title=f"参考隐藏{slug}",
            category=big,
            status=status,
            published_at=when,
            story=story,
        )
        article.tags.add(bank, fund)


@pytest.fixture
def archive(db):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        build_archive()


@pytest.mark.django_db
class TestReferenceRendering:
    @pytest.mark.parametrize("name", sorted(PAGES))
    def test_page_matches_reference(self, archive, client, name):
        """The page's HTML is byte for byte the reference rendering."""
        with time_machine.travel(NOW, tick=False):
            response = client.get(PAGES[name])
        assert response.status_code == 200
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html and "nonce=" not in html
        assert "参考隐藏" not in html
        path = REFERENCES / f"{name}.html"
        if os.environ.get("FINEWS_WRITE_REFERENCES"):
            REFERENCES.mkdir(exist_ok=True)
            path.write_text(html, encoding="utf-8")
        expected = path.read_text(encoding="utf-8")
        if html != expected:
            diff = difflib.unified_diff(
                expected.splitlines(), html.splitlines(), "reference", "now", lineterm=""
            )
            pytest.fail(f"{name} differs from its reference:\n" + "\n".join(list(diff)[:80]))
