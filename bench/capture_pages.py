"""Write the HTML of real pages to a folder, to compare two versions of the code byte for byte.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finews_bench_100000 \
        .venv/bin/python bench/capture_pages.py OUT_DIR URL...

Runs the production settings as bench/cpu_per_request.py does (page cache off)
and saves each URL's status line and body as OUT_DIR/NN.html (NN: its place
in the list). Capture once before a change and once after, on the same data
and the same Beijing day, then ``diff -r`` the two folders. Not a test.
"""

import argparse
import io
import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    os.environ.setdefault("FINEWS_ENV", "production")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
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

        def start_response(line, headers, *args, status=status):
            status.append(line)

        body = b"".join(app(environ, start_response))
        (out / f"{number:02}.html").write_bytes(f"{url}\n{status[0]}\n".encode() + body)
        print(f"{number:02} {status[0]:24} {len(body):7} bytes  {url}")


if __name__ == "__main__":
    main()
