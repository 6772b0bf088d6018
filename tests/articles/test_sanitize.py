"""The one sanitizer: what it keeps from real articles and what it never lets through."""

import re

import pytest

from articles.sanitize import sanitize_html


class TestDropsDangerousMarkup:
    def test_script_and_its_source_are_gone(self):
        """A <script> element disappears with its code, the text around it stays."""
        out = sanitize_html("<p>前文<script>alert('xss-script-zq')</script>后文</p>")
        assert "xss-script-zq" not in out
        assert "<script" not in out
        assert out == "<p>前文后文</p>"

    def test_event_handler_attributes_are_dropped(self):
        """onerror/onclick never survive, the image does."""
        out = sanitize_html('<img src="https://img.example.com/a.png" onerror="alert(1)">')
        assert "onerror" not in out
        assert 'src="https://img.example.com/a.png"' in out

    @pytest.mark.parametrize(
        "href",
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "vbscript:msgbox(1)",
        ],
    )
    def test_dangerous_link_schemes_lose_their_href(self, href):
        """javascript:, data: and vbscript: URLs are removed from links."""
        out = sanitize_html(f'<a href="{href}">点我</a>')
        assert "href" not in out
        assert "点我" in out

    def test_data_url_image_loses_its_source(self):
        """An image with a data: URL keeps no src."""
        out = sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4=">')
        assert "data:" not in out

    def test_iframe_form_and_embeds_are_dropped_with_content(self):
        """iframes, forms, objects and their content are removed entirely."""
        html = (
            '<iframe src="https://evil.example/">iframe-text-kp</iframe>'
            '<form action="/steal"><input name="pw"><button>form-button-kp</button></form>'
            '<object data="x.swf">object-text-kp</object><p>留下</p>'
        )
        out = sanitize_html(html)
        for marker in ("iframe", "form", "input", "object", "-kp"):
            assert marker not in out
        assert out == "<p>留下</p>"

    def test_style_attributes_and_elements_are_dropped(self):
        """style="" attributes and <style> sheets are removed."""
        out = sanitize_html(
            '<style>body{display:none}</style><p style="position:fixed;top:0">正文</p>'
        )
        assert "style" not in out
        assert "display" not in out
        assert out == "<p>正文</p>"

    def test_svg_and_math_are_dropped(self):
        """SVG/MathML payloads do not survive."""
        out = sanitize_html(
            '<svg onload="alert(1)"><script>x</script></svg><math><mi>y</mi></math>'
        )
        assert out == ""

    def test_nested_and_malformed_tags(self):
        """Malformed, nested and unclosed markup cannot smuggle a tag through."""
        cases = [
            "<scr<script>ipt>alert(1)</scr</script>ipt>",
            "<<img src=x onerror=alert(1)//<",
            '<p><a href="javascript:alert(1)"<b>粗</b></a>',
            "<div><p>未闭合",
            '<img src="x" onerror="alert(1)"',
            "<!--<script>alert(1)</script>-->注释后",
            '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        ]
        for html in cases:
            out = sanitize_html(html)
            assert "<script" not in out.lower()
            assert not re.search(r"<[^>]+\son\w+\s*=", out, re.I), out
            assert "javascript:" not in out.lower()

    def test_comments_are_dropped(self):
        """HTML comments (often upstream CMS markers) are removed."""
        assert sanitize_html("<p>甲<!-- EM_StockImg_Start -->乙</p>") == "<p>甲乙</p>"


class TestKeepsArticleMarkup:
    def test_keeps_the_structure_articles_use(self):
        """Paragraphs, breaks, emphasis, lists, tables, quotes and headings stay."""
        html = (
            "<h2>小标题</h2><p><strong>粗</strong><em>斜</em><b>b</b><i>i</i><br>换行</p>"
            "<ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引用</blockquote>"
            "<table><thead><tr><th>表头</th></tr></thead><tbody><tr><td>单元</td></tr></tbody></table>"
        )
        assert sanitize_html(html) == html

    def test_external_links_get_nofollow_noopener(self):
        """Links to other sites are marked rel="nofollow noopener"."""
        out = sanitize_html('<a href="http://quote.eastmoney.com/sz002936.html">郑州银行</a>')
        assert out == (
            '<a href="http://quote.eastmoney.com/sz002936.html" rel="nofollow noopener">郑州银行</a>'
        )

    def test_relative_links_stay_plain(self):
        """A link within the site is not marked nofollow."""
        assert sanitize_html('<a href="/category/emnews/">东财</a>') == (
            '<a href="/category/emnews/">东财</a>'
        )

    def test_user_rel_and_target_are_replaced(self):
        """An author cannot set rel or target themselves."""
        out = sanitize_html('<a href="https://a.example/" rel="opener" target="_top">x</a>')
        assert out == '<a href="https://a.example/" rel="nofollow noopener">x</a>'

    def test_images_keep_source_and_alt(self):
        """Images keep src, alt and size."""
        html = '<img alt="图" height="10" src="https://img.example.com/p.png" width="20">'
        assert sanitize_html(html) == html

    def test_real_article_from_the_archive_keeps_its_content(self, corpus_dir):
        """The sample article keeps every paragraph, its bold subheads and its text."""
        text = (corpus_dir / "_posts" / "2022-05-19-NW202205192385065243.md").read_text("utf-8")
        html = text.split("---", 2)[2].split("\n\n<http")[0].strip()
        out = sanitize_html(html)
        assert out.count("<p>") == html.count("<p") == 21
        assert out.count("<strong>") == html.count("<strong>") == 3
        assert "郑州银行以“心金融，让生活更美好”为使命" in out
        assert "（文章来源：大众证券报）" in out

    def test_upstream_markup_keeps_links_and_images(self):
        """Upstream HTML (stock-link spans, centred images, CMS comments) keeps its content."""
        html = (
            "<!--EM_StockImg_Start--><center><img "
            'src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=0.002936" '
            'width="578" height="276" style="border:#d1d1d1 1px solid;" /></center>'
            '<!--EM_StockImg_End--><p>　　<span id="stock_0.002936">'
            '<a href="http://quote.eastmoney.com/unify/r/0.002936" class="keytip" '
            'data-code="002936,0">郑州银行</a></span>(002936)公告&nbsp;称&amp;</p>'
        )
        out = sanitize_html(html)
        assert (
            '<img src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=0.002936" '
            'width="578" height="276">' in out
        )
        assert (
            '<span><a href="http://quote.eastmoney.com/unify/r/0.002936" '
            'rel="nofollow noopener">郑州银行</a></span>(002936)公告&nbsp;称&amp;' in out
        )
        for gone in ("EM_StockImg", "style", "class", "data-code", "center"):
            assert gone not in out

    def test_empty_input(self):
        """Nothing in, nothing out."""
        assert sanitize_html("") == ""
