"""The read beacon under load: beacons/s and latency, and article pages with and without it.

    .venv/bin/python bench/beacon_load.py
    .venv/bin/python bench/beacon_load.py --db finews_bench_beacon --redis redis://127.0.0.1:6379/5

Seeds a PostgreSQL database of its own (--articles, reused while it holds
them), starts gunicorn as ops would (finews/gunicorn.conf.py, 2 sync workers,
FINEWS_ENV=production, DEBUG off) with REDIS_URL (page cache and counters)
and runs wrk:

1. beacons only: ``POST /hot/beacon/`` from a Lua script that varies the
   article id (every published id) and the browser id (random) per request,
   at each --connections count; requests/s, p50, p99;
2. the article page alone (page cache on), then the same page while the
   beacon load of --side-connections runs beside it, the two wrk processes at
   once: the page's requests/s and p99 both ways, and the beacons/s reached.

Every beacon comes from 127.0.0.1, so the per-address limit is switched off
(HOT_BEACON_RATE_PER_MINUTE=0); each request is then a full count (rate
check skipped, SET NX, HINCRBY, EXPIRE, SADD in one Lua call). At the end the
hour's hash is read back to show the beacons were counted. Not a test.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import PY, Server, ensure_wrk, production_env, run, wrk_figures
from run_bench import wrk as wrk_page

LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + tid)
end
local ids = {%(ids)s}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"
request = function()
  local body = string.format("a=%%d&b=%%08x%%08x%%08x%%08x", ids[math.random(#ids)],
    math.random(0, 0x7fffffff), math.random(0, 0x7fffffff),
    math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  return wrk.format(nil, "/hot/beacon/", nil, body)
end
"""

PICK = """
from articles.models import Article
ids = list(Article.objects.published().values_list("pk", flat=True)[:5000])
print(Article.objects.published().order_by("-published_at")[10].get_absolute_url())
print(",".join(map(str, ids)))
"""


def wrk_beacons(url, lua, args):
    """(requests/s, p50 ms, p99 ms) of wrk POSTing beacons from the Lua script."""
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--latency", "--timeout", "10s"]
    subprocess.run([*base, "-d2s", "-s", str(lua), url], check=True, capture_output=True)
    out = subprocess.run(
        [*base, f"-d{args.duration}s", "-s", str(lua), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        print(f"  (beacons: {out})", flush=True)
    return wrk_figures(out)


CPU_PER_BEACON = """
import io, secrets, time
from finews.wsgi import application
ids = [int(i) for i in "%(ids)s".split(",")]

def call(n):
    body = f"a={ids[n %% len(ids)]}&b={secrets.token_hex(16)}".encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/hot/beacon/",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "HTTP_USER_AGENT": "Mozilla/5.0 Chrome/126", "REMOTE_ADDR": "127.0.0.1"}
    application(environ, lambda status, headers: None)

for n in range(500):
    call(n)
wall, cpu = time.perf_counter(), time.process_time()
for n in range(5000):
    call(n)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(f"{cpu / 5000 * 1e6:.0f} {wall / 5000 * 1e6:.0f}")
"""


def ensure_database(args, env):
    count = subprocess.run(
        ["psql", f"{args.pg}/{args.db}", "-tAc", "SELECT count(*) FROM articles_article"],
        capture_output=True,
        text=True,
    )
    if count.returncode != 0 or int(count.stdout.strip() or 0) < args.articles:
        run(["psql", f"{args.pg}/postgres", "-qc", f"DROP DATABASE IF EXISTS {args.db}"], env)
        run(["psql", f"{args.pg}/postgres", "-qc", f"CREATE DATABASE {args.db}"], env)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PY, "manage.py", "seed_demo", "--articles", str(args.articles)], env)
    else:
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)


def row(label, result):
    rps, p50, p99 = result
    return f"| {label} | {rps:.0f} | {p50:.2f} | {p99:.2f} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--db", default="finews_bench_beacon")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", default="2,4,8,16", help="beacon-only runs")
    parser.add_argument("--page-connections", type=int, default=8)
    parser.add_argument("--side-connections", type=int, default=4)
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=int(os.environ.get("GUNICORN_THREADS", "1")),
        help="GUNICORN_THREADS: 1 is the sync worker (the default config), more is gthread",
    )
    args = parser.parse_args()

    ensure_wrk()
    static_root = tempfile.mkdtemp(prefix="finews-beacon-static-")
    env = production_env(
        f"{args.pg}/{args.db}",
        static_root,
        REDIS_URL=args.redis,
        PAGE_CACHE="true",
        HOT_BEACON_RATE_PER_MINUTE="0",
        GUNICORN_THREADS=str(args.gunicorn_threads),
    )
    ensure_database(args, env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    out = run([PY, "manage.py", "shell", "-c", PICK], env, capture_output=True, text=True)
    article_path, ids = out.stdout.strip().splitlines()[-2:]
    redis_db = args.redis.rsplit("/", 1)[-1]
    subprocess.run(["redis-cli", "-n", redis_db, "FLUSHDB"], capture_output=True, check=True)
    lua = Path(static_root) / "beacon.lua"
    lua.write_text(LUA % {"ids": ids})

    def wrk_args(connections):
        return argparse.Namespace(
            threads=args.threads, connections=connections, duration=args.duration
        )

    cpu_us, wall_us = run(
        [PY, "-c", CPU_PER_BEACON % {"ids": ids}], env, capture_output=True, text=True
    ).stdout.split()
    print(f"one beacon in-process (finews/wsgi.py, Redis): {cpu_us} us CPU, {wall_us} us wall")
    beacon_rows, page_rows = [], []
    with Server("finews.wsgi", env, args.port) as server:
        beacon_url = server.base + "/hot/beacon/"
        page_url = server.base + article_path
        urllib.request.urlopen(page_url).read()  # noqa: S310 (local URL)
        for connections in map(int, args.connections.split(",")):
            result = wrk_beacons(beacon_url, lua, wrk_args(connections))
            beacon_rows.append(row(f"beacons, -c{connections}", result))
            print(beacon_rows[-1], flush=True)
        alone = wrk_page(page_url, wrk_args(args.page_connections))
        page_rows.append(row(f"article page alone, -c{args.page_connections}", alone))
        print(page_rows[-1], flush=True)
        side = {}
        beside = threading.Thread(
            target=lambda: side.update(
                r=wrk_beacons(beacon_url, lua, wrk_args(args.side_connections))
            )
        )
        beside.start()
        time.sleep(1)
        together = wrk_page(page_url, wrk_args(args.page_connections))
        beside.join()
        page_rows.append(row(f"article page with beacon load, -c{args.page_connections}", together))
        page_rows.append(row(f"beacons beside it, -c{args.side_connections}", side["r"]))
        print("\n".join(page_rows[-2:]), flush=True)
    # The ceiling: a bare WSGI app answering an empty 200 under the same gunicorn.
    empty = Path(static_root) / "empty.html"
    empty.write_bytes(b"")
    ceiling_env = {**env, "CEILING_FILE": str(empty)}
    with Server("ceiling:app", ceiling_env, args.port + 1, ["--pythonpath", "bench"]) as bare:
        for connections in map(int, args.connections.split(",")):
            result = wrk_page(bare.base + "/", wrk_args(connections))
            beacon_rows.append(row(f"ceiling: bare WSGI, empty answer, -c{connections}", result))
            print(beacon_rows[-1], flush=True)
    hour = int(time.time() // 3600)
    counted = subprocess.run(
        ["redis-cli", "-n", redis_db, "HLEN", f"finews:hot:h:{hour}"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"\ngunicorn -w 2 --threads {args.gunicorn_threads}, Redis {args.redis}; "
        f"wrk -t{args.threads} -d{args.duration}s "
        f"(after a 2 s warm-up); {len(ids.split(','))} article ids; "
        f"articles with counts in this hour's hash: {counted}; one beacon in-process: "
        f"{cpu_us} us CPU, {wall_us} us wall\n"
    )
    print("| load | req/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |")
    print("\n".join(beacon_rows + page_rows))
    shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
