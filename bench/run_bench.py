"""Throughput of finews's public pages at N articles, against a bare-WSGI ceiling.

    .venv/bin/python bench/run_bench.py --articles 20000
    .venv/bin/python bench/run_bench.py --articles 1000000 --duration 15

Loads N articles into a PostgreSQL database of its own (finews_bench_<N>;
seeded once, reused while it holds N articles), collects static files, starts
gunicorn as ops would (finews/gunicorn.conf.py, 2 workers, FINEWS_ENV=production
with a throwaway secret, DEBUG off), and runs wrk against each page twice --
with the page cache off (PAGE_CACHE=false) and on (Redis) -- keeping the better
of --runs runs. The ceiling is bench/ceiling.py serving the same article's
bytes under the same gunicorn. Prints requests/s, p50, p99 and the ratio to the
ceiling per page, as a Markdown table. Not a test: it is run on purpose.

"random" is a crawler's walk: every request a different one of 2,000 articles
spread evenly over the archive (a wrk Lua script reading a file of paths), so
a per-URL cache does not help it. `--only article random` measures a subset;
`--capture DIR` saves each page's uncached HTML (and 20 of the walk's) to diff
the output of two versions of the code.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

# Articles in the random-article walk, spread evenly over the whole archive.
WALK = 2000

PICK_PAGES = (
    f"WALK = {WALK}\n"
    + """
import json
from django.urls import NoReverseMatch, reverse
from django.db.models import Count
from articles.models import Article, Category, TaggedArticle
from taggit.models import Tag
per = 20
big = (Article.objects.published().values("category").annotate(n=Count("id"))
       .order_by("-n").first())
category = Category.objects.get(pk=big["category"])
pages = -(-big["n"] // per)
tag_id = (TaggedArticle.objects.filter(status="published").values("tag").annotate(n=Count("id"))
          .order_by("-n").first()["tag"])
article = Article.objects.published().order_by("-published_at")[1000 if big["n"] > 2000 else 10]
# The crawler's walk: WALK articles spread evenly over the whole archive.
published = Article.objects.published().order_by("-published_at", "-id")
total = published.count()
step = max(1, total // WALK)
walk_ids = set(range(0, total, step)[:WALK])
walk = [a.get_absolute_url() for i, a in enumerate(published.only("slug").iterator(chunk_size=5000))
        if i in walk_ids]
urls = {
    "home": reverse("articles:home"),
    "category p1": category.get_absolute_url(),
    f"category p{min(500, pages)}": category.get_absolute_url() + f"?page={min(500, pages)}",
    "article": article.get_absolute_url(),
    "tag": reverse("articles:tag", args=[Tag.objects.get(pk=tag_id).slug]),
}
optional = [
    ("search", "articles:search", "?q=%E9%93%B6%E8%A1%8C"),  # 银行
    ("feed", "articles:feed_rss", ""),
]
for label, name, query in optional:
    try:
        urls[label] = reverse(name) + query
    except NoReverseMatch:
        urls[label] = None
print(json.dumps({"urls": urls, "category_articles": big["n"], "walk": walk,
                  "articles": Article.objects.count()}))
"""
)


# The random-article walk: each request of every wrk connection takes the next
# path of the file (each connection starting at its own offset), so no two
# requests in a row ask for the same article and a per-URL cache rarely hits.
WALK_LUA = """
local paths = {}
for line in io.lines("WALK_FILE") do paths[#paths + 1] = line end
local counter = 0
setup = function(thread) thread:set("offset", counter * 997); counter = counter + 1 end
init = function(args) n = offset end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
"""


def production_env(database_url, static_root, **extra):
    """The environment of gunicorn as ops run it: production settings, a throwaway key."""
    return {
        **os.environ,
        "FINEWS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("Installing wrk (Debian package)", flush=True)
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt_env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=apt_env)


def ensure_database(args, env):
    """Create and seed the bench database unless it already holds N articles."""
    admin = f"{args.pg}/postgres"
    count = subprocess.run(
        ["psql", f"{args.pg}/{args.db}", "-tAc", "SELECT count(*) FROM articles_article"],
        capture_output=True,
        text=True,
    )
    if count.returncode == 0 and count.stdout.strip() == str(args.articles):
        print(f"{args.db} already holds {args.articles} articles", flush=True)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        # What the task engine does within the hour (seed_demo does it for a new database).
        run([PY, "manage.py", "refresh_search_words"], env)
        return
    run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {args.db}"], env)
    run(["psql", admin, "-qc", f"CREATE DATABASE {args.db}"], env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.monotonic()
    run([PY, "manage.py", "seed_demo", "--articles", str(args.articles)], env)
    print(f"seed_demo --articles {args.articles}: {time.monotonic() - started:.0f} s", flush=True)


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_up(url, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (local URL)
            return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    return False


class Server:
    """gunicorn with the project's config and 2 workers, stopped on exit."""

    def __init__(self, app, env, port, extra=()):
        self.cmd = [GUNICORN, "-c", "finews/gunicorn.conf.py", *extra, app]
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_ACCESSLOG": "/dev/null",
        }
        self.base = f"http://127.0.0.1:{port}"
        self.port = port

    def __enter__(self):
        if not port_free(self.port):
            raise SystemExit(f"port {self.port} is in use: stop what listens there or use --port")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            self.cmd, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        if not wait_up(self.base + "/", self.proc):
            self.__exit__()
            self.log.seek(0)
            raise SystemExit("gunicorn did not start:\n" + self.log.read().decode()[-3000:])
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def wrk(url, args, script=None):
    """(requests/s, p50 ms, p99 ms) of one wrk run after a short warm-up."""
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--latency", "--timeout", "10s"]
    if script:
        base += ["-s", script]
    subprocess.run([*base, "-d2s", url], check=True, capture_output=True)
    out = subprocess.run(
        [*base, f"-d{args.duration}s", url], check=True, capture_output=True, text=True
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw error answers on {url}:\n{out}")
    if "Socket errors" in out:
        print(f"  ({url}: {re.search(r'Socket errors.*', out).group(0)})", flush=True)
    return wrk_figures(out)


def wrk_figures(out):
    """(requests/s, p50 ms, p99 ms) from the text wrk --latency prints."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(pct):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rps, ms(50), ms(99)


def best(url, args):
    return max((wrk(url, args) for _ in range(args.runs)), key=lambda r: r[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--db", help="database name (default finews_bench_<N>)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=2, help="runs per page; the best is kept")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", nargs="+", metavar="LABEL", help="measure only these pages")
    parser.add_argument(
        "--capture",
        metavar="DIR",
        help="save each page's HTML (uncached, and 20 of the walk's articles) in DIR, to diff "
        "two versions of the code",
    )
    args = parser.parse_args()
    args.db = args.db or f"finews_bench_{args.articles}"

    ensure_wrk()
    static_root = tempfile.mkdtemp(prefix="finews-bench-static-")
    env = production_env(f"{args.pg}/{args.db}", static_root)
    env.pop("REDIS_URL", None)
    ensure_database(args, env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    picked = json.loads(
        run([PY, "manage.py", "shell", "-c", PICK_PAGES], env, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    urls = picked["urls"]
    walk_file = Path(static_root) / "walk.txt"
    walk_file.write_text("\n".join(picked["walk"]) + "\n")
    walk_script = Path(static_root) / "walk.lua"
    walk_script.write_text(WALK_LUA.replace("WALK_FILE", str(walk_file)))
    urls["random"] = picked["walk"][0]
    if args.only:
        urls = {
            label: path
            for label, path in urls.items()
            if label.split()[0] in args.only or label in args.only or label == "article"
        }
    print(
        f"articles: {picked['articles']}, biggest category: {picked['category_articles']}, "
        f"walk: {len(picked['walk'])} articles"
    )
    capture = Path(args.capture) if args.capture else None
    if capture:
        capture.mkdir(parents=True, exist_ok=True)
        step = max(1, len(picked["walk"]) // 20)
        for i, path in enumerate(picked["walk"][::step][:20]):
            urls[f"walk{i:02}"] = path
    ceiling_file = Path(static_root) / "ceiling.html"
    redis_db = args.redis.rsplit("/", 1)[-1]
    subprocess.run(["redis-cli", "-n", redis_db, "FLUSHDB"], capture_output=True)
    modes = [
        ("uncached", {"PAGE_CACHE": "false"}),
        ("cached", {"PAGE_CACHE": "true", "REDIS_URL": args.redis}),
    ]
    # The ceiling is measured right after each page, so that both figures of a
    # ratio see the same load from whatever else runs on the machine.
    results = {}
    with contextlib.ExitStack() as stack:
        ceiling_server = None
        for mode, extra_env in modes:
            with Server("finews.wsgi", {**env, **extra_env}, args.port) as server:
                for label, path in urls.items():
                    if path is None:
                        continue
                    url = server.base + path
                    with urllib.request.urlopen(url) as response:  # noqa: S310 (local URL)
                        assert response.status == 200, (label, response.status)
                        body = response.read()
                    if capture and mode == "uncached":
                        name = re.sub(r"[^a-z0-9]+", "-", label)
                        (capture / f"{name}.html").write_bytes(body)
                    if label == "article" and ceiling_server is None:
                        ceiling_file.write_bytes(body)
                        ceiling_server = stack.enter_context(
                            Server(
                                "ceiling:app",
                                {**env, "CEILING_FILE": str(ceiling_file)},
                                args.port + 1,
                                ["--pythonpath", "bench"],
                            )
                        )
                for label, path in urls.items():
                    if path is None or label.startswith("walk"):
                        continue
                    if args.only and label.split()[0] not in args.only and label not in args.only:
                        continue
                    script = str(walk_script) if label == "random" else None
                    runs = []
                    for _ in range(args.runs):
                        page = wrk(server.base + path, args, script)
                        ceiling = wrk(ceiling_server.base + "/", args)
                        runs.append((page[0] / ceiling[0], page, ceiling))
                    results[label, mode] = max(runs)
                    ratio, page, ceiling = results[label, mode]
                    print(
                        f"{mode:9} {label:16} {page[0]:8.0f} req/s "
                        f"(ceiling {ceiling[0]:.0f}, {ratio:.1%})",
                        flush=True,
                    )

    ceilings = sorted(c[0] for _, _, c in results.values())
    print(
        f"\n{picked['articles']} articles; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s, better of {args.runs} runs; gunicorn -w 2; "
        f"ceiling: bare WSGI serving the {ceiling_file.stat().st_size}-byte article page, "
        f"{ceilings[0]:.0f}-{ceilings[-1]:.0f} req/s over the run\n"
    )
    print("| page | mode | req/s | p50 ms | p99 ms | ceiling req/s | ratio to ceiling |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for (label, mode), (ratio, (rps, p50, p99), ceiling) in results.items():
        print(
            f"| {label} | {mode} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {ceiling[0]:.0f} "
            f"| {ratio:.1%} |"
        )
    for label in ("search", "feed"):
        if label in urls and urls[label] is None:
            print(f"\n({label}: no such route on this branch; not measured)")
    shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
