"""The SSRF rule: no fetch of private, loopback or link-local addresses without the setting,
checked on the resolved address, before connecting, on every redirect hop."""

import socket

import pytest

from sources import fetch as fetch_module
from sources.fetch import FetchError, fetch, resolve, retry_after_seconds
from sources.models import Source
from sources.polling import poll_due
from tests.sources.conftest import rss
from tests.sources.server import Reply

FEED = rss([{"title": "内网条目", "guid": "in1"}])


@pytest.fixture
def connections(monkeypatch):
    """Every address the fetcher connects to (connections still made)."""
    made = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        made.append(address[0])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(fetch_module.socket, "create_connection", create_connection)
    return made


class TestPrivateAddresses:
    def test_loopback_refused_without_the_setting(self, server, settings, connections):
        """127.0.0.1 is refused, and the server never sees a request."""
        url = server.route("/feed", Reply(FEED))
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(FetchError, match="拒绝访问内网或本机地址"):
            fetch(url)
        assert server.requests == []
        assert connections == []

    def test_loopback_allowed_with_the_setting(self, server, connections):
        """With FETCH_ALLOW_PRIVATE_NETWORKS the local fixture server is fetched."""
        response = fetch(server.route("/feed", Reply(FEED)))
        assert response.status == 200 and b"in1" in response.body
        assert connections == ["127.0.0.1"]

    def test_private_range_refused_before_connecting(self, settings, connections):
        """10.0.0.1 is refused without any connection attempt."""
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(FetchError, match=r"10\.0\.0\.1"):
            fetch("http://10.0.0.1/feed.xml")
        assert connections == []

    def test_dns_name_pointing_inside_is_refused(self, settings, monkeypatch, connections):
        """The check is on the resolved address: a public-looking name resolving to 10.x is refused."""
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False

        def getaddrinfo(host, port, *args, **kwargs):
            assert host == "news.intranet-example.com"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]

        monkeypatch.setattr(fetch_module.socket, "getaddrinfo", getaddrinfo)
        with pytest.raises(FetchError, match=r"10\.20\.30\.40"):
            fetch("http://news.intranet-example.com/rss")
        assert connections == []

    def test_redirect_into_the_private_network_is_refused(
        self, server, settings, monkeypatch, connections
    ):
        """Each redirect hop is checked: a (public) feed redirecting to 10.0.0.1 is refused there."""
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
        # The fixture server stands in for a public host; 10.0.0.1 stays private.
        monkeypatch.setattr(fetch_module, "is_public", lambda address: address == "127.0.0.1")
        url = server.route(
            "/moved", Reply(status=302, headers={"Location": "http://10.0.0.1/admin"})
        )
        with pytest.raises(FetchError, match=r"10\.0\.0\.1"):
            fetch(url)
        assert connections == ["127.0.0.1"]

    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",  # noqa: S104
            "100.64.0.1",
        ],
    )
    def test_non_public_addresses(self, settings, address):
        """Loopback, private, link-local (cloud metadata), unique-local, mapped, unspecified, CGNAT."""
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(FetchError):
            resolve(address, 80)

    def test_public_address_passes(self, settings):
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
        assert resolve("1.1.1.1", 80) == ["1.1.1.1"]

    def test_refusal_recorded_on_the_source(self, server, settings, make_source):
        """A source pointing at 127.0.0.1 shows the refusal as its error."""
        source = make_source(server.route("/feed", Reply(FEED)))
        settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
        [outcome] = poll_due()
        assert not outcome.ok
        source.refresh_from_db()
        assert "拒绝访问内网或本机地址" in source.last_error
        assert source.consecutive_failures == 1
        assert not Source.objects.filter(last_success_at__isnull=False).exists()


def test_non_http_urls_refused():
    with pytest.raises(FetchError, match="http"):
        fetch("file:///etc/passwd")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120), ("", None), ("soon", None), ("Thu, 01 Jan 1970 00:00:00 GMT", 0)],
)
def test_retry_after_values(value, seconds):
    assert retry_after_seconds(value) == seconds
