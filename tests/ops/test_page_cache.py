"""The anonymous page cache: hits, instant invalidation, conditional GET, and who bypasses it."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category
from ops.page_cache import PageCacheMiddleware
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def raw_retitle(article, title):
    """Change a title behind Django's back: no signal, no version bump."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET title = %s WHERE id = %s", [title, article.pk])


class TestHitsAndMisses:
    def test_second_anonymous_request_is_a_hit(self, client):
        """The first anonymous GET renders and stores the page; the second is served from it."""
        make_article(title="缓存命中HITtitle")
        first, second = client.get(HOME), client.get(HOME)
        assert first["X-Page-Cache"] == "miss"
        assert second["X-Page-Cache"] == "hit"
        assert "缓存命中HITtitle" in second.content.decode()
        assert second["ETag"] == first["ETag"]
        assert "Cookie" in second["Vary"]

    def test_cached_page_is_served_until_content_changes(self, client):
        """A change made behind Django's back is not seen: the page really comes from the cache."""
        article = make_article(title="原标题ORIGINALq2")
        client.get(HOME)
        raw_retitle(article, "暗改标题SNEAKYq2")
        assert "原标题ORIGINALq2" in client.get(HOME).content.decode()

    @pytest.mark.parametrize(
        "url",
        [
            "/feed/rss/",
            "/feed/atom/",
            "/sitemap.xml",
            "/api/latest.json?since=2020-01-01T00:00:00%2B08:00",
            "/search/?q=银行",
        ],
    )
    def test_feeds_sitemaps_search_and_live_endpoint_are_cached(self, client, url):
        """Routes written elsewhere are cached by URL too, and see edits at once."""
        article = make_article(title="银行新闻旧题OLDq15")
        first = client.get(url)
        assert first.status_code == 200
        assert client.get(url)["X-Page-Cache"] == "hit"
        article.title = "银行新闻新题NEWq15"
        article.save()
        second = client.get(url)
        assert second["X-Page-Cache"] == "miss"
        if "sitemap" not in url:
            assert "新题NEWq15" in second.content.decode()

    def test_head_uses_the_cache(self, client):
        """HEAD requests are answered from the same cache entry as GET."""
        make_article()
        client.get(HOME)
        assert client.head(HOME)["X-Page-Cache"] == "hit"

    def test_404_is_not_cached(self, client):
        """Only 200 answers are stored."""
        url = reverse("articles:detail", args=["not-yet-here"])
        assert client.get(url).status_code == 404
        make_article(slug="not-yet-here", title="后来才有LATERq3")
        assert "后来才有LATERq3" in client.get(url).content.decode()

    def test_disabled_cache_stores_nothing(self, client, settings):
        """PAGE_CACHE=false (the benchmark's uncached mode) renders every request."""
        settings.PAGE_CACHE_ENABLED = False
        make_article()
        client.get(HOME)
        assert not client.get(HOME).has_header("X-Page-Cache")


class TestInvalidation:
    def test_article_save_shows_at_once(self, client):
        """An edited title appears on the next request, with no waiting for a timeout."""
        article = make_article(title="旧标题OLDq4")
        client.get(HOME)
        article.title = "新标题NEWq4"
        article.save()
        body = client.get(HOME).content.decode()
        assert "新标题NEWq4" in body and "旧标题OLDq4" not in body

    def test_bulk_update_shows_at_once(self, client):
        """QuerySet.update() (admin actions, importers) makes cached pages stale too."""
        article = make_article(title="批量前BULKBEFOREq5")
        detail = article.get_absolute_url()
        client.get(HOME), client.get(detail)
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
        assert "批量前BULKBEFOREq5" not in client.get(HOME).content.decode()
        assert client.get(detail).status_code == 404

    def test_bulk_create_and_delete_show_at_once(self, client):
        """bulk_create and QuerySet.delete() make cached pages stale."""
        category = make_category()
        client.get(HOME)
        Article.objects.bulk_create(
            [
                Article(
                    title="批量新建BULKNEWq6",
                    category=category,
                    status=Article.Status.PUBLISHED,
                    published_at=timezone.now() - timedelta(minutes=1),
                )
            ]
        )
        assert "批量新建BULKNEWq6" in client.get(HOME).content.decode()
        Article.objects.filter(title="批量新建BULKNEWq6").delete()
        assert "批量新建BULKNEWq6" not in client.get(HOME).content.decode()

    def test_admin_publish_action_shows_at_once(self, admin_client, client):
        """The admin's bulk publish action makes the article appear on cached pages."""
        article = make_article(title="待发布ACTIONq7", status=Article.Status.DRAFT)
        client.get(HOME)
        admin_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish", "_selected_action": [article.pk]},
        )
        assert "待发布ACTIONq7" in client.get(HOME).content.decode()

    def test_scheduled_article_appears_when_due(self, client):
        """A scheduled article shows up the moment it is due, though nothing was saved then."""
        make_article(title="早已发布EARLIERq8")
        # Due well within PAGE_CACHE_MAX_AGE: only the due check can make it appear.
        due = timezone.now() + timedelta(seconds=30)
        make_article(title="定时发布SCHEDULEDq8", published_at=due)
        assert "定时发布SCHEDULEDq8" not in client.get(HOME).content.decode()
        with time_machine.travel(due + timedelta(seconds=1), tick=False):
            assert "定时发布SCHEDULEDq8" in client.get(HOME).content.decode()

    @pytest.mark.parametrize("how", ["bulk_update", "update", "bulk_create"])
    def test_article_rescheduled_in_bulk_appears_when_due(self, client, how):
        """An article scheduled by a bulk path also appears the moment it is due."""
        due = timezone.now() + timedelta(seconds=30)
        if how == "bulk_create":
            Article.objects.bulk_create(
                [
                    Article(
                        title="批量定时RESCHEDq18",
                        category=make_category(),
                        status=Article.Status.PUBLISHED,
                        published_at=due,
                    )
                ]
            )
        else:
            article = make_article(title="批量定时RESCHEDq18")
            if how == "update":
                Article.objects.filter(pk=article.pk).update(published_at=due)
            else:
                article.published_at = due
                Article.objects.bulk_update([article], ["published_at"])
        assert "批量定时RESCHEDq18" not in client.get(HOME).content.decode()
        with time_machine.travel(due + timedelta(seconds=1), tick=False):
            assert "批量定时RESCHEDq18" in client.get(HOME).content.decode()

    @pytest.mark.parametrize("how", ["save", "update"])
    def test_category_rename_shows_at_once(self, client, how):
        """Renaming a category, by save() or QuerySet.update(), changes the cached pages."""
        category = make_category(name="旧来源名OLDCATq9")
        make_article(category=category)
        client.get(HOME), client.get(category.get_absolute_url())
        if how == "save":
            category.name = "新来源名NEWCATq9"
            category.save()
        else:
            Category.objects.filter(pk=category.pk).update(name="新来源名NEWCATq9")
        assert "新来源名NEWCATq9" in client.get(HOME).content.decode()
        assert "新来源名NEWCATq9" in client.get(category.get_absolute_url()).content.decode()

    def test_new_tag_shows_on_tag_page(self, client):
        """Tagging an article makes it appear on the (cached) tag page."""
        make_article(tags=["新增标签"])
        article = make_article(title="后加标签TAGGEDq10")
        url = reverse("articles:tag", args=["新增标签"])
        client.get(url)
        article.tags.add("新增标签")
        assert "后加标签TAGGEDq10" in client.get(url).content.decode()


class TestConditionalGet:
    def test_matching_etag_gets_304(self, client):
        """A client that sends back the ETag gets 304 Not Modified, on a miss and on a hit."""
        make_article()
        etag = client.get(HOME)["ETag"]
        response = client.get(HOME, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
        from django.core.cache import cache

        cache.clear()
        assert client.get(HOME, headers={"If-None-Match": etag}).status_code == 304

    def test_changed_page_gets_a_new_etag(self, client):
        """After an edit the old ETag no longer matches: the new page is sent."""
        article = make_article(title="版本一V1q11")
        etag = client.get(HOME)["ETag"]
        article.title = "版本二V2q11"
        article.save()
        response = client.get(HOME, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert "版本二V2q11" in response.content.decode()


class TestWhoBypasses:
    def test_staff_never_get_a_cached_page(self, admin_client, client):
        """A logged-in editor sees the database, not the page cached for anonymous readers."""
        article = make_article(title="公开版本PUBLICq12")
        client.get(HOME)
        raw_retitle(article, "编辑所见STAFFq12")
        response = admin_client.get(HOME)
        assert "编辑所见STAFFq12" in response.content.decode()
        assert not response.has_header("X-Page-Cache")
        assert "Cookie" in response["Vary"]

    def test_staff_requests_do_not_fill_the_cache(self, admin_client, client):
        """A page rendered for an editor is never stored for others."""
        make_article()
        admin_client.get(HOME)
        assert client.get(HOME)["X-Page-Cache"] == "miss"

    def test_admin_and_health_paths_are_not_cached(self, client):
        """The admin login page is rendered every time (it carries a CSRF token)."""
        url = reverse("admin:login")
        client.get(url)
        assert not client.get(url).has_header("X-Page-Cache")

    def test_response_setting_a_cookie_is_not_stored(self, settings):
        """A response that sets a cookie (a CSRF token, a session) is never cached for others."""

        def view(request):
            response = HttpResponse("<p>表单 csrf</p>")
            response.set_cookie("csrftoken", "secret-token-q13")
            return response

        middleware = PageCacheMiddleware(view)
        factory = RequestFactory()
        first = middleware(factory.get("/form/"))
        second = middleware(factory.get("/form/"))
        assert "csrftoken" in first.cookies
        assert not second.has_header("X-Page-Cache")

    def test_logged_in_reader_sees_own_page(self, client):
        """A logged-in (non-staff) reader is not served the anonymous cached page either."""
        article = make_article(title="匿名版本ANONq14")
        client.get(HOME)
        raw_retitle(article, "登录所见READERq14")
        User.objects.create_user("reader14", password="pw-reader-14")
        client.login(username="reader14", password="pw-reader-14")
        assert "登录所见READERq14" in client.get(HOME).content.decode()
