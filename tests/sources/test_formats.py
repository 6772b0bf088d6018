"""Each format comes out right and goes through the pipeline: RSS in GBK, Atom, the JSON presets."""

from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from articles.models import Article
from ingest.models import IngestedItem
from sources.models import Source
from sources.polling import poll_due
from tests.factories import make_category
from tests.sources.conftest import as_json, atom, rss
from tests.sources.server import Reply

pytestmark = pytest.mark.django_db


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def beijing(moment):
    """``2026-11-29 10:46:18``: how eastmoney writes times (Beijing, no offset)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def gbk_feed():
    return rss(
        [
            {
                "title": "沪指收涨０.５％，券商股领涨",
                "link": "http://finance.example.cn/a/1.html",
                "guid": "gbk-1",
                # Within the source's silent_minutes (60): "ok" in trading hours too.
                "pubDate": format_datetime(ago(minutes=1)),
                "description": "&lt;p&gt;成交额突破万亿元，镕、堃、喆等字照常显示。&lt;/p&gt;",
            },
            {
                "title": "央行开展逆回购操作",
                "link": "http://finance.example.cn/a/2.html",
                "guid": "gbk-2",
                "pubDate": format_datetime(ago(hours=2)),
                "description": "净投放资金。",
            },
        ],
        encoding="gbk",
    )


class TestFeeds:
    def test_gbk_rss_comes_out_right(self, server, make_source, client):
        """A GBK-encoded RSS 2.0 feed: Chinese titles and bodies stored and shown correctly."""
        url = server.route("/gbk.xml", Reply(gbk_feed(), content_type="application/rss+xml"))
        source = make_source(url, name="GBK 频道", publication="测试财经网")
        [outcome] = poll_due()
        assert outcome.ok, outcome.error
        assert outcome.counts["created"] == 2
        article = Article.objects.get(source_url="http://finance.example.cn/a/1.html")
        assert article.title == "沪指收涨０.５％，券商股领涨"
        assert "镕、堃、喆" in article.body
        assert article.source_name == "测试财经网"
        assert article.category.name == "测试财经网"
        page = client.get(article.get_absolute_url())
        assert "沪指收涨０.５％，券商股领涨" in page.content.decode()
        source.refresh_from_db()
        assert source.health() == "ok"
        assert source.last_new_items == 2

    def test_gb2312_declared_feed_with_gbk_characters(self, server, make_source):
        """A feed declaring gb2312 but using GBK-only characters (镕) still reads right."""
        body = gbk_feed().replace(b'encoding="gbk"', b'encoding="gb2312"')
        make_source(server.route("/gb2312.xml", Reply(body)))
        [outcome] = poll_due()
        assert outcome.counts["created"] == 2
        assert "镕、堃、喆" in Article.objects.get(source_url__endswith="/1.html").body

    def test_atom(self, server, make_source):
        """An Atom feed: entries with their content and times, in the category chosen."""
        category = make_category(name="宏观", slug="macro")
        published = ago(hours=3).replace(microsecond=0)
        body = atom(
            [
                {
                    "title": "统计局公布工业增加值",
                    "id": "urn:atom:1",
                    "link": "https://stats.example.cn/1",
                    "updated": published.isoformat(),
                    "content": "&lt;p&gt;同比增长&lt;b&gt;5%&lt;/b&gt;。&lt;/p&gt;",
                }
            ]
        )
        make_source(
            server.route("/atom.xml", Reply(body, content_type="application/atom+xml")),
            format=Source.Format.ATOM,
            category=category,
            tags="宏观数据，统计局",
        )
        [outcome] = poll_due()
        assert outcome.counts["created"] == 1
        article = Article.objects.get()
        assert article.title == "统计局公布工业增加值"
        assert article.category == category
        assert article.published_at == published
        assert "<b>5%</b>" in article.body
        assert sorted(article.tags.names()) == ["宏观数据", "统计局"]

    def test_items_without_dates_or_links_are_stored_once(self, server, make_source):
        """Items with neither date nor link are stored, stamped on arrival, and not again."""
        body = rss(
            [
                {"title": "没有日期也没有链接的条目", "description": "正文甲"},
                {"title": "第二条无链接"},
            ]
        )
        make_source(server.route("/bare.xml", Reply(body)))
        [first] = poll_due(all_sources=True)
        assert first.counts["created"] == 2
        [second] = poll_due(all_sources=True)
        assert second.counts["created"] == 0
        assert second.counts["unchanged"] == 2
        assert Article.objects.filter(title="没有日期也没有链接的条目").count() == 1

    def test_repoll_stores_nothing_twice(self, server, make_source):
        """Polling the same feed again creates nothing; new items in it are added."""
        url = server.route("/gbk.xml", Reply(gbk_feed()))
        make_source(url)
        poll_due(all_sources=True)
        [again] = poll_due(all_sources=True)
        assert again.counts["created"] == 0
        assert Article.objects.count() == 2
        assert IngestedItem.objects.count() == 2


class TestJsonPresets:
    def _source(self, server, make_source, preset, path, data, **fields):
        url = server.route(path, Reply(as_json(data), content_type="application/json"))
        source = make_source(url, format=Source.Format.JSON, preset=preset, **fields)
        return source

    def test_eastmoney_7x24(self, server, make_source, client):
        """records[]: flash items of 东财滚动新闻, Beijing times, a body from the body URL."""
        when = ago(minutes=30).replace(microsecond=0)
        data = {
            "records": [
                {
                    "title": "【离岸人民币升值】离岸人民币兑美元升至6.35",
                    "digest": "离岸人民币兑美元升至6.35，日内涨200点。",
                    "id": "998877",
                    "infoCode": "202611292206672930",
                    "url_w": "http://finance.eastmoney.com/a/202611292206672930.html",
                    "showtime": beijing(when),
                }
            ]
        }
        source = self._source(server, make_source, "eastmoney-7x24", "/7x24", data, kind="flash")
        source.mapping["body_url"] = server.url("/body/{id}")
        source.mapping["body_path"] = "data.content"
        source.save()
        server.route("/body/202611292206672930", _body_reply)
        [outcome] = poll_due()
        assert outcome.ok, outcome.error
        article = Article.objects.get()
        assert article.kind == Article.Kind.FLASH
        assert article.source_name == "东财滚动新闻"
        assert article.published_at == when
        assert article.summary == "离岸人民币兑美元升至6.35，日内涨200点。"
        assert "正文 202611292206672930" in article.body
        assert "alert(1)" not in article.body  # through the one sanitizer
        assert "离岸人民币升值" in client.get(article.get_absolute_url()).content.decode()

    def test_eastmoney_media(self, server, make_source):
        """nodeList[]: each item's publication from ``from`` decides its category."""
        data = {
            "nodeList": [
                {
                    "title": "券商晨会观点汇总",
                    "from": "证券时报",
                    "infocode": "NW1",
                    "showtime": beijing(ago(hours=1)),
                },
                {
                    "title": "基金经理调仓路线图",
                    "from": "中国基金报",
                    "infocode": "NW2",
                    "showtime": beijing(ago(hours=2)),
                },
            ]
        }
        self._source(server, make_source, "eastmoney-media", "/media", data)
        [outcome] = poll_due()
        assert outcome.counts["created"] == 2
        names = dict(Article.objects.values_list("title", "category__name"))
        assert names == {"券商晨会观点汇总": "证券时报", "基金经理调仓路线图": "中国基金报"}

    def test_eastmoney_market_with_body_endpoint(self, server, make_source):
        """record[]: medianame and datetime read; bodies fetched for new items only."""
        data = {
            "record": [
                {
                    "title": "A股三大指数集体收涨",
                    "medianame": "上海证券报",
                    "infoCode": "MK1",
                    "datetime": beijing(ago(hours=1)),
                },
            ]
        }
        source = self._source(server, make_source, "eastmoney-market", "/market", data)
        source.mapping.update(body_url=server.url("/body/{id}"), body_path="data.content")
        source.save()
        server.route("/body/MK1", _body_reply)
        poll_due(all_sources=True)
        article = Article.objects.get()
        assert article.source_name == "上海证券报"
        assert "正文 MK1" in article.body
        poll_due(all_sources=True)
        assert [r.path for r in server.requests].count("/body/MK1") == 1

    def test_preset_is_stored_as_data(self, make_source):
        """Choosing a preset copies its mapping onto the source, where an editor can change it."""
        source = make_source(
            "http://example.com/x", format=Source.Format.JSON, preset="eastmoney-market"
        )
        source.refresh_from_db()
        assert source.mapping["list"] == "record"
        assert source.mapping["fields"]["source"] == "medianame"


def _body_reply(request):
    item_id = request.path.rsplit("/", 1)[-1]
    return Reply(
        as_json({"data": {"content": f"<p>正文 {item_id}</p><script>alert(1)</script>"}}),
        content_type="application/json",
    )
