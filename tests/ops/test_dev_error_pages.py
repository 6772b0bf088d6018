"""Development with DEBUG=false shows the real error pages, with styles, without collectstatic."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client, RequestFactory
from django.views.defaults import server_error
client = Client(raise_request_exception=False)
missing = client.get("/no-such-page/")
css = client.get("/static/css/site.css")
error = server_error(RequestFactory().get("/"))
print(json.dumps({
    "missing": [missing.status_code, missing.content.decode()],
    "css": css.status_code,
    "error": [error.status_code, error.content.decode()],
}))
"""


def test_real_404_and_500_pages_without_collectstatic(tmp_path):
    """DEBUG=false in development: the 404 and 500 pages render, and their stylesheet is served."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "finews.settings",
        "FINEWS_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "never-collected"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    status, html = result["missing"]
    assert status == 404
    assert "/static/css/site.css" in html and "Page not found" not in html
    assert result["css"] == 200
    status, html = result["error"]
    assert status == 500 and "/static/css/site.css" in html
