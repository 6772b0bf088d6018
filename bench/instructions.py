"""Instructions per request of finews's WSGI app: a figure that load on the machine barely moves.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_100000 \
        .venv/bin/python bench/instructions.py URL... [--low 20 --high 120]

Wall-clock and CPU-time figures on a shared machine move by ±10 % from run
to run, more than most single changes are worth. valgrind's callgrind counts
the instructions the process executes instead: the same code, data and
inputs give the same count (to about 0.1 %) on a quiet machine. Heavy load
beside it moves the count a little (about 5 % with the PostgreSQL suite
running: psycopg waits longer for a busy server), so counts to compare are
taken alone. Each URL runs under ``bench/cpu_per_request.py`` (production settings,
page cache off) twice at once, ``--low`` and ``--high`` requests after the
same warm-up; the difference of the two totals divided by the difference of
the counts is one request's instructions, start-up excluded. Slow (Python
under valgrind runs about 50 times slower: minutes per URL), run on purpose
to compare two versions of the code, never by the tests. Needs valgrind.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTED = re.compile(rb"Collected : (\d+)")


def start(url, repeat):
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(ROOT / "bench" / "cpu_per_request.py"),
        "--repeat",
        str(repeat),
        url,
    ]
    # The same hash seed in both runs: dictionary layouts, hence counts, alike.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def total(process):
    output = process.communicate()[0]
    found = COLLECTED.search(output)
    if process.returncode != 0 or found is None:
        raise SystemExit(output.decode(errors="replace")[-3000:])
    return int(found.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--low", type=int, default=20)
    parser.add_argument("--high", type=int, default=120)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    if args.high <= args.low:
        raise SystemExit("--high must be more than --low")
    for url in args.urls:
        low, high = start(url, args.low), start(url, args.high)
        per_request = (total(high) - total(low)) / (args.high - args.low)
        print(f"{url:50} {per_request / 1e6:8.3f} M instructions per request")


if __name__ == "__main__":
    main()
