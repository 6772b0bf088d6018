"""An admin that records only what changed (issue 11 §4) and a history page for every article."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category
from tests.roles import chief, editor

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
# A stored time with seconds and a fraction, as the importer and "now" give them.
STORED_AT = datetime.datetime(2026, 11, 20, 10, 40, 56, 450000, tzinfo=BEIJING)
BODY = "<p>第一段：央行今日开展逆回购操作。</p>\n<p>第二段：市场利率平稳。</p>"


class _FormValues(HTMLParser):
    """What a browser submits for the change form as rendered: inputs, textareas, selects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "radio"}:
            self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            # Browsers submit a textarea's line breaks as CR LF.
            self.values[self._textarea] += data.replace("\r\n", "\n").replace("\n", "\r\n")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_as_shown(client, article):
    parser = _FormValues()
    parser.feed(client.get(change_url(article)).content.decode())
    values = parser.values
    # The leading newline Django adds after <textarea> is not part of the value.
    values["body"] = values["body"].removeprefix("\r\n")
    return values


def save(client, article, **changes):
    data = {**form_as_shown(client, article), **changes, "_save": "保存"}
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    return response


@pytest.fixture
def chief_client(client):
    client.force_login(chief())
    return client


@pytest.fixture
def article():
    """A published article saved once in the admin's way (one version), stored time with seconds."""
    article = make_article(
        title="逆回购操作稳定市场预期SAVEtest",
        body=BODY,
        published_at=STORED_AT,
        category=make_category(name="测试财经来源"),
        tags=["央行", "ETF"],
    )
    assert article.history.count() == 1
    return article


class TestSaveWithoutChanges:
    def test_leaves_no_version_and_no_log_entry(self, chief_client, article):
        """Saving the form as shown adds no version, no admin log entry, no updated_at change."""
        updated_at = article.updated_at
        logs = LogEntry.objects.count()
        save(chief_client, article)
        assert article.history.count() == 1
        assert LogEntry.objects.count() == logs
        assert article.updated_at == updated_at

    def test_editor_without_publish_rights_leaves_no_version(self, client, article):
        """An editor's form has status and time read-only; saving it as shown changes nothing."""
        client.force_login(editor())
        save(client, article)
        assert article.history.count() == 1
        assert article.published_at == STORED_AT

    def test_keeps_the_stored_time_to_the_fraction(self, chief_client, article):
        """10:40:56.45 stays 10:40:56.45 (it used to become 10:40:00)."""
        save(chief_client, article)
        assert article.published_at == STORED_AT

    def test_form_shows_the_seconds(self, chief_client, article):
        """The time input shows 10:40:56, Beijing time, not 10:40."""
        assert form_as_shown(chief_client, article)["published_at_1"] == "10:40:56"

    def test_time_typed_without_seconds_keeps_the_stored_one(self, chief_client, article):
        """An editor who types the same minute by hand does not move the article's time."""
        save(chief_client, article, published_at_1="10:40")
        assert article.published_at == STORED_AT
        assert article.history.count() == 1

    def test_respaced_body_is_not_a_change(self, chief_client, article):
        """The editor re-spacing the markup (what TinyMCE does) keeps the stored body, no version."""
        save(chief_client, article, body=BODY.replace("\n", "\r\n\r\n  "))
        assert article.body == BODY
        assert article.history.count() == 1

    def test_tags_in_another_width_and_case_are_not_a_change(self, chief_client, article):
        """ｅｔｆ、央行 is the same tag set as ETF、央行."""
        save(chief_client, article, tags="ｅｔｆ、央行")
        assert sorted(article.tags.names()) == ["ETF", "央行"]
        assert article.history.count() == 1


class TestSaveWithChanges:
    def test_version_names_only_the_changed_field(self, chief_client, article):
        """A new title: one version labelled 修改：标题, time and body kept as stored."""
        save(chief_client, article, title="新标题NEWtitleONLY")
        latest = article.history.latest("history_date")
        assert latest.history_change_reason == "修改：标题"
        assert latest.title == "新标题NEWtitleONLY"
        assert article.published_at == STORED_AT
        assert article.body == BODY

    def test_publishing_names_status_and_time_only(self, chief_client):
        """Publishing a draft from the form labels 状态 and 发布时间, not 正文."""
        draft = make_article(
            title="待发布草稿DRAFTpub", body=BODY, status=Article.Status.DRAFT, published_at=None
        )
        save(chief_client, draft, status=Article.Status.PUBLISHED)
        latest = draft.history.latest("history_date")
        assert latest.history_change_reason == "修改：状态、发布时间"
        assert draft.is_published

    def test_new_seconds_are_kept(self, chief_client, article):
        """A time typed with other seconds is stored to the second and named as the change."""
        save(chief_client, article, published_at_1="10:41:07")
        assert timezone.localtime(article.published_at).time() == datetime.time(10, 41, 7)
        assert article.history.latest("history_date").history_change_reason == "修改：发布时间"


class TestHistoryPage:
    def test_article_without_any_version(self, chief_client):
        """A bulk-imported article (no stored version) gets its history page, saying so."""
        (imported,) = Article.objects.bulk_create(
            [
                Article(
                    title="导入的文章NOversion",
                    slug="imported-no-version",
                    category=make_category(),
                    status=Article.Status.PUBLISHED,
                    published_at=STORED_AT,
                )
            ]
        )
        assert not imported.history.exists()
        url = reverse("admin:articles_article_history", args=[imported.pk])
        response = chief_client.get(url)
        assert response.status_code == 200
        assert "还没有保存过的版本" in response.content.decode()
        assert chief_client.get(url, {"old": "1", "new": "x"}).status_code == 200

    def test_changes_column_names_what_each_save_changed(self, chief_client):
        """The history lists each version's changed fields against the one before it."""
        # No tags: the factory adds them after the first version was taken.
        article = make_article(title="历史列测试HISTcol", body=BODY, published_at=STORED_AT)
        save(chief_client, article, title="第二版标题HISTORYcol")
        response = chief_client.get(reverse("admin:articles_article_history", args=[article.pk]))
        body = response.content.decode()
        assert "<td>修改：标题</td>" in body
        assert "<td>标题</td>" in body  # the changed-fields column of the new version
        assert "<td>新建</td>" in body
