"""One publish gate: every public path shows exactly the rows of Article.objects.published().

A fixed set of articles in every state (two published, a draft, a scheduled
one, a withdrawn one), all in one category, sharing one tag and one search
word; each public path must list the same articles: the published two.
"""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, TaggedArticle
from stocks.linking import link_articles
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

SHARED_TAG = "闸门标签"
# Each article's own tag: the tag sitemap may list only the published ones'.
OWN_TAG = "闸门专属{}"
NEWS_URL = re.compile(r"/news/(gate-[a-z0-9-]+)/")
GATE_SECURITY = "闸门科技(600999)"
TAG_URL = re.compile(r"/tag/(闸门专属[a-z0-9]+)/")


@pytest.fixture
def gate_articles():
    """Slug → article for one article of each state, plus a second published one."""
    now = timezone.now()
    category = make_category(name="闸门来源", slug="gate-source")
    states = {
        "published1": {"published_at": now - timedelta(hours=1)},
        "published2": {"published_at": now - timedelta(hours=2)},
        "draft": {"status": Article.Status.DRAFT, "published_at": now - timedelta(hours=3)},
        "scheduled": {"published_at": now + timedelta(days=1)},
        "withdrawn": {"status": Article.Status.WITHDRAWN, "published_at": now - timedelta(hours=4)},
    }
    articles = {}
    for name, fields in states.items():
        article = make_article(
            slug=f"gate-{name}",
            title=f"闸门文章{name}",
            body=f"<p>闸门测试：央行宣布降准，{GATE_SECURITY}</p>",
            category=category,
            tags=[SHARED_TAG, OWN_TAG.format(name)],
            **fields,
        )
        articles[article.slug] = article
    # Linked to one security as ingestion links them (its page and feeds are public paths).
    link_articles(list(articles.values()))
    return articles


def _archive_url(article):
    day = timezone.localtime(article.published_at).date()
    return reverse("articles:archive_day", args=[day.year, day.month, day.day])


PATHS = {
    "home": lambda a: reverse("articles:home"),
    "category": lambda a: reverse("articles:category", args=["gate-source"]),
    "tag": lambda a: reverse("articles:tag", args=[SHARED_TAG]),
    "search": lambda a: reverse("articles:search") + "?q=降准",
    "feed_rss": lambda a: reverse("articles:feed_rss"),
    "feed_atom": lambda a: reverse("articles:feed_atom"),
    "category_feed": lambda a: reverse("articles:category_feed_rss", args=["gate-source"]),
    "tag_feed": lambda a: reverse("articles:tag_feed_atom", args=[SHARED_TAG]),
    "sitemap_articles": lambda a: reverse("articles:sitemap_section", args=["articles"]),
    "sitemap_news": lambda a: reverse("articles:sitemap_news"),
    "latest_json": lambda a: reverse("articles:latest_json") + "?since=2000-01-01T00:00:00%2B08:00",
    "archive_day": lambda a: _archive_url(a["gate-published1"]),
    "stock": lambda a: reverse("stocks:detail", args=["600999"]),
    "stock_feed_rss": lambda a: reverse("stocks:feed_rss", args=["600999"]),
    "stock_feed_atom": lambda a: reverse("stocks:feed_atom", args=["600999"]),
}


def _published_slugs(articles, path):
    """The slugs Article.objects.published() gives for what ``path`` covers."""
    rows = Article.objects.published().filter(pk__in=[a.pk for a in articles.values()])
    if path == "archive_day":
        day = timezone.localtime(articles["gate-published1"].published_at).date()
        rows = [a for a in rows if timezone.localtime(a.published_at).date() == day]
    return {a.slug for a in rows}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_path_lists_the_rows_of_the_gate(client, gate_articles, path):
    """Lists, feeds, sitemaps, search, tag pages and archives show exactly the published rows."""
    response = client.get(PATHS[path](gate_articles))
    assert response.status_code == 200
    shown = set(NEWS_URL.findall(response.content.decode()))
    expected = _published_slugs(gate_articles, path)
    assert "gate-published1" in expected
    assert shown == expected


def test_the_pieces_of_the_rule_partition_the_articles(gate_articles):
    """published(), scheduled() and withdrawn() pick disjoint rows; drafts are in none."""

    def slugs(queryset):
        return set(queryset.filter(slug__startswith="gate-").values_list("slug", flat=True))

    assert slugs(Article.objects.published()) == {"gate-published1", "gate-published2"}
    assert slugs(Article.objects.scheduled()) == {"gate-scheduled"}
    assert slugs(Article.objects.withdrawn()) == {"gate-withdrawn"}
    assert Article.objects.next_due() == gate_articles["gate-scheduled"].published_at


def test_tag_links_follow_the_same_gate(gate_articles):
    """The tag links' own copy of status and date admits the same articles."""
    links = TaggedArticle.objects.filter(tag__name=SHARED_TAG).published()
    assert {link.content_object.slug for link in links} == {"gate-published1", "gate-published2"}


def test_counts_and_tag_sitemap_follow_the_gate(client, gate_articles):
    """The category index counts and the tag sitemap know only the published articles."""
    index = client.get(reverse("articles:category_index")).content.decode()
    assert re.search(r'gate-source/">闸门来源</a> <span class="count">2</span>', index)
    tags = client.get(reverse("articles:sitemap_section", args=["tags"])).content.decode()
    assert set(TAG_URL.findall(unquote(tags))) == {"闸门专属published1", "闸门专属published2"}


def test_related_articles_follow_the_gate(client, gate_articles):
    """An article page relates only published articles, though all five share its tags."""
    response = client.get(gate_articles["gate-published1"].get_absolute_url())
    assert [a.slug for a in response.context["related_articles"]] == ["gate-published2"]


@pytest.mark.parametrize(
    ("slug", "status"),
    [
        ("gate-published1", 200),
        ("gate-draft", 404),
        ("gate-scheduled", 404),
        ("gate-withdrawn", 410),
    ],
)
def test_article_pages_follow_the_gate(client, gate_articles, slug, status):
    """Only a published article has a page; a withdrawn one is gone (410), the others unknown."""
    assert client.get(gate_articles[slug].get_absolute_url()).status_code == status
