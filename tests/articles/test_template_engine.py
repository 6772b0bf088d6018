"""The reader pages' Jinja2 engine prints what Django's engine printed, and the admin stays on Django's."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Template as DjangoTemplate
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from markupsafe import Markup

from finews.jinja2 import Jinja2, _test_signal


def jinja(code, context=None, request=None):
    return engines["jinja2"].from_string(code).render(context or {}, request)


def django(code, context=None):
    return engines["django"].from_string(code).render(context or {})


VALUES = {
    "quotes": "<a href=\"x\">'甲' & 乙</a>",
    "plain": "财经新闻 7×24 /news/a-b_c/?page=2",
    "ampersand": "A股&港股",
    "safe": mark_safe("<b>已转义</b>"),
    "markup": Markup("<i>已是 HTML</i>"),
    "negative": -42,
    "none": None,
    "zero": 0,
    "big": 1234567,
    "float": 1.5,
    "decimal": Decimal("12.50"),
    "true": True,
    "lazy": gettext_lazy("Home"),
    # Aware datetimes print in Beijing time, as Django's engine prints them.
    "moment": datetime(2026, 3, 5, 23, 59, 7, tzinfo=ZoneInfo("UTC")),
    "day": date(2026, 3, 6),
}


class TestSameOutputAsDjango:
    @pytest.mark.parametrize("name", sorted(VALUES))
    def test_a_value_prints_as_in_django_templates(self, name):
        """Every kind of value is printed and escaped exactly as Django's engine does it."""
        code = "{{ " + name + " }}"
        assert jinja(code, VALUES) == django(code, VALUES)

    def test_escaping_uses_djangos_entities(self):
        """Quotes come out as &#x27; and &quot; (Django's), not markupsafe's &#39; and &#34;."""
        assert jinja("{{ v }}", {"v": "'\"<>&"}) == "&#x27;&quot;&lt;&gt;&amp;"

    @pytest.mark.parametrize(
        "jinja_code, django_code",
        [
            ("{{ missing }}", "{{ missing }}"),
            ("{{ missing.attr }}", "{{ missing.attr }}"),
            ("{{ obj.missing }}", "{{ obj.missing }}"),
            ("{{ obj.missing.deeper }}", "{{ obj.missing.deeper }}"),
        ],
    )
    def test_missing_values_print_nothing(self, jinja_code, django_code):
        """An undefined name or attribute prints "", never "Undefined" or "None"."""
        context = {"obj": object()}
        assert jinja(jinja_code, context) == django(django_code, context) == ""

    def test_filters_are_djangos(self):
        """date, truncatechars and urlencode are Django's filters, with local time for dates."""
        context = {
            "moment": VALUES["moment"],
            "text": "很长的摘要。" * 10,
            "q": "银行 & 基金/?",
            "short": "短<摘要>",
        }
        assert jinja(
            "{{ moment|date('c') }}|{{ moment|date('Y年n月j日 H:i') }}|{{ text|truncatechars(8) }}"
            "|{{ q|urlencode }}|{{ short|truncatechars(8) }}|{{ text|truncatechars('x') }}",
            context,
        ) == django(
            "{{ moment|date:'c' }}|{{ moment|date:'Y年n月j日 H:i' }}|{{ text|truncatechars:8 }}"
            "|{{ q|urlencode }}|{{ short|truncatechars:8 }}|{{ text|truncatechars:'x' }}",
            context,
        )

    def test_whitespace_is_kept_as_written(self):
        """Newlines around tags and the file's last newline stay, as Django's engine keeps them."""
        code = "{% if x %}\n  <p>{{ x }}</p>\n{% endif %}\n"
        assert jinja(code, {"x": 1}) == django(code, {"x": 1}) == "\n  <p>1</p>\n\n"


class TestEngines:
    def test_reader_pages_on_jinja2_admin_on_django(self):
        """Reader templates load from the Jinja2 engine; the admin's overrides from Django's."""
        assert isinstance(get_template("articles/article_detail.html").backend, Jinja2)
        assert isinstance(get_template("404.html").backend, Jinja2)
        assert isinstance(get_template("admin/base_site.html").backend, DjangoTemplates)
        assert isinstance(get_template("sitemaps/sitemap.xml").backend, DjangoTemplates)

    def test_compiled_once_per_process(self):
        """With DEBUG off templates are not checked for changes: one compiled template is reused."""
        engine = engines["jinja2"]
        assert engine.env.auto_reload is False
        first = engine.get_template("base.html").template
        assert engine.get_template("base.html").template is first

    def test_static_urls_follow_the_settings(self, settings):
        """static() gives Django's URL for a file, and a changed STATIC_URL shows at once."""
        code = "{{ static('css/site.css') }}"
        assert jinja(code) == django("{% load static %}{% static 'css/site.css' %}")
        settings.STATIC_URL = "/assets-X/"
        assert jinja(code) == "/assets-X/css/site.css"

    def test_request_values_and_csrf(self):
        """With a request: ``request``, the site's values and a CSRF field are there to use."""
        request = RequestFactory().get("/about/")
        html = jinja(
            "{{ request.path }}|{{ SITE_NAME }}|{{ TODAY.year }}|{{ csrf_input }}", request=request
        )
        path, site_name, year, csrf = html.split("|")
        assert path == "/about/"
        assert site_name
        assert year.isdigit()
        assert csrf.startswith('<input type="hidden" name="csrfmiddlewaretoken" value="')

    def test_the_views_values_win_over_the_context_processors(self):
        """A view's value of a name a context processor also sets is the one shown."""
        request = RequestFactory().get("/")
        assert jinja("{{ SITE_NAME }}", {"SITE_NAME": "视图的值"}, request) == "视图的值"

    def test_test_signal_only_while_instrumented(self, monkeypatch):
        """The test client's signal is sent only while Django's engine is instrumented for tests."""
        from django.test.utils import _TestState

        assert _test_signal() is not None
        monkeypatch.setattr(DjangoTemplate, "_render", _TestState.saved_data.template_render)
        assert _test_signal() is None


@pytest.mark.django_db
def test_error_pages_need_no_database():
    """The 400, 403, 500 and 503 pages render without a query, as their handlers require."""
    with CaptureQueriesContext(connection) as queries:
        for name in ("400.html", "403.html", "500.html", "503.html"):
            assert "免责声明" in get_template(name).render({"SITE_NAME": "站名SITEq"})
    assert len(queries) == 0
