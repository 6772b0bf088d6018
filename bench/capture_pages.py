"""Write the HTML of real pages to a folder, to compare two versions of the code byte for byte.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_100000 \
        .venv/bin/python bench/capture_pages.py OUT_DIR URL...

Runs the production settings as bench/cpu_per_request.py does (page cache off)
and saves each URL's status line and body as OUT_DIR/NN.html (NN: its place
in the list). Capture once before a change and once after, on the same data
and the same Beijing day, then ``diff -r`` the two folders. Not a test.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu_per_request import get, production_settings  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    production_settings()
    os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="finews-capture-static-"))
    os.environ["PAGE_CACHE"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")

    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    call_command("collectstatic", "--noinput", verbosity=0)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for number, url in enumerate(args.urls):
        status, body = get(app, url)
        (out / f"{number:02}.html").write_bytes(f"{url}\n{status}\n".encode() + body)
        print(f"{number:02} {status:24} {len(body):7} bytes  {url}")


if __name__ == "__main__":
    main()
