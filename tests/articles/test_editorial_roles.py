"""Roles in the admin: what 编辑 (editor) and 主编 (chief editor) may do, enforced on the server.

Each permission is tested both ways, through the page an editor uses and
through a direct POST that skips the page.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category
from articles.roles import CHIEF, EDITOR
from tests.factories import make_article, make_category
from tests.roles import chief, editor, make_user

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(category, **overrides):
    data = {
        "title": "编辑部新稿ROLEtitle",
        "category": category.pk,
        "tags": "银行，ETF",
        "summary": "摘要",
        "body": "<p>正文</p>",
        "source_name": "",
        "source_url": "",
        "author": "",
        "slug": "role-new-article",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(overrides)
    return data


def action(client, name, articles, **extra):
    data = {"action": name, "_selected_action": [a.pk for a in articles], "index": "0", **extra}
    return client.post(CHANGELIST_URL, data)


class TestEditor:
    def test_editor_creates_a_draft(self, client):
        """An editor's new article is saved as a draft, created_by/updated_by them."""
        user = editor()
        client.force_login(user)
        response = client.post(ADD_URL, form_data(make_category()))
        assert response.status_code == 302
        article = Article.objects.get(title="编辑部新稿ROLEtitle")
        assert article.status == Article.Status.DRAFT
        assert article.created_by == user and article.updated_by == user
        assert sorted(article.tags.names()) == ["ETF", "银行"]

    def test_editor_form_shows_status_read_only(self, client):
        """The editor's form has no status or published_at inputs, only their values."""
        client.force_login(editor())
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        body = client.get(change_url(article)).content.decode()
        assert 'name="status"' not in body
        assert 'name="published_at_0"' not in body
        assert 'name="title"' in body

    def test_editor_post_with_status_published_stays_draft(self, client):
        """A direct POST from an editor that sets status=published leaves the article a draft."""
        client.force_login(editor())
        category = make_category()
        client.post(
            ADD_URL,
            form_data(
                category,
                status="published",
                published_at_0="2020-01-01",
                published_at_1="08:00",
            ),
        )
        article = Article.objects.get(title="编辑部新稿ROLEtitle")
        assert article.status == Article.Status.DRAFT
        assert article.published_at is None
        assert not Article.objects.published().filter(pk=article.pk).exists()

    def test_editor_can_correct_a_published_article_but_not_its_state(self, client):
        """An editor may fix a live article's text; a POSTed status=withdrawn is ignored."""
        client.force_login(editor())
        article = make_article(title="原标题", slug="live-one")
        response = client.post(
            change_url(article),
            form_data(article.category, title="更正后的标题FIXED", status="withdrawn"),
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "更正后的标题FIXED"
        assert article.status == Article.Status.PUBLISHED

    def test_editor_cannot_delete(self, client):
        """The delete page and a direct delete POST are refused (403); the article stays."""
        client.force_login(editor())
        article = make_article()
        url = reverse("admin:articles_article_delete", args=[article.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert Article.objects.filter(pk=article.pk).exists()

    def test_editor_does_not_see_publish_actions(self, client):
        """The action menu offers editors no publish, withdraw or delete."""
        client.force_login(editor())
        make_article()
        body = client.get(CHANGELIST_URL).content.decode()
        assert 'value="change_category"' in body
        assert 'value="publish"' not in body
        assert 'value="withdraw"' not in body
        assert 'value="unpublish"' not in body
        assert 'value="delete_selected"' not in body

    @pytest.mark.parametrize("name", ["publish", "withdraw", "unpublish", "delete_selected"])
    def test_editor_action_post_is_refused(self, client, name):
        """A direct POST of a publish/withdraw/delete action by an editor changes nothing."""
        client.force_login(editor())
        draft = make_article(title="草稿甲", status=Article.Status.DRAFT, published_at=None)
        live = make_article(title="上线乙")
        action(client, name, [draft, live], post="yes")
        draft.refresh_from_db()
        live.refresh_from_db()
        assert draft.status == Article.Status.DRAFT
        assert live.status == Article.Status.PUBLISHED
        assert Article.objects.count() == 2

    def test_editor_can_change_category_and_add_tags(self, client):
        """Editors may use the bulk category and tag actions (no publication change)."""
        client.force_login(editor())
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        target = make_category(name="新分类ED")
        action(client, "change_category", [article], apply="1", category=target.pk)
        action(client, "add_tags", [article], apply="1", tags="新标签ED")
        article.refresh_from_db()
        assert article.category == target
        assert list(article.tags.names()) == ["新标签ED"]

    def test_editor_cannot_manage_categories(self, client):
        """Adding, changing or deleting a category is refused to editors (403)."""
        client.force_login(editor())
        category = make_category()
        add = reverse("admin:articles_category_add")
        assert client.post(add, {"name": "编辑加的分类", "slug": "edadd"}).status_code == 403
        change = reverse("admin:articles_category_change", args=[category.pk])
        assert client.post(change, {"name": "改名", "slug": category.slug}).status_code == 403
        delete = reverse("admin:articles_category_delete", args=[category.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert not Category.objects.filter(name__in=["编辑加的分类", "改名"]).exists()


class TestChief:
    def test_chief_publishes_from_the_form(self, client):
        """A chief's POST with status=published and no time publishes now."""
        client.force_login(chief())
        client.post(ADD_URL, form_data(make_category(), status="published"))
        article = Article.objects.get(title="编辑部新稿ROLEtitle")
        assert article.is_published

    def test_chief_schedules_from_the_form(self, client):
        """A chief's POST with a future time schedules: 已排期 in the list, not on the site."""
        client.force_login(chief())
        when = timezone.localtime() + timedelta(days=2)
        client.post(
            ADD_URL,
            form_data(
                make_category(),
                status="published",
                published_at_0=when.strftime("%Y-%m-%d"),
                published_at_1=when.strftime("%H:%M:%S"),
            ),
        )
        article = Article.objects.get(title="编辑部新稿ROLEtitle")
        assert article.is_scheduled and not article.is_published
        listing = client.get(CHANGELIST_URL).content.decode()
        assert "已排期" in listing
        form = client.get(change_url(article)).content.decode()
        assert "已排期：将于" in form

    def test_chief_withdraws_from_the_form(self, client):
        """A chief can set status=withdrawn; the article leaves the site."""
        client.force_login(chief())
        article = make_article(title="要撤下的", slug="to-withdraw")
        published_at = timezone.localtime(article.published_at)
        client.post(
            change_url(article),
            form_data(
                article.category,
                title="要撤下的",
                status="withdrawn",
                published_at_0=published_at.strftime("%Y-%m-%d"),
                published_at_1=published_at.strftime("%H:%M:%S"),
            ),
        )
        article.refresh_from_db()
        assert article.status == Article.Status.WITHDRAWN

    @pytest.mark.parametrize(
        ("name", "before", "after"),
        [
            ("publish", "draft", "published"),
            ("withdraw", "published", "withdrawn"),
            ("unpublish", "published", "draft"),
        ],
    )
    def test_chief_actions_work(self, client, name, before, after):
        """Publish, withdraw and back-to-draft actions change the selected articles for a chief."""
        client.force_login(chief())
        article = make_article(status=before)
        action(client, name, [article])
        article.refresh_from_db()
        assert article.status == after
        assert article.history.first().history_user.username == "zhubian"

    def test_chief_deletes(self, client):
        """A chief may delete an article through the delete page."""
        client.force_login(chief())
        article = make_article()
        url = reverse("admin:articles_article_delete", args=[article.pk])
        assert client.post(url, {"post": "yes"}).status_code == 302
        assert not Article.objects.filter(pk=article.pk).exists()

    def test_chief_manages_categories(self, client):
        """A chief may add a category."""
        client.force_login(chief())
        response = client.post(
            reverse("admin:articles_category_add"), {"name": "主编加的分类", "slug": "chiefadd"}
        )
        assert response.status_code == 302
        assert Category.objects.filter(slug="chiefadd").exists()

    def test_chief_manages_tags_and_editor_cannot(self, client):
        """Tags themselves (rename, add in the tag admin) are the chief's; editors get 403."""
        from taggit.models import Tag

        add = reverse("admin:taggit_tag_add")
        client.force_login(editor("ed2"))
        assert client.post(add, {"name": "编辑加的标签", "slug": "ed-tag"}).status_code == 403
        client.force_login(chief("chief2"))
        assert client.post(add, {"name": "主编加的标签", "slug": "chief-tag"}).status_code == 302
        assert list(Tag.objects.values_list("name", flat=True)) == ["主编加的标签"]

    def test_preview_link_on_list_and_form(self, client):
        """The list and the change form both offer a 预览 link to the article's preview."""
        client.force_login(chief())
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        preview = reverse("admin:articles_article_preview", args=[article.pk])
        assert f'href="{preview}"' in client.get(CHANGELIST_URL).content.decode()
        assert f'href="{preview}"' in client.get(change_url(article)).content.decode()


class TestOthers:
    def test_staff_without_role_cannot_open_articles(self, client):
        """Staff with no role get 403 on the article list and the add page."""
        client.force_login(make_user("norole"))
        assert client.get(CHANGELIST_URL).status_code == 403
        assert client.post(ADD_URL, form_data(make_category())).status_code == 403
        assert not Article.objects.filter(title="编辑部新稿ROLEtitle").exists()

    def test_non_staff_is_sent_to_login(self, client):
        """A logged-in reader (not staff) is redirected to the admin login."""
        client.force_login(make_user("reader", is_staff=False))
        response = client.get(CHANGELIST_URL)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


class TestSetRole:
    @pytest.mark.parametrize(
        ("given", "group"),
        [("编辑", EDITOR), ("editor", EDITOR), ("chief", CHIEF), ("主编", CHIEF)],
    )
    def test_set_role_gives_group_and_staff(self, given, group):
        """set_role USER ROLE puts the user in exactly that group and makes them staff."""
        user = make_user("wang", is_staff=False)
        call_command("set_role", "wang", given)
        user.refresh_from_db()
        assert user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [group]

    def test_set_role_replaces_the_other_role(self):
        """Promoting an editor to chief leaves them only in 主编."""
        editor("li")
        call_command("set_role", "li", "主编")
        from django.contrib.auth.models import User

        assert list(User.objects.get(username="li").groups.values_list("name", flat=True)) == [
            CHIEF
        ]

    @pytest.mark.parametrize(
        ("username", "role", "message"),
        [("nobody", "编辑", "没有用户"), ("wang", "boss", "未知角色")],
    )
    def test_set_role_refuses_bad_input(self, username, role, message):
        """An unknown user or role is a clear error, not a traceback."""
        make_user("wang")
        with pytest.raises(CommandError, match=message):
            call_command("set_role", username, role)
