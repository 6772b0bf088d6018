"""Hostile requests get a clear answer on every route, decided before any view (issue 13)."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="控制字符测试文章", tags=["控制字符标签"])


class TestControlCharacters:
    """Item 7: NUL or another control character in a path or query never reaches a view."""

    @pytest.mark.parametrize(
        "path",
        [
            "/emnews/2021/12/08/%00.html",
            "/emnews/2021/12/08/a%01b.html",
            "/news/x%00/",
            "/tag/%00/",
            "/category/%7F/",
            "/search%00/",
            "/emnews%0A/",
        ],
    )
    def test_control_character_in_path_is_404_without_a_query(
        self, client, path, django_assert_num_queries
    ):
        """A path with a control character is the site's 404 page, and the database is never asked."""
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize(
        "query", ["q=%00", "q=%E8%8C%85%00", "page=%00", "q=a%1Bb", "x%00=1", "q=%C2%85"]
    )
    def test_control_character_in_query_is_400(self, client, article, query):
        """A query value or name with a control character is 400, on a list page, search and an article."""
        for path in ("/", "/search/", article.get_absolute_url()):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert "控制字符测试文章" not in response.content.decode()

    def test_tab_in_a_search_is_still_a_search(self, client, article):
        """Whitespace a pasted search may carry (tab, line break) is no reason to refuse it."""
        assert client.get("/search/?q=%E6%B5%8B%E8%AF%95%09a").status_code == 200
        assert client.get("/search/?q=a%0D%0Ab").status_code == 200

    def test_ordinary_percent_encoded_query_passes(self, client, article):
        """Percent-encoded Chinese is not a control character."""
        response = client.get("/search/?q=%E6%8E%A7%E5%88%B6")
        assert response.status_code == 200


def _console_handler(logger):
    """The handler settings.LOGGING gives the logger (tests may add capturing ones)."""
    return next(h for h in logger.handlers if h.get_name() == "console")


class TestLogLines:
    """Item 8: a path cannot forge a line in the request log."""

    def test_newline_in_path_stays_on_one_log_line(self, client, caplog):
        """/news/x%0A<fake line> is written as one line with the newline escaped."""
        logger = logging.getLogger("finews.request")
        handler = _console_handler(logger)
        logger.addHandler(caplog.handler)
        try:
            with caplog.at_level(logging.INFO, logger="finews.request"):
                client.get("/news/x%0A2026-01-01 INFO finews.request [-] GET /forged-7731/ 200/")
        finally:
            logger.removeHandler(caplog.handler)
        (record,) = [r for r in caplog.records if r.name == "finews.request"]
        line = handler.formatter.format(record)
        assert "\n" not in line
        assert "/news/x\\n2026-01-01 INFO finews.request [-] GET /forged-7731/" in line

    def test_other_control_and_bidi_characters_are_escaped(self):
        """Carriage returns, escape sequences and bidi overrides are written as escapes."""
        logger = logging.getLogger("finews.request")
        handler = _console_handler(logger)
        record = logging.LogRecord(
            "finews.request",
            logging.INFO,
            __file__,
            1,
            "GET %s 404",
            ("/a\rb\x1b[2Jc\u202ed",),
            None,
        )
        record.request_id = "-"
        line = handler.formatter.format(record)
        assert "GET /a\\rb\\x1b[2Jc\\u202ed 404" in line
        assert not any(c in line for c in "\r\x1b\u202e")


class TestMethods:
    """Item 13: public pages are read-only: other methods are 405 with Allow, not the CSRF page."""

    @pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
    def test_unsafe_methods_on_public_pages_are_405(self, method, article):
        """Home, article, tag, search, feed, sitemap and an old Jekyll URL answer 405 with Allow."""
        client = Client(enforce_csrf_checks=True)
        paths = [
            "/",
            article.get_absolute_url(),
            reverse("articles:tag", args=["控制字符标签"]),
            "/search/?q=x",
            "/feed/rss/",
            "/sitemap.xml",
            "/robots.txt",
            "/emnews/2021/12/08/abc.html",
        ]
        for path in paths:
            response = getattr(client, method)(path)
            assert response.status_code == 405, (method, path)
            allow = {m.strip() for m in response["Allow"].split(",")}
            assert {"GET", "HEAD"} <= allow
            assert method.upper() not in allow

    def test_admin_login_still_takes_posts(self):
        """The admin's forms post as before, CSRF check included."""
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
        assert response.status_code == 403
