"""Revision history: every admin save and bulk action keeps a version; diff and restore."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_category
from tests.roles import chief, editor, make_user

pytestmark = pytest.mark.django_db


def edit(client, article, **changes):
    data = {
        "title": article.title,
        "category": article.category_id,
        "tags": "、".join(sorted(article.tags.names())),
        "summary": article.summary,
        "body": article.body,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "author": "",
        "status": article.status,
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(changes)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    return response


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


@pytest.fixture
def edited(client):
    """A draft written by an editor, then edited twice (title+tags, then body)."""
    user = editor()
    client.force_login(user)
    article = make_article(
        title="初稿标题ORIGINAL",
        body="<p>第一段。</p><p>第二段原文。</p>",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    edit(client, article, title="改后标题EDITED", tags="银行、ETF")
    edit(client, article, body="<p>第一段。</p><p>第二段改写。</p>")
    return article


def test_every_save_keeps_a_version_with_who_and_what(client, edited):
    """Three versions (created + two admin saves); the admin ones name the editor and changes."""
    versions = list(edited.history.order_by("history_date", "history_id"))
    assert len(versions) == 3
    assert [v.history_user.username for v in versions[1:]] == ["bianji", "bianji"]
    assert versions[1].tag_names == "ETF、银行"
    assert "标题" in versions[1].history_change_reason
    page = client.get(history_url(edited)).content.decode()
    assert "bianji" in page
    assert "标题、标签" in page  # the changes column of the first edit


def test_diff_between_two_versions(client, edited):
    """Comparing the first and last versions shows old and new title and the body as text lines."""
    first, *_, last = edited.history.order_by("history_date", "history_id")
    page = client.get(
        history_url(edited), {"old": first.history_id, "new": last.history_id}
    ).content.decode()
    assert "初稿标题ORIGINAL" in page and "改后标题EDITED" in page
    assert '<li class="line-removed"><span class="mark">−</span>第二段原文。</li>' in page
    assert '<li class="line-added"><span class="mark">+</span>第二段改写。</li>' in page
    assert '<li class="line-same"><span class="mark"> </span>第一段。</li>' in page


def test_restore_an_old_version(client, edited):
    """Restoring the first version brings back title, body and tags, as a new version."""
    first = edited.history.order_by("history_date", "history_id").first()
    url = reverse("admin:articles_article_restore", args=[edited.pk, first.history_id])
    response = client.post(url)
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.title == "初稿标题ORIGINAL"
    assert "第二段原文" in edited.body
    assert list(edited.tags.names()) == []
    assert edited.history.count() == 4
    assert edited.history.first().history_change_reason.startswith("恢复到")


def test_restore_does_not_change_publication_state(client):
    """Restoring a version made while published leaves a now-withdrawn article withdrawn."""
    client.force_login(chief())
    article = make_article(title="上线时的标题")
    edit(
        client,
        article,
        title="撤下后的标题",
        status="withdrawn",
        published_at_0="2020-01-01",
        published_at_1="08:00:00",
    )
    first = article.history.order_by("history_date", "history_id").first()
    client.post(reverse("admin:articles_article_restore", args=[article.pk, first.history_id]))
    article.refresh_from_db()
    assert article.title == "上线时的标题"
    assert article.status == Article.Status.WITHDRAWN


def test_restore_refused_without_change_permission(client, edited):
    """Staff without the change permission cannot restore (403); a GET does not restore."""
    first = edited.history.order_by("history_date", "history_id").first()
    url = reverse("admin:articles_article_restore", args=[edited.pk, first.history_id])
    client.get(url)
    edited.refresh_from_db()
    assert edited.title == "改后标题EDITED"
    client.force_login(make_user("norole"))
    assert client.post(url).status_code == 403
    edited.refresh_from_db()
    assert edited.title == "改后标题EDITED"


def test_bulk_action_records_versions(admin_client):
    """A bulk category change leaves one version per article, naming the action."""
    articles = [make_article() for _ in range(3)]
    target = make_category(name="批量目标")
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "change_category",
            "_selected_action": [a.pk for a in articles],
            "apply": "1",
            "category": target.pk,
            "index": "0",
        },
    )
    for article in articles:
        latest = article.history.first()
        assert latest.category_id == target.pk
        assert latest.history_change_reason == "批量改分类为 批量目标"
        assert latest.history_user.username == "admin"


def test_restore_keeps_a_source_url_now_taken(client, edited):
    """Restoring an old source URL that another article now has keeps the current one, no error."""
    first = edited.history.order_by("history_date", "history_id").first()
    first.source_url = "https://news.example.cn/taken.html"
    first.save()
    make_article(title="后来的文章", source_url="https://news.example.cn/taken.html")
    url = reverse("admin:articles_article_restore", args=[edited.pk, first.history_id])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "原文链接" in response.content.decode()
    edited.refresh_from_db()
    assert edited.title == "初稿标题ORIGINAL"
    assert edited.source_url == ""


def test_history_page_ignores_bad_version_ids(client, edited):
    """Malformed or unknown version ids in the compare query show the list, not an error."""
    for query in ({"old": "abc", "new": "1"}, {"old": "999999", "new": "999998"}):
        response = client.get(history_url(edited), query)
        assert response.status_code == 200
        assert "改后标题EDITED" in response.content.decode()
