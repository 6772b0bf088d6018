"""Speed rules: fixed query budgets, flat deep pages that match OFFSET paging, tag links in sync."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category, TaggedArticle
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

PER_PAGE = 20


def build_archive(size):
    """``size`` articles in one big category (and one tag), plus six small categories."""
    big = make_category(name="大分类BIGcat", slug="bigcat")
    others = [make_category() for _ in range(6)]
    now = timezone.now()
    for i in range(size):
        make_article(
            category=big if i % 2 == 0 else others[i % 6],
            published_at=now - timedelta(minutes=5 + i),
            tags=["预算标签", f"其他{i % 3}"],
        )
    make_article(category=big, status=Article.Status.DRAFT, tags=["预算标签"])
    return big


def page_urls(big):
    detail = Article.objects.published().filter(category=big).first().get_absolute_url()
    return {
        "home": reverse("articles:home"),
        "category": big.get_absolute_url(),
        "category p2": big.get_absolute_url() + "?page=2",
        "tag": reverse("articles:tag", args=["预算标签"]),
        "tag p2": reverse("articles:tag", args=["预算标签"]) + "?page=2",
        "detail": detail,
        "category index": reverse("articles:category_index"),
    }


def count_queries(client, url):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


class TestQueryBudgets:
    def test_same_number_of_queries_at_two_archive_sizes(self, client):
        """Each public page runs as many queries with 130 articles as with 45, at most five (article: 1)."""
        small = {
            page: count_queries(client, url) for page, url in page_urls(build_archive(45)).items()
        }
        Article.objects.all().delete()
        Category.objects.all().delete()
        Tag.objects.all().delete()
        large = {
            page: count_queries(client, url) for page, url in page_urls(build_archive(130)).items()
        }
        assert small == large
        assert max(large.values()) <= 5, large
        # The article page: one statement reads the article, its tags, its
        # neighbours and its related articles.
        assert large["detail"] == 1, large

    def test_cached_page_runs_no_query(self, client, django_assert_num_queries, settings):
        """A second anonymous request for a page is answered from the cache without the database."""
        settings.PAGE_CACHE_ENABLED = True
        urls = page_urls(build_archive(45))
        for url in urls.values():
            client.get(url)
        with django_assert_num_queries(0):
            for url in urls.values():
                assert client.get(url)["X-Page-Cache"] == "hit"


def offset_truth(queryset):
    return [a.pk for a in queryset.order_by("-published_at", "-id")]


def crawl(client, url, pages):
    seen = []
    for number in range(1, pages + 1):
        response = client.get(f"{url}?page={number}")
        assert response.status_code == 200
        seen += [a.pk for a in response.context["articles"]]
    return seen


class TestDeepPages:
    def _archive_with_ties(self):
        category = make_category(slug="deep")
        same_moment = timezone.now() - timedelta(hours=1)
        for i in range(70):
            # Groups of seven share one timestamp: the seek must break ties by id.
            make_article(
                category=category,
                published_at=same_moment - timedelta(minutes=i // 7),
                tags=["深页标签"],
            )
        make_article(category=category, status=Article.Status.DRAFT, tags=["深页标签"])
        return category

    def test_category_pages_equal_offset_paging(self, client):
        """Crawling a category page by page gives exactly the OFFSET order, each article once."""
        category = self._archive_with_ties()
        truth = offset_truth(Article.objects.published().filter(category=category))
        assert crawl(client, category.get_absolute_url(), 4) == truth

    def test_cold_deep_page_equals_offset_slice(self, client):
        """Page 3 asked for first (no cached boundaries) holds rows 41-60 of the OFFSET order."""
        category = self._archive_with_ties()
        truth = offset_truth(Article.objects.published().filter(category=category))
        response = client.get(category.get_absolute_url() + "?page=3")
        assert [a.pk for a in response.context["articles"]] == truth[40:60]
        assert "第 3 / 4 页" in response.content.decode()

    def test_tag_pages_equal_offset_paging(self, client):
        """Crawling a tag page by page gives exactly the OFFSET order of its published articles."""
        self._archive_with_ties()
        truth = offset_truth(Article.objects.published().filter(tags__name="深页标签"))
        assert crawl(client, reverse("articles:tag", args=["深页标签"]), 4) == truth

    def test_deep_tag_page_joins_the_tag_links_once(self, client):
        """A deep tag page reads one range of the tag links: its query joins them once."""
        self._archive_with_ties()
        url = reverse("articles:tag", args=["深页标签"])
        client.get(url + "?page=2")  # caches the count and page 3's way in
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + "?page=3").status_code == 200
        page_query = ctx.captured_queries[-1]["sql"]
        assert page_query.count('JOIN "articles_taggedarticle"') == 1, page_query

    @pytest.mark.parametrize("page", ["abc", "0", "-2", "5", "99999999999999999999", "1.5"])
    def test_bad_or_too_deep_page_is_404(self, client, page):
        """A page number that is not a page of the list is 404, never a server error."""
        category = self._archive_with_ties()
        response = client.get(category.get_absolute_url(), {"page": page})
        assert response.status_code == 404

    def test_empty_category_has_a_first_page(self, client):
        """A category without articles still answers page 1."""
        category = make_category(slug="emptycat")
        assert client.get(category.get_absolute_url() + "?page=1").status_code == 200


class TestTagLinksFollowTheArticle:
    def test_tag_link_copies_status_and_date(self):
        """A tag link carries its article's status and publish time from the start."""
        article = make_article(tags=["同步标签"])
        link = TaggedArticle.objects.get(content_object=article)
        assert (link.status, link.published_at) == (article.status, article.published_at)

    def test_save_and_bulk_paths_keep_links_in_sync(self):
        """Saving, QuerySet.update() and bulk_update() all carry status changes to the links."""
        article = make_article(tags=["同步标签"])
        article.status = Article.Status.DRAFT
        article.save()
        assert TaggedArticle.objects.get(content_object=article).status == "draft"
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
        assert TaggedArticle.objects.get(content_object=article).status == "published"
        article.refresh_from_db()
        article.published_at = timezone.now() + timedelta(days=2)
        Article.objects.bulk_update([article], ["published_at"])
        link = TaggedArticle.objects.get(content_object=article)
        assert link.published_at == article.published_at

    def test_bulk_created_links_carry_article_dates(self, client):
        """Links made by bulk_create (the importer, the admin's tag action) show on tag pages."""
        article = make_article(title="批量打标签BULKTAGq16")
        tag = Tag.objects.create(name="批量标签", slug="批量标签")
        TaggedArticle.objects.bulk_create([TaggedArticle(content_object_id=article.pk, tag=tag)])
        link = TaggedArticle.objects.get(content_object=article)
        assert (link.status, link.published_at) == (article.status, article.published_at)
        url = reverse("articles:tag", args=["批量标签"])
        assert "批量打标签BULKTAGq16" in client.get(url).content.decode()

    def test_admin_add_tags_action_shows_on_tag_page(self, admin_client, client):
        """The admin's bulk "add tags" action puts the articles on the tag page."""
        article = make_article(title="后台加标签ADMINTAGq17")
        admin_client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "add_tags",
                "_selected_action": [article.pk],
                "apply": "1",
                "tags": "后台标签",
            },
        )
        url = reverse("articles:tag", args=["后台标签"])
        assert "后台加标签ADMINTAGq17" in client.get(url).content.decode()

    def test_unpublished_article_leaves_tag_page(self, client):
        """An article withdrawn by a bulk update disappears from its tag page at once."""
        make_article(title="撤回前可见WITHDRAWNq1", tags=["撤回标签"])
        url = reverse("articles:tag", args=["撤回标签"])
        assert "撤回前可见WITHDRAWNq1" in client.get(url).content.decode()
        Article.objects.update(status=Article.Status.DRAFT)
        assert "撤回前可见WITHDRAWNq1" not in client.get(url).content.decode()
