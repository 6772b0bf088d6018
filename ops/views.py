"""Load-balancer endpoints: /healthz (the process answers) and /readyz (it can serve).

Both answer JSON with never-cache headers. /readyz names every failing check and
answers 503 while any fails, so a load balancer takes the host out of rotation.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("finews.ops")

# Once this process has seen every migration applied it stops asking: migrations
# are not un-applied under a running release, and the check reads every
# migration module, which is not worth doing on each probe.
_migrations_seen_applied = False


class CheckFailed(Exception):
    """A check's own finding, safe to show in the public answer."""


@never_cache
def healthz(request):
    """The process answers; nothing else is touched."""
    return JsonResponse({"status": "ok"})


def check_database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # A cache that degrades on errors answers a failed set with a miss, so a
    # round trip of a unique value tells whether it really works.
    key = f"finews:readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise CheckFailed("the cache did not return the value just stored")
    finally:
        cache.delete(key)


def check_migrations():
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan)
        raise CheckFailed(f"unapplied migrations: {names}")
    _migrations_seen_applied = True


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
}


@never_cache
def readyz(request):
    """Database and cache reachable, no unapplied migrations; 503 naming what fails."""
    results = {}
    failing = []
    for name, check in CHECKS.items():
        if name == "migrations" and "database" in failing:
            results[name] = {"ok": False, "error": "skipped: the database is unreachable"}
            failing.append(name)
            continue
        started = time.monotonic()
        try:
            check()
        except Exception as exc:
            failing.append(name)
            # Driver messages name hosts and ports: they go to the log, and the
            # public answer gets only the exception's class.
            error = str(exc) if isinstance(exc, CheckFailed) else type(exc).__name__
            results[name] = {"ok": False, "error": error[:300]}
            logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": results}
    response = JsonResponse(body, status=503 if failing else 200)
    # Each failing check was logged above as a warning; no extra ERROR line.
    response._has_been_logged = bool(failing)
    return response
