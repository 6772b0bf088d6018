"""Security headers, CSRF, the admin's path and the settings production runs with."""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test import Client, override_settings
from django.urls import clear_url_caches

from tests.factories import make_article

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_the_security_headers(client):
    """Every page: nosniff, a referrer policy, no framing, and the CSP."""
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    # Pictures in article bodies come from the publications' sites over https.
    assert policy["img-src"] == "'self' https: data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_templates_have_no_inline_script_or_style():
    """No template has an inline <script> (JSON data blocks aside) or a style attribute."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            attrs, body = match.groups()
            if body.strip() and "application/ld+json" not in attrs and "json" not in attrs:
                offenders.append(f"{path.name}: inline script")
        if re.search(r"\sstyle\s*=", text, re.I):
            offenders.append(f"{path.name}: style attribute")
        if re.search(r"\son[a-z]+\s*=", text, re.I):
            offenders.append(f"{path.name}: event handler attribute")
    assert offenders == []


def test_every_post_form_has_a_csrf_token():
    """Each POST form in the project's templates carries {% csrf_token %}."""
    templates = ROOT / "templates"

    def with_includes(text):
        for name in re.findall(r"{%\s*include\s+\"([^\"]+)\"", text):
            text += (templates / name).read_text(encoding="utf-8")
        return text

    missing = []
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            is_post = re.search(r'method\s*=\s*"?post', form.group(0)[:200], re.I)
            if is_post and "{% csrf_token %}" not in with_includes(form.group(1)):
                missing.append(path.name)
    assert missing == []


def test_admin_login_refuses_a_post_without_csrf_token():
    """CSRF is enforced: the admin login without a token is refused with 403."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_admin_only_at_its_configured_path(client):
    """With ADMIN_PATH set, /admin/ is a plain 404 and the admin answers at its path."""
    import finews.urls

    try:
        with override_settings(ADMIN_PATH="redaktion-7f3q/"):
            importlib.reload(finews.urls)
            clear_url_caches()
            assert client.get("/admin/").status_code == 404
            assert client.get("/admin/login/").status_code == 404
            login = client.get("/redaktion-7f3q/login/")
            assert login.status_code == 200
            assert 'name="csrfmiddlewaretoken"' in login.content.decode()
    finally:
        importlib.reload(finews.urls)
        clear_url_caches()
    assert client.get("/admin/login/").status_code == 200


def test_source_link_only_for_http_urls():
    """A javascript: source URL is never offered as the 阅读原文 link."""
    article = make_article(source_url="javascript:alert('src-7712')")
    assert article.source_link == ""
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "src-7712" not in page
    safe = make_article(source_url="https://www.example.com/news/1.html")
    assert safe.source_link == "https://www.example.com/news/1.html"
    assert 'href="https://www.example.com/news/1.html"' in (
        Client().get(safe.get_absolute_url()).content.decode()
    )


def test_no_uploaded_files_to_serve():
    """No model accepts uploads; adding one must come with the media rules of DEPLOY.md."""
    upload_fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert upload_fields == []


def _production_settings(**extra):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ("
        "'DEBUG', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_PROXY_SSL_HEADER', 'LOGGING')}, default=str))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        FINEWS_ENV="production",
        SECRET_KEY="p" * 60,
        ALLOWED_HOSTS="finews.example.com",
        DJANGO_SETTINGS_MODULE="finews.settings",
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return result


def test_production_settings_are_strict():
    """FINEWS_ENV=production: no debug, HSTS, secure cookies, the proxy's https header."""
    result = _production_settings()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_log_format_is_checked():
    """A mistyped LOG_FORMAT stops the process instead of logging in some other way."""
    result = _production_settings(LOG_FORMAT="jsonl")
    assert result.returncode != 0
    assert "LOG_FORMAT must be" in result.stderr
