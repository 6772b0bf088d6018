"""gunicorn configuration: ``gunicorn -c finews/gunicorn.conf.py finews.wsgi``.

Bind address and worker count come from the environment so ops can size each host.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak cannot grow without bound. Not
# too often: a new worker imports Django again (about half a second of CPU),
# and at 2,000 requests a worker serving page-cache hits in a traffic spike
# restarted every second or two, a quarter of its CPU (docs/PERFORMANCE.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# finews logs one line per request itself (ops.middleware.RequestLogMiddleware,
# with the request id); gunicorn's own access log is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# A 1,000-character Chinese search is a request line of about 9 KB once
# percent-encoded, over gunicorn's 4 KB default (which would answer a bare 400/414).
# gunicorn takes at most 8190 or 0 (no limit); nginx in front bounds it instead
# (large_client_header_buffers in deploy/nginx.conf).
limit_request_line = 0
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
