import os
from pathlib import Path

import pytest

# The real archive sample lives beside the project, in ../shared/corpus.
CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "finews-jekyll"


@pytest.fixture
def corpus_dir():
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"archive sample not found at ../shared/corpus ({CORPUS_DIR.name})")
    return CORPUS_DIR


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"finews database: {engine}", f"CI: {os.environ.get('CI', 'false')}"]
