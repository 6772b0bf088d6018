"""Time ``manage.py fetch_sources --once`` over local fixture sources.

    .venv/bin/python bench/fetch_sources.py                  # 20 sources x 100 items, SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/fetch_sources.py --sources 20 --items 100

Serves N RSS feeds of M items each from a local HTTP server (127.0.0.1, so it
sets FETCH_ALLOW_PRIVATE_NETWORKS=true), on a fresh SQLite file in a temporary
folder unless DATABASE_URL is given (then that database must be empty and is
migrated). Runs ``fetch_sources --once`` three times in a subprocess each, as
ops would: first every item is new, then the feeds are unchanged (every item
read and found unchanged), then they answer 304 (conditional GET). Prints the
wall time of each, and the polling time the command reports itself (without
the process start). Not a test: it is run on purpose.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PUBLICATIONS = ["证券时报", "中国证券报", "上海证券报", "财联社", "新浪财经"]


def feed(n, items):
    now = datetime.now(UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>基准来源{n}</title><link>http://bench.example.cn/</link><description>d</description>",
    ]
    for i in range(items):
        parts.append(
            f"<item><title>基准来源{n}的第{i}条新闻：板块{i % 30}只个股上涨</title>"
            f"<link>http://bench.example.cn/{n}/{i}.html</link><guid>bench-{n}-{i}</guid>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=i * 3 + n))}</pubDate>"
            f"<description>&lt;p&gt;{'公司公告显示，业绩增长主要受益于主营业务。' * 10}&lt;/p&gt;"
            "</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(feeds):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            n = int(self.path.strip("/").removesuffix(".xml"))
            if self.headers.get("If-None-Match") == f'"{n}"' and self.server.conditional:
                self.send_response(304)
                self.end_headers()
                return
            body = feeds[n]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            if self.server.conditional:
                self.send_header("ETag", f'"{n}"')
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.conditional = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def manage(env, *args, quiet=True):
    return subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=quiet,
        text=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    feeds = [feed(n, args.items) for n in range(args.sources)]
    server = serve(feeds)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, FETCH_ALLOW_PRIVATE_NETWORKS="true", LOG_LEVEL="WARNING")
        env.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
        manage(env, "migrate", "--noinput")
        # All sources in one process (add_source once per source is slow to start).
        script = (
            "from sources.models import Source\n"
            f"for n in range({args.sources}):\n"
            "    Source.objects.create(name=f'基准来源{n}', format='rss', "
            f"url=f'http://127.0.0.1:{port}/{{n}}.xml', "
            f"publication={PUBLICATIONS!r}[n % {len(PUBLICATIONS)}])\n"
        )
        manage(env, "shell", "-c", script)
        total = args.sources * args.items
        print(
            f"{args.sources} sources x {args.items} items ({total} items), "
            f"database: {env['DATABASE_URL'].split(':', 1)[0]}"
        )
        for label, all_sources, conditional in (
            ("new items", False, False),
            ("unchanged items", True, True),
            ("304 Not Modified", True, True),
        ):
            server.conditional = conditional
            start = time.perf_counter()
            result = manage(env, "fetch_sources", "--once", *(["--all"] if all_sources else []))
            elapsed = time.perf_counter() - start
            summary = result.stdout.strip().splitlines()[-1]
            print(f"  fetch_sources --once, {label:<17}: {elapsed:6.2f} s wall  ({summary})")
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
