"""The article form: sanitizer report, duplicate source URL, tag entry and suggestions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from articles.tagging import parse_tags
from tests.factories import article_form_data, make_article
from tests.roles import editor

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def new_article(client, **overrides):
    return client.post(ADD_URL, article_form_data(**overrides))


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def test_sanitizer_report_lists_what_was_removed(editor_client):
    """Saving a body with a script and an onclick tells the editor both were removed."""
    response = new_article(
        editor_client,
        body=(
            '<p onclick="steal()">正文保留KEEP</p>'
            '<script>alert(1)</script><iframe src="x"></iframe>'
        ),
    )
    article = Article.objects.get(title="表单测试FORMtitle")
    assert "正文保留KEEP" in article.body
    assert "alert" not in article.body and "onclick" not in article.body
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    report = next(t for t in texts if "已被移除" in t)
    assert "<script>" in report
    assert "<iframe>" in report
    assert "<p> 的 onclick 属性" in report


def test_clean_body_gives_no_removal_message(editor_client):
    """A body the sanitizer keeps whole produces no removal warning."""
    response = new_article(
        editor_client, body='<p>干净<strong>正文</strong><a href="https://a.cn/">链接</a></p>'
    )
    assert not any("已被移除" in str(m) for m in get_messages(response.wsgi_request))


def test_duplicate_source_url_refused_with_link(editor_client):
    """A source URL another article has is refused, with a link to that article's admin page."""
    other = make_article(title="先录入的文章FIRSTin", source_url="https://news.example.cn/a/1.html")
    response = new_article(editor_client, source_url="https://news.example.cn/a/1.html")
    assert response.status_code == 200
    body = response.content.decode()
    link = reverse("admin:articles_article_change", args=[other.pk])
    assert f'<a href="{link}">先录入的文章FIRSTin</a>' in body
    assert not Article.objects.filter(title="表单测试FORMtitle").exists()


def test_own_source_url_is_fine_when_editing(editor_client):
    """Saving an article with its own source URL is not a duplicate."""
    article = make_article(source_url="https://news.example.cn/a/2.html")
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": "改标题",
            "category": article.category_id,
            "tags": "",
            "summary": "",
            "body": "<p>x</p>",
            "source_name": "",
            "source_url": "https://news.example.cn/a/2.html",
            "author": "",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("银行，ETF、基金；债券,港股;美股", ["银行", "ETF", "基金", "债券", "港股", "美股"]),
        ("ETF、etf，ＥＴＦ", ["ETF"]),
        ("  A股 ,， 、 ", ["A股"]),
        ("", []),
    ],
)
def test_parse_tags(typed, names):
    """Chinese and Western separators split tags; case and full-width variants are one tag."""
    assert parse_tags(typed) == names


def test_tag_variants_reuse_the_existing_tag(editor_client):
    """Typing ＥＴＦ or etf for an article reuses the existing ETF tag: no duplicate tag."""
    make_article(tags=["ETF"])
    new_article(editor_client, tags="ｅｔｆ、新能源")
    article = Article.objects.get(title="表单测试FORMtitle")
    assert sorted(article.tags.names()) == ["ETF", "新能源"]
    assert Tag.objects.filter(name__iexact="etf").count() == 1


def test_tag_suggestions(editor_client):
    """The suggestion endpoint returns existing tags for the last name being typed."""
    make_article(tags=["银行", "银行理财", "ETF", "央行", "中国银行"])
    url = reverse("admin:articles_tag_suggest")
    data = editor_client.get(url, {"q": "ETF，银行"}).json()
    assert data["term"] == "银行"
    assert data["tags"] == ["银行", "银行理财", "中国银行"]
    assert editor_client.get(url, {"q": ""}).json()["tags"] == []


def test_tag_suggestions_need_staff(client):
    """Anonymous visitors get the login redirect, not tag names."""
    make_article(tags=["秘密标签"])
    response = client.get(reverse("admin:articles_tag_suggest"), {"q": "秘密"})
    assert response.status_code == 302
    assert "秘密标签" not in response.content.decode()


def test_form_uses_the_offline_editor(editor_client):
    """The body uses TinyMCE from our static files, configured by a data attribute, no inline JS."""
    body = editor_client.get(ADD_URL).content.decode()
    assert "/static/tinymce/tinymce.min.js" in body
    assert "/static/django_tinymce/init_tinymce.js" in body
    assert 'data-mce-conf="' in body
    assert "cdn" not in body.lower()
    assert "tinymce.init(" not in body.lower()
