"""The Jekyll post parser: a pure function, tested on small texts without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from jekyll.categories import category_name, name_from_page_title, name_from_tag, normalise_slug
from jekyll.parser import (
    BEIJING,
    ParseError,
    article_slug,
    markdown_to_html,
    parse_date,
    parse_post,
)

NAME = "2022-05-19-NW202205192385065243.md"


def post(front="", body="正文第一段。", *, title='"测试标题"', date="2021-12-08 10:46:18"):
    lines = ["---", "layout: post"]
    if title is not None:
        lines.append(f"title: {title}")
    if date is not None:
        lines.append(f"date: {date}")
    lines += ["categories: emnews", "tags: 东财滚动新闻"]
    if front:
        lines.append(front)
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


class TestFrontMatter:
    def test_plain_digest_post(self):
        """A digest post gives title, Beijing date, category, tag, source URL and body."""
        record = parse_post(
            "2021-12-08-202112082206672930.md",
            post(body="离岸人民币升至6.3512。\n\n<http://finance.eastmoney.com/news/1,2.html>"),
        )
        assert record.title == "测试标题"
        assert record.published_at == datetime(2021, 12, 8, 10, 46, 18, tzinfo=BEIJING)
        assert record.category == "emnews"
        assert record.tags == ("东财滚动新闻",)
        assert record.source_url == "http://finance.eastmoney.com/news/1,2.html"
        assert record.body == "<p>离岸人民币升至6.3512。</p>"
        assert record.summary == "离岸人民币升至6.3512。"
        assert record.upstream_id == "202112082206672930"

    def test_blank_line_before_front_matter_and_no_final_newline(self):
        """A blank line before the first --- and a missing final newline are fine."""
        record = parse_post(NAME, "\n" + post(body="最后一行没有换行"))
        assert record.title == "测试标题"
        assert record.body == "<p>最后一行没有换行</p>"

    def test_crlf_line_endings(self):
        """CRLF line endings parse like LF ones."""
        record = parse_post(NAME, post(body="第一段\n\n第二段").replace("\n", "\r\n"))
        assert record.title == "测试标题"
        assert record.body == "<p>第一段</p>\n<p>第二段</p>"

    def test_utf8_bom(self):
        """A UTF-8 byte-order mark before the front matter is ignored."""
        record = parse_post(NAME, "\ufeff" + post())
        assert record.title == "测试标题"

    def test_unquoted_and_single_quoted_titles(self):
        """Titles may be quoted or not; HTML entities in them are decoded."""
        assert parse_post(NAME, post(title="无引号标题")).title == "无引号标题"
        assert parse_post(NAME, post(title="'单引号 &amp; 标题'")).title == "单引号 & 标题"

    def test_date_with_offset(self):
        """A +0800 offset is read as such."""
        record = parse_post(NAME, post(date="2022-05-19 16:10:23 +0800"))
        assert record.published_at == datetime(2022, 5, 19, 8, 10, 23, tzinfo=UTC)

    def test_date_without_offset_is_beijing_time(self):
        """A date without offset is Beijing time (UTC+8), not UTC."""
        record = parse_post(NAME, post(date="2021-12-08 10:46:18"))
        assert record.published_at.utcoffset() == timedelta(hours=8)
        assert record.published_at == datetime(2021, 12, 8, 2, 46, 18, tzinfo=UTC)
        assert not record.date_from_file_name

    @pytest.mark.parametrize("broken", ["' +0800'", "", "2021-13-45 99:00:00", "昨天"])
    def test_broken_date_falls_back_to_file_name(self, broken):
        """An unreadable date (e.g. `date:  +0800`) takes the date in the file name."""
        record = parse_post("2022-05-19-NW202205192385065243.md", post(date=broken))
        assert record.published_at == datetime(2022, 5, 19, tzinfo=BEIJING)
        assert record.date_from_file_name

    def test_literal_broken_date_line(self):
        """The archive's literal `date:  +0800` line falls back to the file name's date."""
        text = post(date=None).replace("layout: post", "layout: post\ndate:  +0800")
        record = parse_post("2021-12-08-202112082206672930.md", text)
        assert record.published_at == datetime(2021, 12, 8, tzinfo=BEIJING)

    def test_broken_date_without_file_date_is_an_error(self):
        """With neither a readable date nor a dated file name, the post is reported."""
        with pytest.raises(ParseError, match="no readable date"):
            parse_post("some-post.md", post(date="' +0800'"))

    def test_file_name_without_date_takes_date_from_upstream_id(self):
        """The odd `-202205262391921712.md` file name: id and day come from the number."""
        record = parse_post("-202205262391921712.md", post(date="' +0800'"))
        assert record.upstream_id == "202205262391921712"
        assert record.published_at == datetime(2022, 5, 26, tzinfo=BEIJING)

    def test_categories_with_spaces_parentheses_and_case(self):
        """The category is kept exactly as written (the old slug), spaces and case included."""
        text = post().replace("categories: emnews", "categories: 21shijijingjibaodao  nancaiAPP")
        assert parse_post(NAME, text).category == "21shijijingjibaodao  nancaiAPP"
        text = post().replace("categories: emnews", "categories: anxinguojizhengquan(xianggang)")
        assert parse_post(NAME, text).category == "anxinguojizhengquan(xianggang)"

    def test_category_list(self):
        """A YAML list of categories gives its first one."""
        text = post().replace("categories: emnews", "categories: [TechWeb, other]")
        assert parse_post(NAME, text).category == "TechWeb"


class TestEmptyTitle:
    def test_empty_title_is_derived_from_summary(self):
        """An empty title becomes the summary's first sentence, flagged as derived."""
        record = parse_post(NAME, post(title='""', body="央行今日开展逆回购操作。规模100亿元。"))
        assert record.title == "央行今日开展逆回购操作"
        assert record.title_derived

    def test_missing_title_is_derived_and_shortened(self):
        """A long first sentence gives a title of at most 60 characters."""
        record = parse_post(NAME, post(title=None, body="长" * 100))
        assert record.title == "长" * 59 + "…"

    def test_empty_title_and_no_text_is_an_error(self):
        """A post with neither a title nor any text is reported, not stored untitled."""
        with pytest.raises(ParseError, match="empty title"):
            parse_post(NAME, post(title='""', body="<>"))


class TestBody:
    HTML_POST = (
        "> 摘要在引用块里TLDRq1。\n\n"
        '<p>正文<span id="stock_1.600519"><a href="http://quote.eastmoney.com/1.600519">'
        "贵州茅台</a></span>上涨&nbsp;5%。</p>"
        '<center><img src="https://img.example.com/a.png"></center>'
        "<!-- 注释COMMENTx9 -->"
        '<p style="display:none">隐藏段落HIDDENp4</p>'
        "<p hidden>也是隐藏HIDDENa7</p>"
        "<p><strong>加粗小标题</strong></p>"
        '<p class="em_media">（文章来源：上海证券报）</p>\n\n'
        "<http://finance.eastmoney.com/a/202205192385065243.html>\n\n"
        "[返回上海证券报新闻](//finews.withounder.com/category/shzqb.html)"
        "｜[返回首页](//finews.withounder.com/)"
    )

    def test_blockquote_is_summary_not_body(self):
        """A leading `> ` blockquote is the summary and leaves the body."""
        record = parse_post(NAME, post(body=self.HTML_POST))
        assert record.summary == "摘要在引用块里TLDRq1。"
        assert "TLDRq1" not in record.body

    def test_raw_html_kept_hidden_and_comments_dropped(self):
        """Raw HTML stays (bold, links, images); hidden paragraphs and comments go."""
        body = parse_post(NAME, post(body=self.HTML_POST)).body
        assert "<strong>加粗小标题</strong>" in body
        assert 'href="http://quote.eastmoney.com/1.600519"' in body
        assert '<img src="https://img.example.com/a.png">' in body
        assert "&nbsp;5%" in body
        assert "COMMENTx9" not in body
        assert "HIDDENp4" not in body
        assert "HIDDENa7" not in body

    @pytest.mark.parametrize(
        "hidden",
        [
            '<div style="display: none;"><div>内层</div>HIDDENn1</div>',
            '<P STYLE="DISPLAY:NONE">HIDDENn1</P>',
            "<span hidden>HIDDENn1</span>",
            "<section hidden='hidden'><p>HIDDENn1</p></section>",
        ],
    )
    def test_hidden_elements_go_with_what_they_hold(self, hidden):
        """Hidden elements, nested ones too, leave with their content; what follows stays."""
        body = parse_post(NAME, post(body=f"<p>前文BEFOREv2</p>{hidden}<p>后文AFTERv3</p>")).body
        assert "HIDDENn1" not in body
        assert "内层" not in body
        assert "BEFOREv2" in body
        assert "AFTERv3" in body

    def test_hidden_lookalikes_stay(self):
        """A class named hidden-xs or a visible style is not hiding anything."""
        text = '<p class="hidden-xs">可见VISIBLEk1</p><p style="color:red">可见VISIBLEk2</p>'
        body = parse_post(NAME, post(body=text)).body
        assert "VISIBLEk1" in body
        assert "VISIBLEk2" in body

    def test_source_name_paragraph(self):
        """The closing （文章来源：X） paragraph names the source and leaves the body."""
        record = parse_post(NAME, post(body=self.HTML_POST))
        assert record.source_name == "上海证券报"
        assert "文章来源" not in record.body

    def test_source_name_in_markdown_paragraph(self):
        """（文章来源：X） as a Markdown paragraph works too."""
        record = parse_post(NAME, post(body="正文。\n\n（文章来源：证券时报）"))
        assert record.source_name == "证券时报"
        assert record.body == "<p>正文。</p>"

    def test_source_url_line_and_empty_autolink(self):
        """The `<http://…>` line is the source URL; `<>` means none; neither stays in the body."""
        record = parse_post(NAME, post(body=self.HTML_POST))
        assert record.source_url == "http://finance.eastmoney.com/a/202205192385065243.html"
        assert "202205192385065243.html" not in record.body
        empty = parse_post(NAME, post(body="正文。\n\n<>"))
        assert empty.source_url == ""
        assert empty.body == "<p>正文。</p>"

    @pytest.mark.parametrize(
        "links",
        [
            "[返回东财滚动新闻](../emnews/)\n[返回首页](../)",
            "[返回东财滚动新闻](./emnews/)\n[返回首页](./)",
            "[返回东财滚动新闻](//finews.zning.me/emnews/)\n[返回首页](//finews.zning.me/)",
            "[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)",
            "[返回大众证券报新闻](https://finews.withounder.com/category/dazhongzhengquanbao.html)"
            " | [返回首页](https://finews.withounder.com/)",
        ],
    )
    def test_back_links_are_not_content(self, links):
        """Trailing back links, in every variant seen, are dropped from the body."""
        record = parse_post(NAME, post(body=f"正文BODYz3。\n\n<http://a.example/1>\n\n{links}"))
        assert record.body == "<p>正文BODYz3。</p>"
        assert "返回" not in record.body

    def test_summary_is_first_paragraph_without_blockquote(self):
        """Without a blockquote the summary is the first paragraph, as plain text."""
        record = parse_post(NAME, post(body="<p>第一段<b>加粗</b>。</p><p>第二段。</p>"))
        assert record.summary == "第一段加粗。"


class TestBadFiles:
    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("", "empty file"),
            ("  \n\n", "empty file"),
            ("只有正文，没有前言", "no front matter"),
            ("---\ntitle: 没有结束\n正文", "not closed"),
            ('---\ntitle: "未闭合\n---\n正文', "not valid YAML"),
            ("---\n- 一个列表\n---\n正文", "key: value"),
            ('---\ntitle: "无分类"\ndate: 2021-12-08 10:00:00\n---\n正文', "no category"),
        ],
    )
    def test_unparseable_posts_raise_with_a_reason(self, text, reason):
        """Empty, front-matter-less, unclosed, bad-YAML and category-less posts say why."""
        with pytest.raises(ParseError, match=reason):
            parse_post(NAME, text)

    def test_bad_file_name(self):
        """A file name that is not a post's gives a clear reason."""
        with pytest.raises(ParseError, match="file name"):
            parse_post("notes.txt", post())


class TestSlugsAndNames:
    def test_article_slug_is_lowercased_upstream_id(self):
        """The article slug is the upstream id, lowercased."""
        assert article_slug("NW202205192385065243") == "nw202205192385065243"
        assert article_slug("202112082206672930") == "202112082206672930"

    def test_article_slug_for_unsafe_ids_is_stable_ascii(self):
        """An id that is no ASCII slug still gets a stable ASCII slug."""
        assert article_slug("开站") == article_slug("开站")
        assert article_slug("开站").startswith("post-")

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("dazhongzhengquanbao", "dazhongzhengquanbao"),
            ("TechWeb", "techweb"),
            ("anxinguojizhengquan(xianggang)", "anxinguojizhengquan-xianggang"),
            ("21shijijingjibaodao  nancailicaitong", "21shijijingjibaodao-nancailicaitong"),
            ("Career In touxingPEVC", "career-in-touxingpevc"),
        ],
    )
    def test_normalise_slug(self, old, new):
        """Category slugs become lowercase ASCII with hyphens."""
        assert normalise_slug(old) == new

    def test_names(self):
        """Names: the page title when real, else the tag without 新闻 (滚动新闻 feeds kept)."""
        assert name_from_tag("大众证券报新闻") == "大众证券报"
        assert name_from_tag("东财滚动新闻") == "东财滚动新闻"
        assert name_from_page_title("Dazhongzhengquanbao", "dazhongzhengquanbao") == ""
        assert name_from_page_title("20社新闻", "20she") == "20社"
        assert category_name("dazhongzhengquanbao", "Dazhongzhengquanbao", ["大众证券报新闻"]) == (
            "大众证券报"
        )
        assert category_name("emnews", None, ["东财滚动新闻"]) == "东财滚动新闻"
        assert (
            category_name("x y", "21世纪经济报道  南财理财通新闻", [])
            == "21世纪经济报道 南财理财通"
        )

    def test_parse_date_formats(self):
        """Dates with seconds or not, +0800, +08:00 and Z are read; junk is None."""
        assert parse_date("2021-12-08 10:46") == datetime(2021, 12, 8, 10, 46, tzinfo=BEIJING)
        assert parse_date("2021-12-08T10:46:18+08:00").utcoffset() == timedelta(hours=8)
        assert parse_date("2021-12-08 02:46:18 Z").utcoffset() == timedelta(0)
        assert parse_date(" +0800") is None
        assert parse_date(None) is None


class TestMarkdownFastPath:
    SAMPLES = [
        "离岸人民币兑美元升至6.3512，为2018年以来最高水平。",
        "第一段(央视新闻)\n\n第二段：30%，12-08；“引号”",
        "一行\n接着一行",
        "Paramount+将于2022年登陆亚洲市场 FF 91 1.8 mS/cm",
        "- 列表项\n- 第二项",
        "1. 第一\n2. 第二",
        "**加粗** 和 _斜体_",
        "带 & 符号 <b>标签</b>",
        "    缩进代码",
        "标题\n===",
        "硬换行  \n下一行",
        "[链接](http://a.example/)",
        '<p>原始HTML</p><p class="x">第二段</p>',
    ]

    @pytest.mark.parametrize("text", SAMPLES)
    def test_same_html_as_markdown(self, text):
        """The fast path for plain paragraphs gives exactly what Markdown gives."""
        import markdown

        assert markdown_to_html(text) == markdown.markdown(text, output_format="html")

    def test_corpus_posts_same_as_with_markdown_only(self, corpus_dir, monkeypatch):
        """Every corpus post parses to the same record with the fast path as without it."""
        import re

        from jekyll import parser

        paths = sorted((corpus_dir / "_posts").glob("*.md"))
        fast = [parse_post(p.name, p.read_text(encoding="utf-8")) for p in paths]
        monkeypatch.setattr(parser, "_MARKDOWN_CHARS_RE", re.compile(""))  # always Markdown
        slow = [parse_post(p.name, p.read_text(encoding="utf-8")) for p in paths]
        assert fast == slow
