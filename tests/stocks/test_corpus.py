"""Extraction precision and recall on the real archive sample (tests/stocks/corpus_labels.py)."""

import html
import re
from collections import Counter

import pytest
from django.core.management import call_command

from articles.models import Article
from stocks.extract import code_mentions
from stocks.models import ArticleSecurity, Security
from tests.factories import make_article, make_category
from tests.stocks import corpus_labels as labels

pytestmark = pytest.mark.django_db

MIN_PRECISION = 0.95
MIN_RECALL = 0.9
_TITLE = re.compile(r'^title:\s*"?(.*?)"?\s*$', re.MULTILINE)


def read_post(path):
    """(post id, title, body text) of a Jekyll post: front matter title, markdown body."""
    raw = path.read_text(encoding="utf-8")
    _, front, body = raw.split("---", 2)
    title = _TITLE.search(front)
    post_id = path.stem.rsplit("-", 1)[-1]
    return post_id, title[1] if title else "", body.strip()


@pytest.fixture
def posts(corpus_dir):
    return [read_post(path) for path in sorted((corpus_dir / "_posts").glob("*.md"))]


@pytest.fixture
def linked(posts):
    """Post id → article, after `manage.py link_securities` over the sample."""
    category = make_category(name="语料", slug="corpus")
    articles = {
        post_id: make_article(
            slug=f"corpus-{post_id}".lower(),
            title=title,
            summary="",
            body="".join(f"<p>{html.escape(line)}</p>" for line in body.splitlines() if line),
            category=category,
        )
        for post_id, title, body in posts
    }
    call_command("link_securities", stdout=None)
    return articles


def test_precision_and_recall_on_the_sample(posts, linked, capsys):
    """Code mentions and name-only links reach the precision and recall thresholds."""
    found = Counter()
    for post_id, title, body in posts:
        for mention in code_mentions(f"{title}\n{body}"):
            found[(post_id, mention.code)] += 1
    gold = Counter(labels.CODE_MENTIONS)
    code_tp = sum((found & gold).values())
    code_fp = sum((found - gold).values())
    code_fn = sum((gold - found).values())

    name_only = {
        (post_id, link.security.code)
        for post_id, article in linked.items()
        for link in ArticleSecurity.objects.filter(article=article, with_code=False).select_related(
            "security"
        )
    }
    name_gold = set(labels.NAME_ONLY)
    name_tp = len(name_only & name_gold)
    name_fp = len(name_only - name_gold)
    name_fn = len(name_gold - name_only)

    tp, fp, fn = code_tp + name_tp, code_fp + name_fp, code_fn + name_fn
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    with capsys.disabled():
        print(
            f"\nstock extraction on the sample: code mentions tp={code_tp} fp={code_fp} "
            f"fn={code_fn}; name-only tp={name_tp} fp={name_fp} fn={name_fn}; "
            f"precision={precision:.3f} recall={recall:.3f}"
        )
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
    assert not set(labels.NOT_LINKED) & name_only


def test_learned_names(linked):
    """Each code is shown under its name, the leading noise of single sightings gone."""
    shown = dict(Security.objects.values_list("code", "name"))
    assert shown == labels.NAMES


def test_brackets_that_are_not_securities(posts):
    """No mention ends at a labelled negative bracket (GDP, HUD, FF, 829万头, 12-08 …)."""
    texts = {post_id: f"{title}\n{body}" for post_id, title, body in posts}
    for post_id, bracket in labels.NEGATIVES:
        text = texts[post_id]
        end = text.index(bracket) + len(bracket)
        assert all(m.end != end for m in code_mentions(text)), bracket


def test_article_lists_follow_the_links(linked):
    """Each linked article stores the list its page shows, in order of first mention."""
    article = Article.objects.get(pk=linked["202112082206811771"].pk)
    assert article.mentioned_securities() == [
        {"code": "600206", "market": "SH", "name": "有研新材", "text": "有研新材"}
    ]
