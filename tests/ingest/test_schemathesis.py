"""Property-based: generated requests from /api/v1/openapi.json never get a 500,
and every answer matches the description (status codes, JSON shapes).

Schemathesis's "schema-violating data must be refused" check is left out on
purpose: the contract answers an invalid *item* with 200 and that item
``rejected`` (the others are stored), and too many items with 413.
"""

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (dev dependency) missing")

from hypothesis import HealthCheck, settings  # noqa: E402

from finews.wsgi import application  # noqa: E402
from ingest.models import IngestToken  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Calling the WSGI app directly, as Django's test client does: a request must
    not close the test's database connection (inside its transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secret(db):
    IngestToken.objects.filter(name="schemathesis").delete()
    return IngestToken.issue("schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_description(case, secret, settings):
    settings.INGEST_RATE_PER_MINUTE = 1_000_000
    case.call_and_validate(
        headers={"Authorization": f"Bearer {secret}"},
        excluded_checks=[schemathesis.checks.negative_data_rejection],
    )
