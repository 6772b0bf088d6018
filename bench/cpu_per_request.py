"""CPU time per request of finews's WSGI app, in-process (no server, no network).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_20000 \
        .venv/bin/python bench/cpu_per_request.py [--cached | --shared-cache] \
        [--profile PATH] [--database-cpu] URL...   (or --walk FILE [--rounds N])

Runs the production settings (FINEWS_ENV=production, DEBUG off) and calls the
WSGI application directly, so the figure is Django's share of a request:
what a gunicorn worker spends on top of the bare-WSGI ceiling. Prints the
median process CPU time of --repeat requests per URL, after a warm-up; with
``--walk``, the mean over a file of paths requested in turn (what a crawler's
walk costs: a repeated URL finds the per-process caches warm, a walk may not).
``--database-cpu`` adds what the PostgreSQL backend serving the requests
spent (its user and system time from /proc, so only with the server on
this machine and its processes readable): the part of a page's cost that
runs on the same cores under load but is not the worker's.
Not a test: it is run on purpose, to compare code changes.
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def production_settings():
    """The production settings (DEBUG off, a throwaway secret), unless set already."""
    os.environ.setdefault("FINEWS_ENV", "production")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def get(app, url):
    """(status line, body) of a GET of ``url`` from the WSGI ``app``, in this process."""
    path, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": query.encode().decode("latin-1"),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "REMOTE_ADDR": "127.0.0.1",
    }
    status = []
    body = b"".join(app(environ, lambda line, headers, *args: status.append(line)))
    return status[0], body


def backend_ticks(connection):
    """(pid, CPU clock ticks so far) of the PostgreSQL backend of ``connection``, or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another machine, or not readable by this user
        return None
    return pid, int(fields[11]) + int(fields[12])  # utime + stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*")
    parser.add_argument(
        "--walk",
        help="a file of paths, one per line, requested in turn (a crawler's walk, as"
        " run_bench.py's random target): prints the mean CPU per request of each round",
    )
    parser.add_argument("--rounds", type=int, default=2, help="passes over the --walk file")
    parser.add_argument("--cached", action="store_true", help="page cache on (REDIS_URL)")
    parser.add_argument(
        "--shared-cache",
        action="store_true",
        help="Redis as the cache (REDIS_URL) with the page cache off: production's cold"
        " pages, paying a round trip per cache read",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--database-cpu",
        action="store_true",
        help="also print the PostgreSQL backend's CPU per request of each URL (not --walk;"
        " local server only)",
    )
    parser.add_argument(
        "--profile", help="write a cProfile of the last URL (or a further round of the walk) here"
    )
    args = parser.parse_args()
    production_settings()
    collect = "STATIC_ROOT" not in os.environ
    if args.database_cpu:
        # One connection for the whole run, so that one backend serves every request.
        os.environ["CONN_MAX_AGE"] = "86400"
    if collect:
        os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="finews-cpu-static-")
    os.environ["PAGE_CACHE"] = "true" if args.cached else "false"
    if args.cached or args.shared_cache:
        os.environ["REDIS_URL"] = args.redis
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")

    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    if collect:
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)

    def request(url):
        status, body = get(app, url)
        assert status.startswith("200"), (url, status)
        return body

    if args.walk:
        walk = Path(args.walk).read_text().split()
        for number in range(1, args.rounds + 1):
            started, wall = time.process_time(), time.perf_counter()
            for path in walk:
                request(path)
            cpu = (time.process_time() - started) * 1000 / len(walk)
            wall = (time.perf_counter() - wall) * 1000 / len(walk)
            print(
                f"walk of {len(walk)} paths, round {number}: {cpu:6.2f} ms CPU,"
                f" {wall:6.2f} ms wall per request (means)"
            )

    for url in args.urls:
        for _ in range(20):
            request(url)
        times, walls = [], []
        backend = backend_ticks(connection) if args.database_cpu else None
        for _ in range(args.repeat):
            started, wall = time.process_time(), time.perf_counter()
            request(url)
            times.append((time.process_time() - started) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        database = ""
        if args.database_cpu:
            after = backend_ticks(connection)
            if backend is None or after is None or after[0] != backend[0]:
                database = ", database CPU unknown (a local PostgreSQL only)"
            else:
                per_request = (after[1] - backend[1]) * 1000 / os.sysconf("SC_CLK_TCK")
                database = f", {per_request / args.repeat:5.3f} ms database CPU (mean)"
        print(
            f"{url:50} {statistics.median(times):6.2f} ms CPU, {statistics.median(walls):6.2f} ms"
            f" wall (medians of {args.repeat}){database}"
        )
    if args.profile:
        import cProfile

        prof = cProfile.Profile(time.process_time)
        prof.enable()
        if args.urls:
            for _ in range(args.repeat):
                request(args.urls[-1])
        else:
            for path in walk:
                request(path)
        prof.disable()
        prof.dump_stats(args.profile)


if __name__ == "__main__":
    main()
