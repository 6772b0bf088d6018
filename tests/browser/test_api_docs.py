"""/api/v1/docs renders the push API's description from this site alone, under the CSP."""

import pytest

from tests.browser.test_csp import RECORD_VIOLATIONS, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_renders_without_cdn_or_violation(live_server, page):
    """Swagger UI shows POST /api/v1/items; no request leaves the site; no CSP violation."""
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    # Swagger UI is a 1.5 MB script: give a loaded machine time.
    response = page.goto(live_server.url + "/api/v1/docs", timeout=60_000)
    assert response.status == 200
    page.get_by_text("/api/v1/items").first.wait_for(timeout=60_000)
    assert outside == []
    assert _violations(page) == []
