"""The Content-Security-Policy holds and blocks nothing the site itself needs."""

import base64

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def _violations(page):
    page.wait_for_timeout(50)
    return page.evaluate("window.__cspViolations")


def test_public_pages_trip_no_policy(live_server, page):
    """Home, article, category, tag and error pages run under the CSP with no violation."""
    article = make_article(
        title="内容安全策略检查文章",
        body='<p>图片来自原网站：<img src="https://img.example.com/a.png" alt="图"></p>',
        tags=["监管"],
    )
    page.add_init_script(RECORD_VIOLATIONS)
    # Pictures in article bodies come from the publications' own https sites.
    page.route(
        "https://img.example.com/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    for path in (
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        "/category/",
        "/tag/监管/",
    ):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert _violations(page) == [], path
        if path == article.get_absolute_url():
            assert page.evaluate("document.querySelector('.article-body img').naturalWidth") == 1
    response = page.goto(live_server.url + "/news/no-such-article-csp/")
    assert response.status == 404
    assert _violations(page) == []
    assert [e for e in page.console.errors if "404" not in e] == []


def test_inline_script_is_blocked(live_server, page):
    """The policy really refuses inline script (so an escaping slip is not enough)."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ranInline = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__ranInline") is None
    assert any(v.startswith("script-src") for v in _violations(page))


def test_admin_works_under_the_policy(live_server, page):
    """An editor logs in and uses the article admin; nothing is blocked by the CSP."""
    get_user_model().objects.create_superuser("csp-editor", "", "csp-editor-pass-81")
    article = make_article(title="后台策略检查文章")
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    assert _violations(page) == []
    page.fill("#id_username", "csp-editor")
    page.fill("#id_password", "csp-editor-pass-81")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    for path in (
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/category/",
    ):
        page.goto(live_server.url + path)
        assert _violations(page) == [], path
    # Admin JavaScript runs: the change list's "select all" checkbox ticks every row.
    page.goto(live_server.url + "/admin/articles/article/")
    page.check("#action-toggle")
    assert page.locator("input.action-select").first.is_checked()
    assert _violations(page) == []
    assert not [e for e in page.console.errors if "Content Security Policy" in e]
