"""The draft-leak matrix: what each kind of visitor sees on every public surface.

A draft and a future-dated ("scheduled") article must never appear on any public
surface, whoever asks, while the published article appears everywhere it
belongs. Staff preview is the one exception and is tested with the preview.
Add every new public surface to SURFACES.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

PUBLISHED_TITLE = "已上线的新闻PUBLISHEDqx7"
DRAFT_TITLE = "编辑中的草稿DRAFTzk3"
FUTURE_TITLE = "明天才发布的新闻FUTUREwm9"


@pytest.fixture
def matrix_articles():
    category = make_category(name="矩阵来源", slug="matrix")
    # The body word 降准 lets search find all three (if the gate failed).
    common = {"category": category, "tags": ["矩阵标签"], "body": "<p>矩阵央行宣布降准</p>"}
    published = make_article(title=PUBLISHED_TITLE, slug="matrix-published", **common)
    draft = make_article(
        title=DRAFT_TITLE, slug="matrix-draft", status=Article.Status.DRAFT, **common
    )
    future = make_article(
        title=FUTURE_TITLE,
        slug="matrix-future",
        published_at=timezone.now() + timedelta(days=1),
        **common,
    )
    return {"published": published, "draft": draft, "future": future}


def _user(username, *, is_staff=False, perms=()):
    user = User.objects.create_user(username, password="pw-matrix-1")
    user.is_staff = is_staff
    user.save()
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture(params=["anonymous", "reader", "staff_without_perm", "staff_with_perm"])
def visitor(request, client):
    if request.param != "anonymous":
        user = {
            "reader": lambda: _user("reader"),
            "staff_without_perm": lambda: _user("staffnoperm", is_staff=True),
            "staff_with_perm": lambda: _user(
                "staffperm", is_staff=True, perms=["change_article", "view_article"]
            ),
        }[request.param]()
        client.force_login(user)
    client.kind = request.param
    return client


def _archive(kind, article):
    day = timezone.localtime(article.published_at).date()
    args = {"year": [day.year], "month": [day.year, day.month]}.get(
        kind, [day.year, day.month, day.day]
    )
    return reverse(f"articles:archive_{kind}", args=args)


# (name, url builder) — every public surface that lists or shows articles.
LIST_SURFACES = {
    "home": lambda a: reverse("articles:home"),
    "category": lambda a: reverse("articles:category", args=["matrix"]),
    "tag": lambda a: reverse("articles:tag", args=["矩阵标签"]),
    # Search, feeds and the news sitemap (which shows titles).
    "search": lambda a: reverse("articles:search") + "?q=降准",
    "feed_rss": lambda a: reverse("articles:feed_rss"),
    "feed_atom": lambda a: reverse("articles:feed_atom"),
    "category_feed_rss": lambda a: reverse("articles:category_feed_rss", args=["matrix"]),
    "category_feed_atom": lambda a: reverse("articles:category_feed_atom", args=["matrix"]),
    "tag_feed_rss": lambda a: reverse("articles:tag_feed_rss", args=["矩阵标签"]),
    "tag_feed_atom": lambda a: reverse("articles:tag_feed_atom", args=["矩阵标签"]),
    "search_feed_rss": lambda a: reverse("articles:search_feed_rss") + "?q=降准",
    "search_feed_atom": lambda a: reverse("articles:search_feed_atom") + "?q=降准",
    "sitemap_news": lambda a: reverse("articles:sitemap_news"),
    "archive_year": lambda a: _archive("year", a["published"]),
    "archive_month": lambda a: _archive("month", a["published"]),
    "archive_day": lambda a: _archive("day", a["published"]),
    # The live-update endpoint, as a listing page polls it (JSON with titles).
    "latest_json": lambda a: reverse("articles:latest_json") + "?since=2000-01-01T00:00:00%2B08:00",
    "latest_json_category": lambda a: (
        reverse("articles:latest_json") + "?since=2000-01-01T00:00:00%2B08:00&category=matrix"
    ),
    # Only the id half of the cursor matches here (since is far ahead).
    "latest_json_by_id": lambda a: (
        reverse("articles:latest_json") + "?since=2099-01-01T00:00:00%2B08:00&after_id=0"
    ),
    "latest_json_tag": lambda a: (
        reverse("articles:latest_json") + "?since=2000-01-01T00:00:00%2B08:00&tag=矩阵标签"
    ),
}


@pytest.mark.parametrize("surface", sorted(LIST_SURFACES))
def test_lists_show_published_only(visitor, matrix_articles, surface):
    """Lists show the published article and neither the draft nor the future one."""
    response = visitor.get(LIST_SURFACES[surface](matrix_articles))
    body = response.content.decode()
    assert response.status_code == 200
    assert PUBLISHED_TITLE in body
    assert DRAFT_TITLE not in body
    assert FUTURE_TITLE not in body


@pytest.mark.parametrize("which", ["draft", "future"])
def test_unpublished_detail_is_404_for_everyone(visitor, matrix_articles, which):
    """The public article URL of a draft or a future article is 404, even for staff."""
    response = visitor.get(matrix_articles[which].get_absolute_url())
    assert response.status_code == 404
    assert DRAFT_TITLE not in response.content.decode()
    assert FUTURE_TITLE not in response.content.decode()


def test_published_detail_is_visible(visitor, matrix_articles):
    """The published article's page shows it to every kind of visitor."""
    response = visitor.get(matrix_articles["published"].get_absolute_url())
    assert response.status_code == 200
    assert PUBLISHED_TITLE in response.content.decode()


WITHDRAWN_TITLE = "已撤下的新闻WITHDRAWNvb5"
PREVIEW_MARK = "预览 ·"


@pytest.fixture
def withdrawn_article(matrix_articles):
    return make_article(
        title=WITHDRAWN_TITLE,
        slug="matrix-withdrawn",
        status=Article.Status.WITHDRAWN,
        category=matrix_articles["published"].category,
        tags=["矩阵标签"],
    )


def test_withdrawn_detail_is_410_for_everyone(visitor, withdrawn_article):
    """A withdrawn article's URL answers 410 Gone with the site's page, without its title."""
    response = visitor.get(withdrawn_article.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 410
    assert "文章已撤下" in body
    assert WITHDRAWN_TITLE not in body


@pytest.mark.parametrize("surface", sorted(LIST_SURFACES))
def test_lists_hide_withdrawn(visitor, matrix_articles, withdrawn_article, surface):
    """A withdrawn article is in no list."""
    response = visitor.get(LIST_SURFACES[surface](matrix_articles))
    assert response.status_code == 200
    assert WITHDRAWN_TITLE not in response.content.decode()


@pytest.mark.parametrize("which", ["draft", "future", "withdrawn", "published"])
def test_preview(visitor, matrix_articles, withdrawn_article, which):
    """Admin preview: only staff with the change permission see any article, marked, uncached."""
    article = withdrawn_article if which == "withdrawn" else matrix_articles[which]
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = visitor.get(url)
    body = response.content.decode()
    if visitor.kind == "staff_with_perm":
        assert response.status_code == 200
        assert article.title in body
        assert PREVIEW_MARK in body
        assert "no-cache" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert 'class="article-body"' in body  # the reader template
    elif visitor.kind == "staff_without_perm":
        assert response.status_code == 404
        assert article.title not in body
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert article.title not in body


def test_article_page_links_leak_nothing(visitor, matrix_articles):
    """Previous/next and related links on the article page never offer a draft or future one.

    Draft and future share the published article's category and tag, so each
    of those links would pick them up without the publish gate.
    """
    other = make_article(
        title="同来源另一篇OTHERpv4",
        category=matrix_articles["published"].category,
        tags=["矩阵标签"],
        published_at=timezone.now() - timedelta(hours=1),
    )
    response = visitor.get(matrix_articles["published"].get_absolute_url())
    body = response.content.decode()
    assert response.context["older_article"].pk == other.pk
    assert response.context["newer_article"] is None
    assert [a.pk for a in response.context["related_articles"]] == [other.pk]
    assert "同来源另一篇OTHERpv4" in body
    assert DRAFT_TITLE not in body
    assert FUTURE_TITLE not in body


@pytest.mark.parametrize("kind", ["year", "month", "day"])
def test_archive_of_the_future_date_shows_nothing_scheduled(visitor, matrix_articles, kind):
    """The archive that would hold the future article does not show it before its time."""
    response = visitor.get(_archive(kind, matrix_articles["future"]))
    # Tomorrow's day archive does not exist yet (404); this year's and month's do.
    assert response.status_code in {200, 404}
    assert FUTURE_TITLE not in response.content.decode()
    assert DRAFT_TITLE not in response.content.decode()


def test_category_index_counts_published_only(visitor, matrix_articles):
    """The list of sources counts only published articles (1, not 3)."""
    response = visitor.get(reverse("articles:category_index"))
    assert response.status_code == 200
    category = next(c for c in response.context["categories"] if c.slug == "matrix")
    assert category.article_count == 1


def test_article_sitemap_lists_published_only(visitor, matrix_articles):
    """The article sitemap has the published article's URL and not the draft's or future one's."""
    response = visitor.get("/sitemap-articles.xml")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/news/matrix-published/" in body
    assert "/news/matrix-draft/" not in body
    assert "/news/matrix-future/" not in body


def test_tags_and_categories_of_unpublished_only_stay_out_of_sitemaps(visitor):
    """A tag or category used only by a draft or a future article is in no sitemap."""
    category = make_category(name="只有草稿的来源", slug="draftonlysrc")
    make_article(
        title=DRAFT_TITLE, status=Article.Status.DRAFT, category=category, tags=["草稿专用标签"]
    )
    make_article(
        title=FUTURE_TITLE,
        published_at=timezone.now() + timedelta(days=1),
        category=category,
        tags=["未来专用标签"],
    )
    tags = visitor.get("/sitemap-tags.xml").content.decode()
    categories = visitor.get("/sitemap-categories.xml").content.decode()
    assert "/tag/" not in tags
    assert "draftonlysrc" not in categories


def test_sitemap_index_ignores_unpublished_dates(visitor, matrix_articles):
    """The index's lastmod comes from published articles only, not a later-edited draft."""
    Article.objects.filter(pk=matrix_articles["draft"].pk).update(
        updated_at=timezone.now() + timedelta(days=30)
    )
    body = visitor.get("/sitemap.xml").content.decode()
    later = timezone.localtime(timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    assert later not in body


@pytest.mark.parametrize("which", ["draft", "future"])
def test_old_jekyll_url_of_unpublished_is_404(visitor, matrix_articles, which):
    """An old Jekyll post URL never redirects to (and so reveals) a draft or future article."""
    slug = matrix_articles[which].slug
    response = visitor.get(f"/matrix/2022/05/19/{slug}.html")
    assert response.status_code == 404
    assert slug not in response.get("Location", "")


def test_old_jekyll_url_of_published_redirects(visitor, matrix_articles):
    """The old Jekyll post URL of a published article redirects to it."""
    response = visitor.get("/matrix/2022/05/19/matrix-published.html")
    assert response.status_code == 301
    assert response["Location"] == matrix_articles["published"].get_absolute_url()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_show_no_article(visitor, matrix_articles, path):
    """The load balancers' probes are public but show no article, published or not."""
    response = visitor.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    for title in (PUBLISHED_TITLE, DRAFT_TITLE, FUTURE_TITLE):
        assert title not in body
