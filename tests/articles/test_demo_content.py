"""Demo content tells the truth: made-up publications, each story once, summaries as plain text."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import demo_data, demo_texts
from articles.models import Article, Category

pytestmark = pytest.mark.django_db

# Publishers of the archive sample and the old demo data: never put on a demo text.
REAL_PUBLISHERS = {"大众证券报", "东财滚动新闻", "中证网", "21世纪经济报道", "36氪", "湖南日报"}


class TestQuickStartSeed:
    def test_each_story_once_under_made_up_publications(self):
        """Without --articles: every demo story once, each under a 演示 publication, no others."""
        call_command("seed_demo", stdout=None)
        titles = Counter(Article.objects.values_list("title", flat=True))
        assert titles == Counter(title for title, _, _ in demo_data.STORIES)
        names = set(Category.objects.values_list("name", flat=True))
        assert all(name.startswith("演示·") for name in names)
        assert not names & REAL_PUBLISHERS
        assert not Category.objects.filter(name__regex=r"\d{4}$").exists()
        assert set(Article.objects.values_list("source_name", flat=True)) <= names

    def test_tags_belong_to_their_story(self):
        """A tag page lists only the stories given that tag (银行 lists no chip story)."""
        call_command("seed_demo", stdout=None)
        body = self.client_get(reverse("articles:tag", args=["银行"]))
        tagged = {
            title
            for (title, _, _), (_, tags) in zip(
                demo_data.STORIES, demo_data.STORY_PLACES, strict=True
            )
            if "银行" in tags
        }
        assert tagged and all(title in body for title in tagged)
        assert "科技公司发布大模型新品" not in body

    def test_newest_story_is_recent_and_none_is_a_site_notice(self):
        """The stories are spread over the last hours; no 开站大吉 notice among them."""
        call_command("seed_demo", stdout=None)
        assert not Article.objects.filter(title__contains="开站").exists()
        assert Article.objects.published().count() == len(demo_data.STORIES)

    @pytest.fixture(autouse=True)
    def _client(self, client):
        self.client_get = lambda url: client.get(url).content.decode()


class TestSummaries:
    def test_corpus_summaries_are_plain_text(self, corpus_dir):
        """Archive-sample summaries have no entities, source-link lines or Markdown back links."""
        texts = demo_texts.corpus_texts(corpus_dir / "_posts")
        assert len(texts) > 20
        for text in texts:
            assert "&lt;" not in text.summary and "&amp;" not in text.summary
            assert "[返回" not in text.summary and "](../" not in text.summary
            assert "<http" not in text.summary

    def test_summary_from_a_post_with_a_source_line_and_back_link(self, tmp_path):
        """A post's source-link line and back links stay out of its summary; & is decoded once."""
        posts = tmp_path / "_posts"
        posts.mkdir()
        (posts / "2021-12-08-202112082206672930.md").write_text(
            '---\ntitle: "券商&amp;基金SUMq1"\ndate: 2021-12-08 10:00:00\ncategories: emnews\n---\n'
            "<http://finance.eastmoney.com/a/202112082206672930.html>\n\n"
            "[返回东财滚动新闻](../emnews/)\n\n"
            "券商 &amp; 基金同日发布公告，市场关注度上升。\n",
            encoding="utf-8",
        )
        (text,) = demo_texts.corpus_texts(posts)
        assert text.summary == "券商 & 基金同日发布公告，市场关注度上升。"
