"""The ingestion pipeline: one status per item, identity, determinism, editors win."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Category
from ingest import pipeline
from ingest.categories import pinyin_slug
from ingest.items import flash_title, normalise_url
from ingest.models import IngestedItem
from jekyll import categories as jekyll_categories
from tests.factories import make_article, make_category
from tests.ingest.conftest import flash

pytestmark = pytest.mark.django_db


def ingest(items, **kwargs):
    kwargs.setdefault("origin", "test")
    return pipeline.ingest(items, **kwargs)


def statuses(results):
    return [result.status for result in results]


class TestStatuses:
    def test_created_then_unchanged(self):
        """A new item is created; the same item again is unchanged, no second article."""
        assert statuses(ingest([flash(1)])) == ["created"]
        assert statuses(ingest([flash(1)])) == ["unchanged"]
        assert Article.objects.count() == 1

    def test_created_fields(self):
        """A created article carries the item's fields, published at its time."""
        [result] = ingest(
            [
                {
                    "title": "央行开展逆回购操作",
                    "summary": "央行今日开展1000亿元逆回购。",
                    "body_html": "<p>正文段落</p>",
                    "url": "https://www.example.com/news/1.html",
                    "external_id": 123,
                    "source": "大众证券报",
                    "tags": ["央行", "ＥＴＦ"],
                    "published_at": "2021-12-08 10:46:18",
                    "important": True,
                }
            ]
        )
        article = Article.objects.get()
        assert result.article == article
        assert article.title == "央行开展逆回购操作"
        assert article.status == Article.Status.PUBLISHED
        assert article.kind == Article.Kind.ARTICLE and article.important
        assert article.source_name == "大众证券报"
        assert article.category.name == "大众证券报"
        assert article.category.slug == "dazhongzhengquanbao"
        assert timezone.localtime(article.published_at).isoformat() == "2021-12-08T10:46:18+08:00"
        assert sorted(article.tags.names()) == ["ETF", "央行"]
        assert result.path == article.get_absolute_url()

    def test_updated_by_same_source(self):
        """The same identity from the same source with new text updates the stored article."""
        [first] = ingest([flash(1)])
        [second] = ingest([flash(1, summary="【快讯标题1】更正后的快讯正文。")])
        assert second.status == "updated"
        assert second.article.pk == first.article.pk
        assert Article.objects.get().summary == "【快讯标题1】更正后的快讯正文。"

    def test_duplicate_from_other_source(self):
        """The same original URL from another source is a duplicate of the stored article."""
        [first] = ingest([flash(1)])
        [second] = ingest([flash(1, source="新浪财经", external_id="sina-1")])
        assert second.status == "duplicate"
        assert second.path == first.path
        assert Article.objects.count() == 1

    def test_url_identity_ignores_tracking_and_form(self):
        """Scheme, www., default port, trailing slash and utm_* do not make a new story."""
        ingest([{"title": "甲", "source": "甲报", "url": "http://example.com/a/1"}])
        [result] = ingest(
            [
                {
                    "title": "甲",
                    "source": "乙报",
                    "url": "https://www.example.com:443/a/1/?utm_source=wx&spm=1",
                }
            ]
        )
        assert result.status == "duplicate"

    def test_rejected_names_fields(self):
        """A bad item is rejected with errors naming its fields; the others are stored."""
        results = ingest(
            [
                {"title": "无来源的标题"},
                flash(1),
                {"source": "甲报", "title": "x" * 301},
                {"source": "甲报", "title": "时间错", "published_at": "明天"},
                {"source": "甲报", "title": "标签多", "tags": [f"t{i}" for i in range(51)]},
                "not an object",
            ]
        )
        assert statuses(results) == [
            "rejected",
            "created",
            "rejected",
            "rejected",
            "rejected",
            "rejected",
        ]
        assert list(results[0].errors) == ["source"]
        assert list(results[2].errors) == ["title"]
        assert list(results[3].errors) == ["published_at"]
        assert list(results[4].errors) == ["tags"]
        assert list(results[5].errors) == ["item"]
        assert Article.objects.count() == 1

    @pytest.mark.parametrize(
        ("value", "accepted"),
        [
            ("1989-12-31T23:59:59+08:00", False),
            ("1990-01-01T00:00:00+08:00", True),
            ("9999-12-31T23:00:00-05:00", False),
            ("0001-01-01T00:00:00+08:00", False),
            ("2021-12-08T02:46:18Z", True),
        ],
    )
    def test_published_at_bounds(self, value, accepted):
        """Times before 1990 or more than a day ahead are rejected."""
        [result] = ingest([{"title": "时间", "source": "甲报", "published_at": value}])
        assert (result.status == "created") is accepted

    def test_more_than_a_day_ahead_rejected(self):
        """A time 25 hours ahead is rejected; 23 hours ahead schedules the article."""
        late = timezone.now() + timedelta(hours=25)
        soon = timezone.now() + timedelta(hours=23)
        results = ingest(
            [
                {"title": "太晚", "source": "甲报", "published_at": late.isoformat()},
                {"title": "排期", "source": "甲报", "published_at": soon.isoformat()},
            ]
        )
        assert statuses(results) == ["rejected", "created"]
        assert results[1].article.is_scheduled

    def test_missing_time_is_arrival(self):
        """No published_at: the time the item arrives."""
        before = timezone.now()
        [result] = ingest([{"title": "无时间", "source": "甲报"}])
        assert result.article.published_at >= before

    def test_unknown_category_slug_rejected(self):
        """A category slug that does not exist is rejected, naming the field."""
        [result] = ingest([{"title": "甲", "source": "甲报", "category": "no-such-slug"}])
        assert result.status == "rejected" and list(result.errors) == ["category"]

    def test_category_by_slug(self):
        """A given category slug wins over the source name."""
        category = make_category(name="编辑的分类", slug="bianji")
        [result] = ingest([{"title": "甲", "source": "甲报", "category": "BianJi"}])
        assert result.article.category == category


class TestFlash:
    def test_title_from_brackets(self):
        """A flash item without title takes the text inside 【…】 at the start of its summary."""
        assert flash_title("【央行：下调存款准备金率】央行决定…") == "央行：下调存款准备金率"

    def test_title_from_first_sentence(self):
        """Without 【…】, the first sentence."""
        assert flash_title("离岸人民币升至6.35。为2018年以来最高。") == "离岸人民币升至6.35"

    def test_flash_without_title_or_summary_rejected(self):
        """A flash item needs a title or a summary."""
        [result] = ingest([{"kind": "flash", "source": "甲报"}])
        assert result.status == "rejected" and "title" in result.errors

    def test_flash_stored_as_flash(self):
        [result] = ingest([flash(7, important=True)])
        article = Article.objects.get(pk=result.article.pk)
        assert article.kind == Article.Kind.FLASH and article.important
        assert article.title == "快讯标题7"


class TestDeterminism:
    ORIGINAL = {
        "title": "原始报道",
        "source": "证券时报",
        "url": "https://example.com/story/42",
        "published_at": "2021-12-08T09:00:00+08:00",
    }
    REPOST = {
        "title": "原始报道（转载）",
        "source": "某转载网",
        "url": "http://www.example.com/story/42/?utm_medium=feed",
        "published_at": "2021-12-08T11:30:00+08:00",
    }

    @pytest.mark.parametrize("order", ["original first", "repost first"])
    def test_earliest_published_wins_in_a_batch(self, order):
        """Two copies in one batch: the earliest-published is the article, whatever the order."""
        items = [self.ORIGINAL, self.REPOST]
        if order == "repost first":
            items.reverse()
        results = ingest(items)
        by_title = {item["title"]: result for item, result in zip(items, results, strict=True)}
        assert by_title["原始报道"].status == "created"
        assert by_title["原始报道（转载）"].status == "duplicate"
        assert by_title["原始报道（转载）"].path == by_title["原始报道"].path
        assert Article.objects.get().source_name == "证券时报"

    def test_stored_article_stays_across_batches(self):
        """An earlier copy arriving later does not replace the stored article of another source."""
        [first] = ingest([self.REPOST])
        [second] = ingest([self.ORIGINAL])
        assert second.status == "duplicate"
        assert Article.objects.get().pk == first.article.pk


class TestEditorsWin:
    def test_editor_change_kept(self):
        """An article an editor changed after it came in is not overwritten."""
        [result] = ingest([flash(1)])
        article = Article.objects.get(pk=result.article.pk)
        article.title = "编辑改过的标题"
        article.save()
        [again] = ingest([flash(1, summary="【快讯标题1】来源改过的正文。")])
        assert again.status == "kept"
        assert Article.objects.get().title == "编辑改过的标题"

    def test_withdrawn_never_revived(self):
        """A withdrawn article stays withdrawn and unchanged."""
        [result] = ingest([flash(1)])
        Article.objects.filter(pk=result.article.pk).update(status=Article.Status.WITHDRAWN)
        [again] = ingest([flash(1, summary="【快讯标题1】改过的正文。")])
        assert again.status == "kept"
        article = Article.objects.get()
        assert article.status == Article.Status.WITHDRAWN
        assert article.summary == "【快讯标题1】快讯正文第1条。"

    def test_draft_not_published_by_update(self):
        """An update never changes a draft's status."""
        ingest([flash(1)], draft=True)
        assert Article.objects.get().status == Article.Status.DRAFT
        [again] = ingest([flash(1, summary="【快讯标题1】新正文。")])
        assert again.status == "updated"
        assert Article.objects.get().status == Article.Status.DRAFT

    def test_editor_article_with_same_url_kept(self):
        """An editor's own article holding the URL is never taken over."""
        category = make_category(name="东方财富", slug="dongfangcaifu")
        article = make_article(
            category=category, source_name="东方财富", source_url=flash(1)["url"]
        )
        Article.objects.filter(pk=article.pk).update(updated_by=_editor())
        [result] = ingest([flash(1)])
        assert result.status == "kept"
        assert Article.objects.get().title == article.title


def _editor():
    from django.contrib.auth.models import User

    return User.objects.create_user("editor-ingest", password="x" * 12)


class TestSanitize:
    def test_script_and_onerror_removed(self):
        """A body with <script> and onerror is stored sanitized."""
        [result] = ingest(
            [
                {
                    "title": "带脚本的正文",
                    "source": "甲报",
                    "body_html": '<p>正文<script>alert("xss-ingest")</script></p>'
                    '<img src="https://example.com/a.png" onerror="alert(1)">',
                }
            ]
        )
        body = Article.objects.get(pk=result.article.pk).body
        assert "<script" not in body and "xss-ingest" not in body
        assert "onerror" not in body
        assert "正文" in body


class TestCategories:
    def test_existing_category_by_name(self):
        """A source matching an existing category's name goes there."""
        category = make_category(name="证券时报", slug="zqsb-editors")
        [result] = ingest([{"title": "甲", "source": "证券时报"}])
        assert result.article.category == category

    def test_old_alias_by_pinyin(self):
        """A source whose pinyin is an old Jekyll category slug goes to that category."""
        from jekyll.models import CategoryAlias

        category = make_category(name="Dazhongzhengquanbao", slug="dzzqb")
        CategoryAlias.objects.create(old_slug="dazhongzhengquanbao", category=category)
        [result] = ingest([{"title": "甲", "source": "大众证券报"}])
        assert result.article.category == category

    def test_new_category_once(self):
        """A new source makes one category, whose slug is its pinyin."""
        ingest([{"title": "甲", "source": "新来源报"}, {"title": "乙", "source": "新来源报"}])
        assert list(Category.objects.values_list("slug", flat=True)) == ["xinlaiyuanbao"]

    # Category pages of the corpus whose title names the publication in Chinese.
    # (Some pages carry another publication's title, e.g. 21CNkeji titled
    # 申万宏源宏观新闻: the old site's page titles were shuffled; they say
    # nothing about the crawler's slugs.)
    CORPUS_PAIRS = [
        ("20she", "20社"),
        ("35ke", "35氪"),
        ("6Gjulebu", "6G俱乐部"),
        ("Ashiye", "A视野"),
        ("CfetsOnlinefabu", "CfetsOnline发布"),
        ("FTzhongwenwang", "FT中文网"),
        ("IPOzaozhidao", "IPO早知道"),
        ("aifaner", "爱范儿"),
        ("anxinguoji", "安信国际"),
        ("anxinguojizhengquan", "安信国际证券"),
        ("asidake", "阿思达克"),
        ("21shijiejingjibaodao", "21世界经济报道"),
        ("21shijijingjibaodao  nancailicaitong", "21世纪经济报道  南财理财通"),
    ]

    def test_corpus_slugs_match_old_pinyin(self, corpus_dir):
        """pypinyin gives the corpus categories the slugs the old crawler (xpinyin) gave."""
        pages = {}
        for page in (corpus_dir / "category").glob("*.html"):
            parsed = jekyll_categories.parse_category_page(page.read_text(encoding="utf-8"))
            if parsed:
                pages[parsed[0]] = jekyll_categories.name_from_page_title(parsed[1], parsed[0])
        for old_slug, name in self.CORPUS_PAIRS:
            assert pages[old_slug] == name
            assert pinyin_slug(name) == jekyll_categories.normalise_slug(old_slug), name
        # And the one publication category among the posts (tag 大众证券报新闻).
        post = next((corpus_dir / "_posts").glob("*dazhongzhengquanbao*"), None) or next(
            p
            for p in (corpus_dir / "_posts").iterdir()
            if "categories: dazhongzhengquanbao" in p.read_text(encoding="utf-8")
        )
        assert "tags: 大众证券报新闻" in post.read_text(encoding="utf-8")
        assert pinyin_slug(jekyll_categories.name_from_tag("大众证券报新闻")) == (
            "dazhongzhengquanbao"
        )


class TestIdentity:
    def test_normalise_url(self):
        assert normalise_url("HTTPS://WWW.Example.com:443/a/?utm_source=x&b=2&a=1") == (
            "example.com/a?a=1&b=2"
        )
        assert normalise_url("http://example.com:8080/a") == "example.com:8080/a"
        assert normalise_url("javascript:alert(1)") == ""

    def test_same_external_id_other_url_updates(self):
        """(source, external id) is the identity first: a changed URL is still an update."""
        ingest([flash(1)])
        [result] = ingest([flash(1, url="https://finance.eastmoney.com/a/moved.html")])
        assert result.status == "updated"
        assert IngestedItem.objects.count() == 1

    def test_other_id_same_url_is_a_duplicate_across_batches(self):
        """A republication under its own id with a stored item's URL is a duplicate."""
        [first] = ingest([flash(1)])
        [second] = ingest([flash(2, url=flash(1)["url"], summary="【转载REPUBr9】转载。")])
        assert second.status == "duplicate"
        assert second.article.pk == first.article.pk
        assert not Article.objects.filter(title__contains="REPUBr9").exists()

    def test_trusted_fields_are_ignored_from_untrusted_doors(self):
        """A pushed item cannot choose its slug, shown source or archive category."""
        item = flash(1, slug="chosen-slug-SLUGx1", source_name="冒充来源FAKEs1")
        item["category_hint"] = "not read"
        [result] = ingest([item])
        assert result.status == "created"
        assert result.article.slug != "chosen-slug-slugx1"
        assert result.article.source_name == "东方财富"

    def test_trusted_door_sets_slug_and_shown_source(self):
        """The archive's door keeps the old id as the slug; its slug is an identity too."""
        item = flash(1, slug="NW2022TRUSTED", source_name="大众证券报")
        [result] = ingest([item], trusted=True)
        assert (result.article.slug, result.article.source_name) == ("nw2022trusted", "大众证券报")
        IngestedItem.objects.all().delete()  # as if stored before the pipeline knew it
        [again] = ingest([flash(1, slug="NW2022TRUSTED", title="改TITLEt2")], trusted=True)
        assert again.status == "updated"
        assert Article.objects.get().title == "改TITLEt2"

    def test_tag_identity_shared_with_admin(self):
        """Tags differing only in case or width are one tag."""
        ingest([{"title": "甲", "source": "甲报", "tags": ["ETF"]}])
        [result] = ingest([{"title": "乙", "source": "甲报", "tags": ["ｅｔｆ"]}])
        from taggit.models import Tag

        assert Tag.objects.count() == 1
        assert list(result.article.tags.names()) == ["ETF"]
