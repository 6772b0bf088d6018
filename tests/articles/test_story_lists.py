"""Stories in listings and on article pages: shown once under the lead, drafts never counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Story
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """One story from three outlets (earliest: 财联社), plus an unrelated item."""
    group = Story.objects.create()
    now = timezone.now()
    sources = [("财联社", 30), ("新浪财经", 20), ("华尔街见闻", 10)]
    members = [
        make_article(
            title=f"降准消息{name}版",
            source_name=name,
            kind=Article.Kind.FLASH,
            story=group,
            category=make_category(name=f"{name}来源"),
            published_at=now - timedelta(minutes=minutes),
        )
        for name, minutes in sources
    ]
    make_article(title="无关的一条快讯", kind=Article.Kind.FLASH)
    return group, members


LISTS = ["/", "/latest/", "/kuaixun/"]


class TestListings:
    @pytest.mark.parametrize("url", LISTS)
    def test_story_shown_once_under_its_lead(self, client, story, url):
        """The lead (earliest) is listed, with 另有 2 家来源 naming the others; they are not listed."""
        _, (lead, second, third) = story
        text = client.get(url).content.decode()
        main = text.split('class="side-col"')[0]
        assert main.count(lead.title) == 1
        assert "降准消息新浪财经版" not in main and "降准消息华尔街见闻版" not in main
        assert "<summary>另有 2 家来源</summary>" in main
        assert f'<a href="{second.get_absolute_url()}">新浪财经</a>' in main
        assert f'<a href="{third.get_absolute_url()}">华尔街见闻</a>' in main

    def test_category_pages_keep_their_own_items(self, client, story):
        """A member's category page lists that member, though it is not the lead."""
        _, (_, second, _) = story
        text = client.get(second.category.get_absolute_url()).content.decode()
        assert "降准消息新浪财经版" in text

    @pytest.mark.parametrize(
        "state",
        [
            {"status": Article.Status.DRAFT},
            {"published_at_delta": timedelta(hours=3)},
            {"status": Article.Status.WITHDRAWN},
        ],
        ids=["draft", "scheduled", "withdrawn"],
    )
    @pytest.mark.parametrize("url", LISTS)
    def test_unpublished_member_never_counted_or_shown(
        self, client, admin_client, story, state, url
    ):
        """A draft, scheduled or withdrawn member is not a source, not a lead, not linked."""
        group, (lead, *_) = story
        state = dict(state)
        delta = state.pop("published_at_delta", None)
        hidden = make_article(
            title="未发布的降准稿件",
            source_name="隐藏来源丁",
            kind=Article.Kind.FLASH,
            story=group,
            published_at=(timezone.now() + delta)
            if delta
            else lead.published_at - timedelta(hours=1),
            **state,
        )
        for c in (client, admin_client):
            text = c.get(url).content.decode()
            assert "<summary>另有 2 家来源</summary>" in text
            assert "隐藏来源丁" not in text and "未发布的降准稿件" not in text
            assert hidden.get_absolute_url() not in text
            assert lead.title in text


class TestArticlePage:
    def test_each_member_links_the_others(self, client, story):
        """Every member's page names its story's other published sources, linked."""
        _, members = story
        for member in members:
            text = client.get(member.get_absolute_url()).content.decode()
            assert "同一消息的其他来源（2 家）" in text
            for other in members:
                if other is not member:
                    assert f'<a href="{other.get_absolute_url()}">{other.source_name}：' in text

    def test_draft_member_not_linked_from_pages(self, client, story):
        """A draft member of the story is not among a published member's other sources."""
        group, (lead, *_) = story
        make_article(
            title="草稿成员戊", source_name="草稿来源戊", story=group, status=Article.Status.DRAFT
        )
        text = client.get(lead.get_absolute_url()).content.decode()
        assert "草稿来源戊" not in text
        assert "同一消息的其他来源（2 家）" in text

    def test_no_story_no_section(self, client):
        """An article in no story has no other-sources section."""
        article = make_article(title="独家消息己")
        assert "同一消息的其他来源" not in client.get(article.get_absolute_url()).content.decode()


class TestAdminActions:
    def _act(self, admin_client, action, articles):
        from django.urls import reverse

        return admin_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": action, "_selected_action": [a.pk for a in articles]},
            follow=True,
        )

    def test_split_takes_an_item_out_and_records_it(self, client, admin_client, story):
        """Splitting a wrongly grouped item lists it on its own again; its history says so."""
        _, (_lead, second, _) = story
        response = self._act(admin_client, "split_from_story", [second])
        assert "已将 1 篇文章移出所在报道" in response.content.decode()
        second.refresh_from_db()
        assert second.story_id is None
        assert second.history.latest().history_change_reason == "移出报道"
        text = client.get("/latest/").content.decode()
        assert "降准消息新浪财经版" in text
        assert "<summary>另有 1 家来源</summary>" in text

    def test_merge_two_stories(self, client, admin_client, story):
        """Merging makes the members of two stories one story, under the earliest lead."""
        group, (lead, *_rest) = story
        other_story = Story.objects.create()
        late = make_article(
            title="同一消息另一组庚",
            source_name="证券时报",
            kind=Article.Kind.FLASH,
            story=other_story,
        )
        make_article(title="同一消息另一组辛", kind=Article.Kind.FLASH, story=other_story)
        response = self._act(admin_client, "merge_stories", [lead, late])
        assert "已合并为报道" in response.content.decode()
        assert set(
            Article.objects.values_list("story_id", flat=True).filter(title__startswith="同一消息")
        ) == {group.pk}
        assert late.history.latest().history_change_reason == "合并报道"
        text = client.get("/kuaixun/").content.decode()
        assert "<summary>另有 4 家来源</summary>" in text
        assert "同一消息另一组庚" not in text

    def test_merge_needs_two_groups(self, admin_client, story):
        """Merging members of one story only is refused with a message."""
        _, (lead, second, _) = story
        response = self._act(admin_client, "merge_stories", [lead, second])
        assert "请选择属于不同报道的至少两篇文章" in response.content.decode()
