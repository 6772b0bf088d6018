"""Stories at ingestion: near-duplicates from several sources join one story; others never do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, StoryFingerprint
from ingest import pipeline

pytestmark = pytest.mark.django_db

# Same news, two outlets, worded differently: pairs from ../shared/corpus/finews-jekyll
# (emnews posts of 2021-12-08, ids 202112082206885192/…891293, …757673/…761079,
# …735975/…883363).
SAME = [
    (
        (
            "工信部发布免征车辆购置税的新能源汽车车型目录（第四十九批）",
            "工信部发布免征车辆购置税的新能源汽车车型目录(第四十九批)，小鹏P5、比亚迪唐等在列。（财联社）",
        ),
        (
            "工信部发布新一批免征车辆购置税新能源汽车车型目录 比亚迪唐在列",
            "12月8日，工信部网站公告《免征车辆购置税的新能源汽车车型目录》（第四十九批），比亚迪唐，长城汽车旗下欧拉黑猫在列。",
        ),
    ),
    (
        ("北向资金净流入超40亿元", "北向资金净流入超40亿元。"),
        ("北向资金净流入超40亿", "数据显示，截至目前，北向资金净流入超40亿元。"),
    ),
    (
        (
            "国家知识产权局：打击非正常专利申请和商标恶意抢注行为",
            "记者今天从国家知识产权局第四季度例行新闻发布会上了解到，今年以来，国家知识产权局聚焦高质量发展，开展打击不以保护创新为目的的非正常专利申请和商标恶意抢注行为专项整治，2021年累计向地方通报4批次81.5万件非正常专利申请，前3批撤回率达93.1%；累计打击恶意商标注册申请37.6万件。",
        ),
        (
            "国家知识产权局张志成：严厉打击专利商标非正常申请行为",
            "据国家知识产权局数据显示，2021年累计向地方通报4批次81.5万件非正常专利申请，前3批撤回率达93.1%；累计打击恶意商标注册申请37.6万件。国家知识产权局知识产权保护司司长张志成表示，下一步，国家知识产权局将推动地方优化专利商标资助政策，严厉打击非正常申请行为。",
        ),
    ),
    (
        (
            "离岸人民币兑美元升至2018年以来最高水平",
            "离岸人民币兑美元升至6.3512，为2018年以来最高水平。",
        ),
        (
            "离岸人民币兑美元升至2018年以来最高水平",
            "离岸人民币兑美元升至6.3512，创2018年以来新高。（东方财富网）",
        ),
    ),
]
# Must not match: same company, different news; one template, different stocks.
DIFFERENT = [
    (
        (
            "贵州茅台：2021年净利润同比增长12%",
            "贵州茅台公告，2021年实现净利润524亿元，同比增长12%。",
        ),
        (
            "贵州茅台：董事长丁雄军增持公司股份",
            "贵州茅台公告，董事长丁雄军以自有资金增持公司股份1000股。",
        ),
    ),
    (
        ("海伦司(09869.HK)涨超5%", "海伦司(09869.HK)涨超5%，现报10.2港元。"),
        ("小米集团(01810.HK)涨超5%", "小米集团(01810.HK)涨超5%，现报18.3港元。"),
    ),
    (
        ("新东方在线(01797.HK)日内跌幅达5%", "新东方在线(01797.HK)日内跌幅达5%，现报12.3港元。"),
        (
            "金斯瑞生物科技(01548.HK)日内跌幅达5%",
            "金斯瑞生物科技(01548.HK)日内跌幅达5%，现报30.1港元。",
        ),
    ),
    (
        ("宁德时代(300750)涨超5%", "宁德时代(300750)盘中涨超5%，成交额超百亿元。"),
        ("比亚迪(002594)涨超5%", "比亚迪(002594)盘中涨超5%，成交额超百亿元。"),
    ),
    (
        ("央行开展1000亿元逆回购操作", "央行今日开展1000亿元7天期逆回购操作，中标利率2.2%。"),
        (
            "沪指收涨0.5% 创业板指涨1%",
            "沪指收涨0.5%，深成指涨0.8%，创业板指涨1%，两市成交额超万亿元。",
        ),
    ),
]

_n = iter(range(1, 10_000))


def item(title, summary, *, source, minutes=0):
    n = next(_n)
    return {
        "kind": "flash",
        "title": title,
        "summary": summary,
        "source": source,
        "external_id": f"story-{n}",
        "url": f"https://{source}.example.com/{n}.html",
        "published_at": (timezone.now() - timedelta(minutes=30 - minutes)).isoformat(),
    }


def ingest(items):
    results = pipeline.ingest(items, origin="test")
    return [Article.objects.get(pk=r.article.pk) for r in results]


def matched(a, b, *, batch):
    """Whether two items end up in one story (one batch, or one after the other)."""
    first = item(*a, source="cls")
    second = item(*b, source="eastmoney", minutes=5)
    if batch:
        x, y = ingest([first, second])
    else:
        [x] = ingest([first])
        [y] = ingest([second])
        x.refresh_from_db()
    return x.story_id is not None and x.story_id == y.story_id


class TestMatching:
    @pytest.mark.parametrize("batch", [False, True], ids=["stored", "same-batch"])
    def test_precision_and_recall_on_the_pairs(self, batch):
        """No must-not-match pair is grouped; at least 3 of the 4 real duplicates are."""
        found = [matched(a, b, batch=batch) for a, b in SAME]
        false = [matched(a, b, batch=batch) for a, b in DIFFERENT]
        recall = sum(found) / len(found)
        wrong = sum(false)
        precision = sum(found) / (sum(found) + wrong) if sum(found) + wrong else 1.0
        print(
            f"\nstories ({'same batch' if batch else 'stored'}): recall {recall:.2f} "
            f"({sum(found)}/{len(found)}), precision {precision:.2f}, false merges {wrong}/{len(false)}"
        )
        assert false == [False] * len(DIFFERENT)
        assert sum(found) >= 3, found

    def test_three_sources_one_story_lead_is_earliest(self):
        """Three outlets' copies of one item are one story; fingerprints are in the database."""
        title, text = SAME[3][0]
        a = item(title, text, source="cls")
        b = item(title, text + "（财联社）", source="sina", minutes=3)
        c = item(title, text, source="wallstreetcn", minutes=6)
        [x] = ingest([b])
        y, z = ingest([c, a])
        x.refresh_from_db()
        assert x.story_id and x.story_id == y.story_id == z.story_id
        assert StoryFingerprint.objects.count() == 3

    def test_outside_the_window_no_match(self, settings):
        """Copies further apart than STORY_WINDOW_HOURS are separate."""
        settings.STORY_WINDOW_HOURS = 1
        title, text = SAME[3][0]
        old = item(title, text, source="cls")
        old["published_at"] = (timezone.now() - timedelta(hours=3)).isoformat()
        [x] = ingest([old])
        [y] = ingest([item(title, text, source="sina")])
        assert x.story_id is None and y.story_id is None
