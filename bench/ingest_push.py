"""Push API throughput: N items in batches of 500 to gunicorn on PostgreSQL.

    .venv/bin/python bench/ingest_push.py --items 50000

Creates a PostgreSQL database of its own (finews_ingest_bench, dropped and
created anew), starts gunicorn as ops would (finews/gunicorn.conf.py,
production settings with a throwaway secret, 2 workers), and pushes the items
twice from --clients concurrent clients: first all new (created), then the
same items again (unchanged). Prints items/s for both passes and the workers'
resident memory after each third of the first pass (flat memory: no growth
with the number of items). Targets (issue 12): >= 2,000 items/s created,
>= 5,000 items/s unchanged. Not a test: it is run on purpose.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SOURCES = [
    "东方财富网",
    "大众证券报",
    "证券时报",
    "中国证券报",
    "财联社",
    "新浪财经",
    "21世纪经济报道",
]
TAGS = ["央行", "A股", "港股", "新能源", "银行", "券商", "基金", "美联储", "芯片", "地产"]


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def item(n):
    """A realistic mix: mostly 7×24 flash items, every fifth a short article."""
    flash = n % 5
    day = 1 + n % 28
    return {
        "kind": "flash" if flash else "article",
        "title": None if flash else f"第{n}号公司发布三季度业绩预告，净利润同比增长{n % 90}%",
        "summary": f"【第{n}条快讯】截至收盘，板块{n % 300}只个股上涨，成交额{n % 997}亿元。",
        "body_html": ""
        if flash
        else "<p>" + "公司公告显示，业绩增长主要受益于主营业务。" * 20 + "</p>",
        "source": SOURCES[n % len(SOURCES)],
        "external_id": f"bench{n:08d}",
        "url": f"https://finance.example.com/a/2024{day:02d}{n:010d}.html",
        "published_at": f"2024-11-{day:02d}T{n % 24:02d}:{n % 60:02d}:00+08:00",
        "tags": [TAGS[n % len(TAGS)], TAGS[(n // 10) % len(TAGS)]],
    }


def push(base, token, batch):
    body = json.dumps({"items": batch}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (a local http URL)
        f"{base}/api/v1/items",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (local URL)
        return json.loads(response.read())["counts"]


def rss_mb(master_pid):
    children = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    total = 0
    for pid in children:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def one_pass(base, token, batches, clients, master_pid, label):
    totals, memory = {}, []
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for done, counts in enumerate(pool.map(lambda b: push(base, token, b), batches), 1):
            for status, n in counts.items():
                totals[status] = totals.get(status, 0) + n
            if done % max(1, len(batches) // 3) == 0:
                memory.append(round(rss_mb(master_pid)))
    elapsed = time.monotonic() - started
    items = sum(len(b) for b in batches)
    print(
        f"{label}: {items} items in {elapsed:.1f} s = {items / elapsed:,.0f} items/s; "
        f"counts {totals}; workers' RSS (MB) along the way {memory}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--clients", type=int, default=2, help="concurrent pushing clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8291)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="finews_ingest_bench")
    args = parser.parse_args()

    env = {
        **os.environ,
        "FINEWS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="finews-bench-static-"),
        "LOG_LEVEL": "WARNING",
        # The bench measures the pipeline, not the per-token rate limit.
        "INGEST_RATE_PER_MINUTE": "1000000",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_TIMEOUT": "120",
    }
    env.pop("REDIS_URL", None)
    admin = f"{args.pg}/postgres"
    run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {args.db}"], env)
    run(["psql", admin, "-qc", f"CREATE DATABASE {args.db}"], env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    token = (
        run(
            [PY, "manage.py", "ingest_token", "create", "bench"],
            env,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    items = [item(n) for n in range(args.items)]
    batches = [items[i : i + args.batch] for i in range(0, len(items), args.batch)]
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [GUNICORN, "-c", "finews/gunicorn.conf.py", "finews.wsgi"], env=env, cwd=ROOT
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        else:
            sys.exit("gunicorn did not start")
        print(
            f"{args.items} items, batches of {args.batch}, {args.clients} clients, "
            f"gunicorn -w {args.workers}, PostgreSQL",
            flush=True,
        )
        one_pass(base, token, batches, args.clients, server.pid, "created  ")
        one_pass(base, token, batches, args.clients, server.pid, "unchanged")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
