import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_category_article_in_a_real_browser(live_server, page, screenshot):
    """A reader goes home → category → article; Chinese renders; no console errors."""
    category = make_category(name="大众证券报", slug="dazhongzhengquanbao")
    make_article(
        title="郑州银行：零售金融服务有温度",
        category=category,
        body="<p><strong>特殊时期不停摆</strong>，郑银零售暖心送出服务。</p>",
        tags=["银行"],
    )
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    for name, viewport in (("home-phone", PHONE), ("home-desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        screenshot(page, name)
    page.get_by_role("link", name="大众证券报").first.click()
    page.wait_for_url("**/category/dazhongzhengquanbao/")
    screenshot(page, "category-phone")
    # The sidebar lists the same headline: the list's own link is the one meant.
    page.locator(".article-list").get_by_role("link", name="郑州银行：零售金融服务有温度").click()
    assert page.locator("h1").inner_text() == "郑州银行：零售金融服务有温度"
    assert page.locator(".article-body strong").inner_text() == "特殊时期不停摆"
    screenshot(page, "article-phone")
    page.get_by_role("link", name="银行", exact=True).click()
    assert "银行" in page.locator("h1").inner_text()
    assert page.console.errors == []
