"""Real processes for failure tests and the load benchmark.

Each helper starts its own server on a given port, under a temporary directory,
and can stop and start it again: a PostgreSQL cluster (initdb / pg_ctl from
Debian's /usr/lib/postgresql/<version>/bin, run as the ``postgres`` user when
we are root, because initdb refuses root), a redis-server, and gunicorn running
finews with production settings. Used by tests/ops/test_processes.py and
bench/load.py; nothing here is imported by the site.
"""

import glob
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def missing_tools():
    """What these helpers need and cannot find, as a readable list."""
    missing = []
    if not pg_bindir():
        missing.append("PostgreSQL server binaries (apt-get install postgresql)")
    if not shutil.which("redis-server"):
        missing.append("redis-server (apt-get install redis-server)")
    if not Path(GUNICORN).exists():
        missing.append("gunicorn in .venv (scripts/bootstrap.sh)")
    return missing


def pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return str(Path(found[-1]).parent) if found else None


def _version_key(path):
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout}s")


def port_open(port):
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    elapsed: float
    error: str = ""

    def header(self, name):
        return self.headers.get(name.lower(), "")


def fetch(port, path, *, method="GET", headers=None, body=None, timeout=15.0):
    """One HTTP request, no redirects followed; a failed connection is status 0.

    Sends X-Forwarded-Proto: https as nginx does, so production settings treat
    the request as secure (no redirect, HSTS, secure cookies).
    """
    all_headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}
    all_headers.update(headers or {})
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=all_headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        got = {}
        for name, value in resp.getheaders():
            key = name.lower()
            got[key] = f"{got[key]}\n{value}" if key in got else value
        return Response(resp.status, got, text, time.monotonic() - started)
    except (OSError, http.client.HTTPException) as exc:
        return Response(0, {}, "", time.monotonic() - started, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def _as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@dataclass
class PostgresCluster:
    port: int
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="finews-pg-")))

    def __post_init__(self):
        self.bindir = pg_bindir()
        self.datadir = self.base / "data"
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")

    def url(self, dbname):
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def init(self):
        subprocess.run(
            _as_postgres(
                [
                    f"{self.bindir}/initdb",
                    "-D",
                    str(self.datadir),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            _as_postgres(
                [
                    f"{self.bindir}/pg_ctl",
                    "-D",
                    str(self.datadir),
                    "-o",
                    options,
                    "-l",
                    str(self.base / "postgres.log"),
                    "-w",
                    "-t",
                    "30",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self

    def stop(self, mode="fast"):
        subprocess.run(
            _as_postgres(
                [f"{self.bindir}/pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop"]
            ),
            check=False,
            capture_output=True,
        )

    def createdb(self, dbname):
        subprocess.run(
            [
                f"{self.bindir}/createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                dbname,
            ],
            check=True,
            capture_output=True,
        )

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class RedisServer:
    port: int
    proc: subprocess.Popen | None = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                # The shipped settings (memory limit, eviction), then the test's own.
                str(ROOT / "deploy" / "redis.conf"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), 10, what=f"redis on {self.port}")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


def site_env(*, database_url, redis_url, static_root, **extra):
    """The environment of a production finews process for these tests."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "PYTEST"))
    }
    env.update(
        {
            "FINEWS_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": redis_url,
            "STATIC_ROOT": str(static_root),
            "LOG_FORMAT": "json",
            "DJANGO_SETTINGS_MODULE": "finews.settings",
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env, *args, input_text=None):
    """Run manage.py with ``env``; raise with its output when it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def orm(env, code):
    """Run Python ``code`` with Django set up against ``env``'s database; its stdout."""
    return manage(env, "shell", "--no-imports", "-c", code)


def children(pid):
    """The pids whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(Path(stat).parent.name))
    return sorted(found)


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Gunicorn:
    port: int
    env: dict
    workers: int = 2
    log_path: Path | None = None
    proc: subprocess.Popen | None = None

    def start(self):
        env = dict(
            self.env,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(self.workers),
            GUNICORN_TIMEOUT="20",
        )
        self.log_path = self.log_path or Path(tempfile.mkstemp(prefix="finews-gunicorn-")[1])
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "finews/gunicorn.conf.py", "finews.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: (
                    fetch(self.port, "/healthz", timeout=2).status == 200
                    and len(self.workers_pids()) == self.workers
                ),
                30,
                what=f"gunicorn on {self.port}",
            )
        except TimeoutError as exc:
            self.stop()
            raise TimeoutError(f"{exc}; its log ends:\n{self.log()[-3000:]}") from None
        return self

    def workers_pids(self):
        return children(self.proc.pid) if self.proc else []

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
