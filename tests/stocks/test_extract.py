"""名称(代码) extraction: markets, name boundaries, and what must never match."""

import pytest

from stocks.extract import code_mentions
from stocks.matcher import matchable
from stocks.models import best_name


def found(text):
    return [(m.code, m.market, m.name) for m in code_mentions(text)]


class TestMarkets:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("贵州茅台(600519)", ("600519", "SH", "贵州茅台")),
            ("中芯国际（688981）", ("688981", "SH", "中芯国际")),
            ("新希望(000876)", ("000876", "SZ", "新希望")),
            ("宁德时代(300750.SZ)", ("300750", "SZ", "宁德时代")),
            ("贝特瑞(835185)", ("835185", "BJ", "贝特瑞")),
            ("某北交所公司(920001)", ("920001", "BJ", "某北交所公司")),
            ("智能电动车ETF（516380）", ("516380", "SH", "智能电动车ETF")),
            ("创业板ETF(159915)", ("159915", "SZ", "创业板ETF")),
            ("海伦司(09869.HK)", ("09869", "HK", "海伦司")),
            ("颐海国际(1579.HK)", ("01579", "HK", "颐海国际")),
            ("信义能源(03868)", ("03868", "HK", "信义能源")),
            ("特斯拉(TSLA.O)", ("TSLA", "US", "特斯拉")),
            ("阿里巴巴(BABA.N)", ("BABA", "US", "阿里巴巴")),
            ("苹果(NASDAQ: AAPL)", ("AAPL", "US", "苹果")),
            ("周五美股收盘，蔚来(NIO)涨5%", ("NIO", "US", "蔚来")),
        ],
    )
    def test_code_and_market(self, text, expected):
        """Each market's way of writing a code gives the code as stored and its market."""
        assert found(text) == [expected]


class TestNames:
    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("8日，白酒股龙头贵州茅台(600519)盘中涨逾4%", "贵州茅台"),
            ("记者从中国石化（600028）获悉", "中国石化"),
            ("资料显示，有研稀土为有研新材(600206)子公司", "有研新材"),
            ("，与贵州茅台(600519)相比", "贵州茅台"),
            ("和而泰(002402)公告", "和而泰"),
            ("永和智控(002795)公告", "永和智控"),
            ("12月7日晚间，新希望(000876)正式披露", "新希望"),
            ("高盛：首予信义能源(03868)“买入”评级", "信义能源"),
        ],
    )
    def test_leading_noise_is_cut(self, text, name):
        """Clause punctuation, verbs, prepositions and 龙头 before a name are not part of it."""
        assert [m.name for m in code_mentions(text)] == [name]

    def test_shortest_name_seen_twice_wins(self):
        """A noisy sighting supports the name it ends with; a single short sighting does not win."""
        assert best_name({"升颐海国际": 1, "颐海国际": 1}) == "颐海国际"
        assert best_name({"预计港交所": 1, "港交所": 2}) == "港交所"
        assert best_name({"贵州茅台": 3, "茅台": 1}) == "贵州茅台"


class TestMustNotMatch:
    @pytest.mark.parametrize(
        "text",
        [
            "2022(05)月报",
            "截至2022年(05)",
            "募集资金600000元",
            "净利润（600000万元）",
            "金额(600519元)",
            "咨询电话(021)12345678",
            "联系电话：(0755)83456789",
            "服务热线(400)8888888",
            "报告期(2021)",
            "见第(12)页",
            "（第38页）",
            "增长(12.5%)",
            "同比(+600519%)",
            "季度国内生产总值(GDP)",
            "抬头显示(HUD)",
            "Faraday Future (FF)",
            "最小存货单位(SKUs)",
            "邮编(100000)",
            "(600519)",
            "，(000876)。",
            "已超过2020年全年销量(829万头)",
        ],
    )
    def test_not_a_security(self, text):
        """Dates, amounts, phone numbers, years, pages, percentages and abbreviations are not codes."""
        assert found(text) == []


class TestNameOnlyMatching:
    @pytest.mark.parametrize("name", ["中国", "平安", "银行", "发展", "ABC", "港交所"])
    def test_common_words_are_not_matched_alone(self, name):
        """Common two-character words, short Latin names and exchanges need their code."""
        assert not matchable(name)

    @pytest.mark.parametrize("name", ["欧菲光", "贵州茅台", "格力", "NVIDIA"])
    def test_names_matched_alone(self, name):
        assert matchable(name)
