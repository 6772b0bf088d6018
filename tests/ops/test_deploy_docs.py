"""docs/DEPLOY.md and deploy/ stay in step with what the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _variables_read():
    settings = (ROOT / "finews" / "settings.py").read_text(encoding="utf-8")
    gunicorn = (ROOT / "finews" / "gunicorn.conf.py").read_text(encoding="utf-8")
    names = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", settings))
    names |= set(re.findall(r"\"([A-Z][A-Z0-9_]+)\" in env", settings))
    names |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", gunicorn))
    return names


def test_every_environment_variable_is_documented():
    """Each variable settings.py or gunicorn.conf.py reads has a row in DEPLOY.md."""
    names = _variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "GUNICORN_WORKERS"} <= names
    deploy = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    undocumented = sorted(name for name in names if f"`{name}`" not in deploy)
    assert undocumented == []


def test_deploy_files_exist_and_agree():
    """The unit runs the repo's gunicorn config; nginx sets the header Django trusts."""
    unit = (ROOT / "deploy" / "finews.service").read_text(encoding="utf-8")
    assert "gunicorn -c finews/gunicorn.conf.py finews.wsgi" in unit
    assert "EnvironmentFile=" in unit
    proxy = (ROOT / "deploy" / "finews_proxy.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    assert "X-Request-ID" in proxy
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for directive in ("client_max_body_size", "gzip on", "location /static/", "/healthz"):
        assert directive in nginx
    example = (ROOT / "deploy" / "finews.env.example").read_text(encoding="utf-8")
    assert "FINEWS_ENV=production" in example
