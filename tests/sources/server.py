"""A local HTTP server for the source tests, bound to 127.0.0.1, serving what each test sets.

``server.route(path, reply)``: ``reply`` is a ``Reply`` or a function of the
request handler returning one (it may also block, or write the response
itself and return None). Every request is recorded in ``server.requests``.
"""

import gzip
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    content_type: str = "application/xml"


@dataclass
class Seen:
    path: str
    headers: dict


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            reply = Reply(b"not here", 404, content_type="text/plain")
        else:
            reply = route(self) if callable(route) else route
        if reply is None:
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class FixtureServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path):
        return self.base + path

    @property
    def requests(self):
        return self.httpd.requests

    def route(self, path, reply):
        self.httpd.routes[path] = reply
        return self.url(path)

    def reset(self):
        self.httpd.routes.clear()
        self.httpd.requests.clear()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def stream(size, chunk=1024 * 1024):
    """A handler writing ``size`` bytes without holding them (stops when the client hangs up)."""

    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Content-Length", str(size))
        request.end_headers()
        block = b"<" * chunk
        try:
            for _ in range(size // chunk):
                request.wfile.write(block)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handler


def gzip_bomb(size):
    """``size`` zero bytes gzipped (a few tens of KB for 50 MB)."""
    return gzip.compress(b"\0" * size, compresslevel=9)
