"""The benchmark's ceiling: a bare WSGI app that serves fixed bytes.

It answers every request with the article page the real site rendered
(read once from CEILING_FILE), under the same gunicorn configuration. No
Django, no database: what the server, the network stack and the load
generator cost on this machine, and so the most any page can reach.
"""

import os
from pathlib import Path

BODY = Path(os.environ["CEILING_FILE"]).read_bytes()
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(BODY))),
]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
