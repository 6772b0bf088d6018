"""List pages share their category, tag, count and boundaries under the content version.

What must hold: a warm list page costs one query and one cache read, and
anything an editor changes (a rename, a publish, a withdrawal) shows at once.
"""

from datetime import timedelta

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from articles import content_version
from articles.content_version import Snapshot
from articles.models import Article, Category
from articles.slug_urls import cached_reverse
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def list_archive(size=45):
    """``size`` published articles in one category, all tagged 共享标签."""
    category = make_category(name="共享来源SHAREDcat", slug="sharedcat")
    now = timezone.now()
    articles = [
        make_article(
            category=category,
            title=f"共享列表文章SHARED{i:03d}",
            published_at=now - timedelta(minutes=5 + i),
            tags=["共享标签"],
        )
        for i in range(size)
    ]
    return category, articles


def list_urls(category):
    tag = reverse("articles:tag", args=["共享标签"])
    latest = reverse("articles:latest")
    base = category.get_absolute_url()
    today = timezone.localdate()
    return [
        base,
        f"{base}?page=2",
        f"{base}?page=3",
        tag,
        f"{tag}?page=2",
        latest,
        f"{latest}?page=2",
        reverse("articles:archive_day", args=[today.year, today.month, today.day]),
    ]


class CacheReads:
    """Counts the cache reads of the content version's module (where every list reads)."""

    def __init__(self, monkeypatch):
        self.reads = 0
        real = content_version.cache

        class Spy:
            def __getattr__(_, name):
                attribute = getattr(real, name)
                if name in ("get", "get_many"):

                    def counted(*args, **kwargs):
                        self.reads += 1
                        return attribute(*args, **kwargs)

                    return counted
                return attribute

        monkeypatch.setattr(content_version, "cache", Spy())


class TestWarmListPages:
    def test_warm_list_page_runs_one_query(self, client, django_assert_num_queries):
        """Once the list's category or tag, count, way in (and calendar) are cached: one query."""
        category, _ = list_archive()
        for url in list_urls(category):
            assert client.get(url).status_code == 200
            with django_assert_num_queries(1):
                assert client.get(url).status_code == 200

    def test_warm_list_page_reads_the_cache_once(self, client, monkeypatch):
        """The version, the category or tag, the count and the boundary come in one read."""
        category, _ = list_archive()
        urls = list_urls(category)
        for url in urls:
            client.get(url)
        spy = CacheReads(monkeypatch)
        for url in urls:
            before = spy.reads
            assert client.get(url).status_code == 200
            assert spy.reads - before == 1, url

    def test_warm_home_and_sidebar_run_one_query(self, client, django_assert_num_queries):
        """The busiest sources' choice is shared: a warm home page or sidebar is one query."""
        list_archive()
        for url in (reverse("articles:home"), reverse("articles:sidebar")):
            assert client.get(url).status_code == 200
            with django_assert_num_queries(1):
                assert client.get(url).status_code == 200

    def test_cards_are_the_same_with_a_cached_category(self, client):
        """A category page served with its cached category shows every card as the first did."""
        category, _ = list_archive()
        first = client.get(category.get_absolute_url()).content
        assert client.get(category.get_absolute_url()).content == first
        assert "共享列表文章SHARED000" in first.decode()


class TestFreshness:
    def test_renamed_category_shows_at_once(self, client):
        """A category renamed in the admin's way (save) or in bulk (update) shows its new name."""
        category, _ = list_archive(5)
        url = category.get_absolute_url()
        assert "共享来源SHAREDcat" in client.get(url).content.decode()
        category.name = "改名来源RENAMEDcat"
        category.save()
        assert "改名来源RENAMEDcat" in client.get(url).content.decode()
        Category.objects.filter(pk=category.pk).update(name="再改名来源AGAINcat")
        page = client.get(url).content.decode()
        assert "再改名来源AGAINcat" in page
        assert "改名来源RENAMEDcat" not in page

    def test_publish_and_withdrawal_show_on_home_and_sidebar_at_once(self, client):
        """The home page and the sidebar show a new article, and drop a withdrawn one, at once."""
        list_archive(5)
        urls = (reverse("articles:home"), reverse("articles:sidebar"))
        for url in urls:
            client.get(url)
        new = make_article(title="首页新稿HOMEFRESHq1")
        for url in urls:
            assert "首页新稿HOMEFRESHq1" in client.get(url).content.decode(), url
        new.status = Article.Status.WITHDRAWN
        new.save()
        for url in urls:
            assert "首页新稿HOMEFRESHq1" not in client.get(url).content.decode(), url

    def test_category_index_counts_follow_a_publish(self, client, django_assert_num_queries):
        """The sources' counts are cached (a warm index counts nothing) and change at once."""
        category, _ = list_archive(3)
        url = reverse("articles:category_index")
        assert client.get(url).context["categories"][0].article_count == 3
        with django_assert_num_queries(1):
            client.get(url)
        make_article(category=category)
        counts = {c.pk: c.article_count for c in client.get(url).context["categories"]}
        assert counts[category.pk] == 4

    def test_deleted_category_is_404_at_once(self, client):
        """A category deleted after its page was seen answers 404, not its cached self."""
        category = make_category(slug="deletedcat")
        url = category.get_absolute_url()
        assert client.get(url).status_code == 200
        category.delete()
        assert client.get(url).status_code == 404

    def test_tag_without_published_articles_is_404_at_once(self, client):
        """Withdrawing a tag's only article takes the tag's page away at once."""
        article = make_article(tags=["孤立标签"])
        url = reverse("articles:tag", args=["孤立标签"])
        assert client.get(url).status_code == 200
        article.status = Article.Status.DRAFT
        article.save()
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("which", ["category", "tag"])
    def test_publish_shows_on_page_one_and_shifts_later_pages(self, client, which):
        """A new article heads page 1 at once; every later page shifts by one, as OFFSET would."""
        category, _ = list_archive(45)
        base = (
            category.get_absolute_url()
            if which == "category"
            else reverse("articles:tag", args=["共享标签"])
        )
        before = {n: client.get(f"{base}?page={n}").context["articles"] for n in (1, 2, 3)}
        new = make_article(category=category, title="刚发布FRESHq1", tags=["共享标签"])
        after = {n: client.get(f"{base}?page={n}").context["articles"] for n in (1, 2, 3)}
        assert after[1][0].pk == new.pk
        assert [a.pk for a in after[2]] == [before[1][-1].pk, *(a.pk for a in before[2][:-1])]
        assert [a.pk for a in after[3]] == [before[2][-1].pk, *(a.pk for a in before[3])]
        assert "第 3 / 3 页" in client.get(f"{base}?page=3").content.decode()


class TestSnapshot:
    def test_value_of_an_older_version_is_a_miss(self):
        """A value stored under one content version is not read under the next."""
        Snapshot(["finews:test:k"]).set("finews:test:k", 41, 60)
        assert Snapshot(["finews:test:k"]).get("finews:test:k") == 41
        content_version.renew()
        assert Snapshot(["finews:test:k"]).get("finews:test:k") is None

    def test_key_not_named_up_front_is_read_when_asked(self):
        """A key the request did not list is still found (one more read)."""
        Snapshot().set("finews:test:late", "值", 60)
        assert Snapshot(["finews:test:other"]).get("finews:test:late") == "值"

    def test_nothing_stored_is_a_miss(self):
        """A key never stored reads as None, and asking again reads nothing new."""
        snapshot = Snapshot(["finews:test:none"])
        assert snapshot.get("finews:test:none") is None
        assert snapshot.get("finews:test:none") is None


class TestCachedReverse:
    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("articles:home", ()),
            ("articles:archive_year", (2024,)),
            ("articles:archive_month", (2024, 3)),
            ("articles:archive_day", (2024, 3, 9)),
            ("articles:tag", ("新能源",)),
        ],
    )
    def test_equals_reverse(self, name, args):
        """A remembered URL is exactly reverse()'s, asked once or twice."""
        assert cached_reverse(name, *args) == reverse(name, args=args)
        assert cached_reverse(name, *args) == reverse(name, args=args)

    def test_follows_the_script_prefix(self):
        """Under a script prefix the remembered URL carries it, and loses it after."""
        assert cached_reverse("articles:archive_year", 2024) == "/archive/2024/"
        set_script_prefix("/mountedY/")
        try:
            assert cached_reverse("articles:archive_year", 2024) == "/mountedY/archive/2024/"
        finally:
            set_script_prefix("/")
        assert cached_reverse("articles:archive_year", 2024) == "/archive/2024/"

    def test_follows_a_changed_urlconf(self, settings):
        """Swapping the URLconf (as tests do) forgets the remembered URLs."""
        assert cached_reverse("articles:category", "abc") == "/category/abc/"
        settings.ROOT_URLCONF = "tests.articles.urls_moved"
        assert cached_reverse("articles:category", "abc") == "/c/abc/"
