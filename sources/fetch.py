"""Fetching a source's URL the way a good neighbour does, and safely.

``fetch(url, etag=..., last_modified=...)`` returns a ``Response`` or raises
``FetchError`` with a Chinese message (and the HTTP status when there was one).

- conditional GET (``If-None-Match`` / ``If-Modified-Since``); a 304 is a
  ``Response`` with ``not_modified`` set and no body;
- a descriptive User-Agent, ``Accept-Encoding: gzip``;
- a timeout per socket operation (``FETCH_TIMEOUT``, 10 s), at most
  ``FETCH_MAX_REDIRECTS`` (5) redirects, a cap on the body after decompression
  (``FETCH_MAX_BYTES``, 10 MB): a gzip bomb stops at the cap;
- no private, loopback, link-local or otherwise non-public address unless
  ``FETCH_ALLOW_PRIVATE_NETWORKS``: the host is resolved first, every address is
  checked, and the connection goes to the checked address (so a DNS name
  pointing inside, or one that changes its answer between check and connect, is
  refused); the same for every redirect hop.
"""

import http.client
import ipaddress
import socket
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

CHUNK = 64 * 1024
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    def __init__(self, message, *, status=None, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after  # seconds, from a 429/503's Retry-After


@dataclass
class Response:
    url: str
    status: int
    headers: dict = field(default_factory=dict)  # lower-cased names
    body: bytes = b""

    @property
    def not_modified(self):
        return self.status == 304


def user_agent():
    return settings.FETCH_USER_AGENT


def retry_after_seconds(value, now=None):
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0, int((moment - (now or timezone.now())).total_seconds()))


def is_public(address):
    """True for a globally routable address (not private, loopback, link-local, ...)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host, port):
    """The addresses to connect to for ``host``, every one checked; FetchError if refused."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
        addresses = [str(ip)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(f"无法解析域名 {host}：{error}") from error
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.FETCH_ALLOW_PRIVATE_NETWORKS:
        for address in addresses:
            if not is_public(address):
                raise FetchError(f"拒绝访问内网或本机地址：{host}（{address}）")
    return addresses


def _connection(url, timeout):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"只能抓取 http 或 https 网址：{url}")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise FetchError(f"端口无效：{url}") from error
    addresses = resolve(parts.hostname, port)
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = cls(parts.hostname, port, timeout=timeout)

    def connect(_address, timeout=timeout, source_address=None):
        # To the address just checked, never to a second DNS answer.
        error = None
        for address in addresses:
            try:
                return socket.create_connection((address, port), timeout)
            except OSError as exc:
                error = exc
        raise error

    connection._create_connection = connect
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return connection, path


def _read(response, limit):
    """The body, decompressed when gzip, at most ``limit`` bytes; FetchError past it."""
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    decompressor = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS
        decompressor = zlib.decompressobj(wbits)
    chunks, size = [], 0
    too_big = FetchError(f"响应超过 {limit // (1024 * 1024)} MB 上限，已停止读取。")
    while True:
        raw = response.read(CHUNK)
        if not raw:
            break
        if decompressor is None:
            data = raw
        else:
            try:
                data = decompressor.decompress(raw, limit + 1 - size)
            except zlib.error as error:
                raise FetchError(f"gzip 数据损坏：{error}") from error
        size += len(data)
        if size > limit or (decompressor is not None and decompressor.unconsumed_tail):
            raise too_big
        chunks.append(data)
    return b"".join(chunks)


def fetch(url, *, etag="", last_modified="", timeout=None, max_bytes=None):
    timeout = timeout or settings.FETCH_TIMEOUT
    limit = max_bytes or settings.FETCH_MAX_BYTES
    headers = {
        "User-Agent": user_agent(),
        "Accept-Encoding": "gzip",
        "Accept": "application/rss+xml, application/atom+xml, application/json, "
        "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen = []
    for _hop in range(settings.FETCH_MAX_REDIRECTS + 1):
        seen.append(url)
        connection, path = _connection(url, timeout)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            status = response.status
            names = {k.lower(): v for k, v in response.getheaders()}
            if status in REDIRECTS and names.get("location"):
                url = urljoin(url, names["location"])
                continue
            if status == 304:
                return Response(url, status, names)
            if status in (429, 503):
                raise FetchError(
                    f"HTTP {status}：对方要求稍后再来。",
                    status=status,
                    retry_after=retry_after_seconds(names.get("retry-after")),
                )
            if status >= 400:
                raise FetchError(f"HTTP {status} {response.reason}".strip(), status=status)
            return Response(url, status, names, _read(response, limit))
        except TimeoutError as error:
            raise FetchError(f"超时（{timeout:g} 秒内无响应）。") from error
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(f"连接失败：{error.__class__.__name__} {error}".strip()) from error
        finally:
            connection.close()
    raise FetchError(f"重定向超过 {settings.FETCH_MAX_REDIRECTS} 次，已停止：{seen[-1]}")
