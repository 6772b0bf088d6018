"""A pushed item is on the site in the very next request, with the page cache on."""

from urllib.parse import urlencode

import pytest
from django.utils import timezone

from articles.models import Article
from tests.ingest.conftest import flash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_pushed_item_visible_at_once(client, push):
    """Home, its category page, the Atom feed and /api/latest.json show it at once."""
    push([flash(1, summary="【先到的快讯INGESTfirst】正文。", published_at=None)])
    article = Article.objects.get()
    category_url = article.category.get_absolute_url()
    # What the home page's live notice asks: anything after the newest it shows.
    since = urlencode(
        {"since": timezone.localtime(article.published_at).isoformat(), "after_id": article.pk}
    )
    pages = ["/", category_url, "/feed/atom/", f"/api/latest.json?{since}"]
    for url in pages:  # warm the cache
        assert client.get(url).status_code == 200
    assert client.get("/")["X-Page-Cache"] == "hit"

    push([flash(2, summary="【新推送的快讯INGESTsecond】正文。", published_at=None)])
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "新推送的快讯INGESTsecond" in response.content.decode(), url


def test_draft_token_items_not_public(client, push):
    """A draft token's item shows on no public page."""
    from ingest.models import IngestToken

    _, secret = IngestToken.issue("草稿爬虫", draft=True)
    push([flash(3, summary="【草稿快讯DRAFTonly】正文。", published_at=None)], secret=secret)
    article = Article.objects.get()
    since = urlencode({"since": "2020-01-01T00:00:00+08:00"})
    for url in [
        "/",
        article.category.get_absolute_url(),
        "/feed/atom/",
        f"/api/latest.json?{since}",
    ]:
        assert "草稿快讯DRAFTonly" not in client.get(url).content.decode(), url
    assert client.get(article.get_absolute_url()).status_code == 404
