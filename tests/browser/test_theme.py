"""Dark mode and the share block in real Chromium: contrast measured from computed colours."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AA = 4.5  # WCAG 2 AA, normal-size text

# For each selector: the colour of its text and of the first opaque background
# behind it (walking up the ancestors), as [r, g, b] lists.
COLOURS_JS = """
(selectors) => {
  const rgb = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {rgb: parts.slice(0, 3), alpha: parts.length > 3 ? parts[3] : 1};
  };
  const out = {};
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (!el) { out[selector] = null; continue; }
    const fg = rgb(getComputedStyle(el).color);
    let bg = null;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c && c.alpha >= 0.99) { bg = c.rgb; break; }
    }
    out[selector] = {fg: fg.rgb, fgAlpha: fg.alpha, bg: bg || [255, 255, 255]};
  }
  return out;
}
"""

ARTICLE_TEXT = {
    "body text": ".article-body p",
    "link in body": ".article-body a",
    "meta time": ".article .meta time",
    "source": ".article .meta .cat",
    "title": ".article-title",
    "share link": ".share-link",
    "tag": ".tags a",
    "breadcrumb": ".crumbs a",
    "footer disclaimer": ".site-footer .disclaimer",
    "footer link": ".footer-nav a",
    "header nav": ".site-nav a",
    "theme toggle": ".theme-toggle",
}
HOME_TEXT = {
    "list time": ".card > time",
    "list title": ".card-title a",
    "list source": ".card > .cat",
    "sidebar time": ".headlines time",
    "sidebar headline": ".headlines li a",
    "footer disclaimer": ".site-footer .disclaimer",
}


def _luminance(rgb):
    def channel(value):
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg):
    high, low = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def low_contrast(page, elements):
    """[(name, ratio, fg, bg)] for every element below AA; a missing element is a failure too."""
    found = page.evaluate(COLOURS_JS, list(elements.values()))
    failures = []
    for name, selector in elements.items():
        colours = found[selector]
        assert colours is not None, f"{name}: {selector} not on the page"
        assert colours["fgAlpha"] >= 0.99, f"{name}: translucent text colour"
        ratio = contrast(colours["fg"], colours["bg"])
        if ratio < AA:
            failures.append((name, round(ratio, 2), colours["fg"], colours["bg"]))
    return failures


def body_background(page):
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.fixture
def news():
    category = make_category(name="夜读来源", slug="nightsrc")
    for i in range(8):
        make_article(title=f"夜间模式列表新闻{i}", category=category, tags=["夜读"])
    return make_article(
        title="央行开展逆回购操作THEMEa1",
        slug="theme-a1",
        category=category,
        source_name="夜读来源",
        summary="央行今日开展逆回购操作，资金面保持平稳。",
        body=(
            "<p>央行今日开展<strong>逆回购</strong>操作，详见"
            '<a href="https://www.pbc.gov.cn/">央行公告</a>。</p>'
            "<blockquote>市场人士认为流动性将保持合理充裕。</blockquote>"
        ),
        tags=["夜读", "央行"],
    )


class TestContrast:
    @pytest.mark.parametrize("scheme", ["light", "dark"])
    def test_text_meets_aa_in_both_system_themes(self, live_server, page, news, scheme):
        """Body text, links and meta/time text keep 4.5:1 with the system in light and dark."""
        page.emulate_media(color_scheme=scheme)
        page.goto(live_server.url + news.get_absolute_url())
        page.wait_for_selector(".theme-toggle:not([hidden])")
        assert low_contrast(page, ARTICLE_TEXT) == []
        page.goto(live_server.url + "/")
        assert low_contrast(page, HOME_TEXT) == []
        assert page.console.errors == []

    def test_dark_theme_really_is_dark(self, live_server, page, news):
        """The system's dark setting gives a dark page with light text (not just passing ratios)."""
        page.emulate_media(color_scheme="dark")
        page.goto(live_server.url + news.get_absolute_url())
        colours = page.evaluate(COLOURS_JS, [".article-body p"])[".article-body p"]
        assert _luminance(colours["bg"]) < 0.05
        assert _luminance(colours["fg"]) > 0.6

    @pytest.mark.parametrize(("system", "chosen"), [("light", "dark"), ("dark", "light")])
    def test_chosen_theme_meets_aa_against_the_system(
        self, live_server, page, news, system, chosen
    ):
        """A theme chosen with the toggle overrides the system one, and keeps AA."""
        page.emulate_media(color_scheme=system)
        page.goto(live_server.url + news.get_absolute_url())
        before = body_background(page)
        page.locator(".theme-toggle").click()
        assert page.locator("html").get_attribute("data-theme") == chosen
        assert body_background(page) != before
        assert low_contrast(page, ARTICLE_TEXT) == []


class TestToggle:
    def test_choice_is_remembered_across_pages(self, live_server, page, news):
        """Dark chosen on one page stays dark on the next and after a reload; light undoes it."""
        page.emulate_media(color_scheme="light")
        page.goto(live_server.url + "/")
        toggle = page.locator(".theme-toggle")
        assert toggle.inner_text() == "深色"
        assert toggle.get_attribute("aria-pressed") == "false"
        light = body_background(page)
        toggle.click()
        assert toggle.inner_text() == "浅色"
        assert toggle.get_attribute("aria-pressed") == "true"
        dark = body_background(page)
        assert dark != light
        page.goto(live_server.url + news.get_absolute_url())
        assert page.locator("html").get_attribute("data-theme") == "dark"
        assert body_background(page) == dark
        page.reload()
        assert body_background(page) == dark
        page.locator(".theme-toggle").click()
        page.reload()
        assert body_background(page) == light
        assert page.evaluate("localStorage.getItem('finews-theme')") == "light"

    def test_theme_is_set_before_the_stylesheet_applies(self, live_server, page, news):
        """No flash: the stored theme is on <html> by the time the first stylesheet loads."""
        page.emulate_media(color_scheme="light")
        page.goto(live_server.url + "/")
        page.evaluate("localStorage.setItem('finews-theme', 'dark')")
        # Recorded by a script that runs when the stylesheet has loaded, before any paint
        # that uses it; theme.js (in <head>, not deferred) must already have run.
        page.add_init_script(
            """
            new MutationObserver((records, observer) => {
              const css = document.querySelector('link[rel=stylesheet]');
              if (css) {
                window.__themeAtStylesheet = document.documentElement.getAttribute('data-theme');
                observer.disconnect();
              }
            }).observe(document, {childList: true, subtree: true});
            """
        )
        page.goto(live_server.url + news.get_absolute_url())
        assert page.evaluate("window.__themeAtStylesheet") == "dark"

    def test_without_javascript_the_system_decides(self, browser, live_server, news):
        """No script: the toggle stays hidden and the system's dark setting still applies."""
        context = browser.new_context(java_script_enabled=False, color_scheme="dark")
        try:
            page = context.new_page()
            page.goto(live_server.url + news.get_absolute_url())
            assert page.locator(".theme-toggle").is_hidden()
            assert _luminance(page.evaluate(COLOURS_JS, ["body"])["body"]["bg"]) < 0.05
            assert page.locator(".share-link").is_visible()
            assert page.locator(".share-copy").is_hidden()
        finally:
            context.close()


class TestShare:
    def test_copy_link(self, browser, live_server, news):
        """复制链接 puts the article's address on the clipboard and says so."""
        context = browser.new_context(
            viewport=PHONE, permissions=["clipboard-read", "clipboard-write"]
        )
        try:
            page = context.new_page()
            url = live_server.url + news.get_absolute_url()
            page.goto(url)
            share = page.locator(".share")
            assert share.get_by_role("link", name="本文链接").is_visible()
            share.get_by_role("button", name="复制链接").click()
            page.wait_for_selector(".share-status:has-text('链接已复制')")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied.endswith(news.get_absolute_url())
            has_share = page.evaluate("'share' in navigator")
            assert page.locator(".share-native").is_visible() == has_share
        finally:
            context.close()


class TestScreenshots:
    @pytest.mark.parametrize("scheme", ["light", "dark"])
    def test_screenshots(self, live_server, page, news, screenshot, scheme):
        """Home and article at 390 and 1280 px in both themes (looked at by hand)."""
        page.emulate_media(color_scheme=scheme)
        for name, path in (("home", "/"), ("article", news.get_absolute_url())):
            for width, viewport in (("390", PHONE), ("1280", DESKTOP)):
                page.set_viewport_size(viewport)
                page.goto(live_server.url + path)
                page.wait_for_selector(".theme-toggle:not([hidden])")
                screenshot(page, f"theme-{name}-{scheme}-{width}")
        assert page.console.errors == []


@pytest.mark.parametrize("width", [360, 390])
def test_phone_header_is_one_line(live_server, page, news, width):
    """On a phone the brand, every navigation link and the theme toggle share the first line."""
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    page.goto(live_server.url + news.get_absolute_url())
    page.wait_for_selector(".theme-toggle:not([hidden])")
    tops = page.evaluate(
        """() => [...document.querySelectorAll('.brand, .site-nav a, .theme-toggle')]
                 .map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().top)])"""
    )
    names = [name for name, _ in tops]
    assert "热门" in names and "深色" in names
    brand_top = tops[0][1]
    assert [name for name, top in tops if abs(top - brand_top) > 12] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
