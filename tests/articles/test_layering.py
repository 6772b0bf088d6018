"""The data layer loads no HTTP code: importing the models imports no middleware, view or search query."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Run in a fresh interpreter: records every module first imported while
# articles/models.py executes (Django set up with the real settings).
PROBE = """
import importlib.machinery, json, sys

class Watch:
    active = False
    seen = []

    def find_spec(self, name, path=None, target=None):
        if Watch.active:
            Watch.seen.append(name)
        if name != "articles.models":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        run = spec.loader.exec_module

        def exec_module(module):
            Watch.active = True
            try:
                run(module)
            finally:
                Watch.active = False

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Watch())
import django
django.setup()
import articles.models
from django.views import View

def defined(module, test):
    return [
        f"{module.__name__}.{name}"
        for name, value in vars(module).items()
        if isinstance(value, type) and value.__module__ == module.__name__ and test(name, value)
    ]

modules = [sys.modules[name] for name in Watch.seen if name in sys.modules]
print(json.dumps({
    "modules": Watch.seen,
    # Middleware and views found by what they are, whatever their module is called.
    "middleware": [c for m in modules for c in defined(m, lambda n, v: n.endswith("Middleware"))],
    "views": [c for m in modules for c in defined(m, lambda n, v: issubclass(v, View))],
}))
"""


def _imported_by_models():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=root,
        env={
            **os.environ,
            "PYTHONPATH": str(root),
            "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_models_import_no_http_code():
    """articles.models pulls in no ops module, middleware, view, feed, sitemap or search query."""
    found = _imported_by_models()
    imported = found["modules"]
    # The probe sees the models' own imports (else this test could not fail).
    assert "articles.textindex" in imported
    assert "articles.sanitize" in imported
    forbidden = [
        name
        for name in imported
        if name == "ops"
        or name.startswith("ops.")
        or "middleware" in name.split(".")[-1]
        or "views" in name.split(".")
        or name
        in {
            "articles.search",
            "articles.feeds",
            "articles.sitemaps",
            "articles.live",
            "articles.admin",
            "articles.pagination",
        }
    ]
    assert forbidden == []
    assert found["middleware"] == []
    assert found["views"] == []
