"""/healthz and /readyz: what a load balancer sees."""

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse

from ops import views as ops_views

pytestmark = pytest.mark.django_db


def test_urls_are_pinned():
    """The probe paths are the ones load balancers are configured with."""
    assert reverse("ops:healthz") == "/healthz"
    assert reverse("ops:readyz") == "/readyz"


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    """/healthz is JSON, never cached, and runs no query."""
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_readyz_ok_when_everything_works(client):
    """/readyz answers 200 with every check passing."""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "migrations"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_names_a_failing_database(client, monkeypatch):
    """A database that cannot be reached is named, with 503 and no driver message."""

    def broken():
        raise OperationalError('connection to server at "db-secret-host" failed')

    monkeypatch.setitem(ops_views.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert "database" in body["failing"]
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "db-secret-host" not in response.content.decode()


def test_readyz_names_a_cache_that_loses_values(client, monkeypatch):
    """A cache that stores nothing (as a degraded Redis does) fails the cache check."""
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_readyz_names_unapplied_migrations(client, monkeypatch):
    """A release whose migrations have not run is not ready, and says which."""

    class FakeMigration:
        app_label = "articles"
        name = "0099_ops_not_yet_applied"

    class FakeExecutor:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

        def migration_plan(self, targets):
            return [(FakeMigration(), False)]

    monkeypatch.setattr(ops_views, "_migrations_seen_applied", False)
    monkeypatch.setattr(ops_views, "MigrationExecutor", FakeExecutor)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert "articles.0099_ops_not_yet_applied" in body["checks"]["migrations"]["error"]


def test_readyz_really_reads_the_migration_table(client, monkeypatch):
    """The migration check runs against the real database and finds nothing pending."""
    monkeypatch.setattr(ops_views, "_migrations_seen_applied", False)
    ops_views.check_migrations()
    assert ops_views._migrations_seen_applied is True
