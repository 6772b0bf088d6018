"""No stored or reflected value runs as script: the XSS corpus in real Chromium.

Every vector of tests/browser/xss_vectors.py is stored as an article's title,
body, summary and source name, as a category name and as a tag, and sent as a
search query. Each page that shows them is rendered with the
Content-Security-Policy bypassed, so what is tested is the escaping and the
sanitizer themselves, not only the CSP behind them.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from tests.browser.xss_vectors import VECTORS
from tests.factories import make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOOK = """
window.__xssHits = [];
window.__xss = (id) => window.__xssHits.push(String(id));
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (msg) => window.__xssHits.push(name + ":" + String(msg));
}
"""

# What the structure of the page must not contain, whatever the vectors did to
# it: event-handler attributes, and links or sources with a script scheme.
STRUCTURE = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (attr.name.toLowerCase().startsWith("on")) bad.push(el.tagName + " " + attr.name);
      if (["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"]
            .includes(attr.name.toLowerCase())
          && /^(javascript|vbscript|data):/.test(value)) {
        bad.push(el.tagName + " " + attr.name + "=" + attr.value.slice(0, 60));
      }
      if (attr.name.toLowerCase() === "style" && /expression|url\\(|binding/.test(value)) {
        bad.push(el.tagName + " style=" + attr.value.slice(0, 60));
      }
    }
    if (["IFRAME", "OBJECT", "EMBED", "BASE", "META"].includes(el.tagName)
        && el.closest("body")) {
      bad.push("element " + el.tagName);
    }
    // The site's own scripts are files under /static/ and JSON data blocks;
    // any other script element came from content.
    if (el.tagName === "SCRIPT") {
      const ownFile = el.src && new URL(el.src).origin === location.origin
        && new URL(el.src).pathname.startsWith("/static/");
      const dataBlock = !el.src && /json/.test(el.type || "");
      if (!ownFile && !dataBlock) bad.push("script " + (el.src || el.textContent.slice(0, 60)));
    }
  }
  return bad;
}
"""


@pytest.fixture
def xss_page(browser):
    context = browser.new_context(bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(HOOK)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.dialogs = dialogs
    yield page
    context.close()


def _visit(page, url):
    response = page.goto(url, wait_until="load")
    # Let error events of broken images fire: every image settled (loaded or
    # broken), then one task later, rather than a guess at how long that takes.
    page.wait_for_function("Array.from(document.images).every((img) => img.complete)")
    page.evaluate("new Promise((resolve) => setTimeout(resolve, 0))")
    hits = page.evaluate("window.__xssHits") + page.dialogs
    problems = page.evaluate(STRUCTURE)
    return response.status, hits, problems


def _store_corpus():
    """Every vector in every stored field a reader sees; returns the URLs to visit."""
    urls = []
    for i, vector in enumerate(VECTORS):
        category = make_category(name=f"{i} {vector}"[:100], slug=f"xss-{i}")
        article = make_article(
            title=vector[:300],
            summary=vector,
            body=f"<p>正文{i}</p>{vector}",
            source_name=vector[:100],
            source_url=f"javascript:__xss('source-url-{i}')" if i % 3 == 0 else "",
            category=category,
            tags=[f"{vector}"[:100]],
        )
        urls += [article.get_absolute_url(), category.get_absolute_url()]
    for tag in Tag.objects.all():
        urls.append(reverse("articles:tag", args=[tag.slug]))
    return urls


def test_corpus_is_large_and_varied():
    """The corpus holds at least 60 vectors from every family named in the issue."""
    assert len(VECTORS) >= 60
    text = "\n".join(VECTORS).lower()
    for family in ("onerror", "javascript", "data:", "vbscript", "<svg", "<math", "<!--",
                   "&#", "style=", "expression", "url(", "<scr<script>"):  # fmt: skip
        assert family in text, family


def test_stored_vectors_run_nowhere(live_server, xss_page):
    """Titles, bodies, names, tags and source fields from the corpus never execute."""
    urls = ["/", "/category/", *_store_corpus()]
    assert Article.objects.published().count() == len(VECTORS)
    failures = []
    for url in urls:
        status, hits, problems = _visit(xss_page, live_server.url + url)
        if status != 200 or hits or problems:
            failures.append((url, status, hits, problems[:5]))
    assert not failures, "\n".join(map(repr, failures))


def test_hook_detects_a_vector_that_runs(live_server, xss_page):
    """The hook is live: a page that does run a vector is caught (the test can fail)."""
    xss_page.goto(live_server.url + "/healthz")
    xss_page.evaluate("document.body.innerHTML = '<img src=x onerror=__xss(\"probe\")>'")
    # The error event comes when the request for "x" fails, however long a busy
    # server takes: wait for the hit itself (or fail at the page's timeout).
    xss_page.wait_for_function("window.__xssHits.length > 0")
    assert xss_page.evaluate("window.__xssHits") == ["probe"]
    xss_page.evaluate("alert('dialog-probe')")
    assert "alert:dialog-probe" in xss_page.evaluate("window.__xssHits")
    # The structural check sees what did not run: a handler and an inline script.
    xss_page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        " '<a onclick=\"x()\">a</a><script>x()</script>')"
    )
    problems = xss_page.evaluate(STRUCTURE)
    assert any("onclick" in p for p in problems)
    assert any(p.startswith("script x()") for p in problems)


def test_search_query_vectors_run_nowhere(live_server, xss_page):
    """Each vector as a search query: the results page echoes it without running it."""
    search = reverse("articles:search")
    make_article(title="搜索结果占位文章")
    failures = []
    for vector in VECTORS:
        status, hits, problems = _visit(
            xss_page, f"{live_server.url}{search}?{urlencode({'q': vector})}"
        )
        if status >= 500 or hits or problems:
            failures.append((vector, status, hits, problems[:5]))
    assert not failures, "\n".join(map(repr, failures))
