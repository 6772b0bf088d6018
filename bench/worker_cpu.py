"""CPU time per request of gunicorn's workers: finews (page cache on and off) and the ceiling.

    .venv/bin/python bench/worker_cpu.py --articles 20000 / /category/<slug>/ /news/<slug>/

Starts gunicorn as bench/run_bench.py does (finews/gunicorn.conf.py, 2 workers,
production settings, database finews_bench_<N> which run_bench.py creates),
but with GUNICORN_MAX_REQUESTS=0 so that no worker restarts during a
measurement. Runs wrk (1 thread, 2 connections, --seconds) against each path
and reads the workers' user+system CPU from /proc/<pid>/stat before and after:
the CPU one request costs the worker, whatever else loads the machine.
Not a test: it is run on purpose.
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PY = str(ROOT / ".venv" / "bin" / "python")


def worker_cpu_ms(pids):
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def measure(label, app, env, port, paths, seconds, extra=()):
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    cmd = [GUNICORN, "-c", "finews/gunicorn.conf.py", *extra, app]
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        workers = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            subprocess.run(["wrk", "-t1", "-c2", "-d2s", url], capture_output=True, check=True)
            before = worker_cpu_ms(workers)
            out = subprocess.run(
                ["wrk", "-t1", "-c2", f"-d{seconds}s", url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            spent = worker_cpu_ms(workers) - before
            requests = int(re.search(r"(\d+) requests in", out).group(1))
            print(
                f"| {label} | `{path}` | {spent / requests:.2f} ms | {requests} |",
                flush=True,
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="URL paths, percent-encoded")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="finews-bench-static-")
    env = {
        **os.environ,
        "FINEWS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{args.pg}/finews_bench_{args.articles}",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    ceiling = Path(static_root) / "ceiling.html"
    ceiling.write_bytes(b"x" * 9000)
    print("| server | path | CPU per request | requests |")
    print("| --- | --- | ---: | ---: |")
    measure(
        "bare-WSGI ceiling (9,000 bytes)",
        "ceiling:app",
        {**env, "CEILING_FILE": str(ceiling)},
        args.port + 1,
        ["/"],
        args.seconds,
        ["--pythonpath", "bench"],
    )
    measure(
        "finews, page-cache hit",
        "finews.wsgi",
        {**env, "PAGE_CACHE": "true", "REDIS_URL": args.redis},
        args.port,
        args.paths,
        args.seconds,
    )
    measure(
        "finews, uncached",
        "finews.wsgi",
        {**env, "PAGE_CACHE": "false"},
        args.port,
        args.paths,
        args.seconds,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
