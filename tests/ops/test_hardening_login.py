"""Admin login under hostile input: forged addresses, many user names, unsafe next= (issue 13)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.roles import editor

pytestmark = pytest.mark.django_db

LOCKOUT_TEXT = "登录失败次数过多"


def attempt(client, username, password, ip="198.51.100.7", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **extra,
    )


class TestForwardedFor:
    """Item 11: an X-Forwarded-For that is no address falls back to the peer address."""

    @pytest.mark.parametrize("forwarded", ["not-an-ip", "<script>", "999.1.1.1", "1.2.3.4:80"])
    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_garbage_forwarded_for_counts_against_the_peer(self, client, forwarded):
        """The login form answers (no 500) and the failure is recorded under the peer address."""
        editor()
        response = attempt(
            client, "bianji", "wrong-password", ip="198.51.100.23", HTTP_X_FORWARDED_FOR=forwarded
        )
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
        assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.23"]

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_a_real_forwarded_address_is_still_used(self, client):
        """Behind the proxy, a well-formed forwarded address is still the client's."""
        attempt(
            client, "bianji", "wrong-password", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8::7"
        )
        assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["2001:db8::7"]


class TestAddressLimit:
    """Item 14: one address trying many user names is locked too, not only each pair."""

    def test_many_user_names_from_one_address_lock_the_address(self, client):
        """Failures spread over 12 user names reach the address limit; then even a right password is refused."""
        editor()
        names = [f"guess{n:02d}" for n in range(12)]
        for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
            response = attempt(client, names[n % len(names)], "wrong-password")
            assert response.status_code == 200, n
        # No single user name came near the pair limit.
        assert settings.AXES_ADDRESS_FAILURE_LIMIT / len(names) < settings.AXES_FAILURE_LIMIT
        last = attempt(client, names[0], "wrong-password")
        assert last.status_code == 429
        assert LOCKOUT_TEXT in last.content.decode()
        right = attempt(client, "bianji", "pw-roles-1")
        assert right.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_other_addresses_are_not_locked(self, client):
        """The address lock stops that address only."""
        editor()
        for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
            attempt(client, f"guess{n:02d}", "wrong-password", ip="198.51.100.7")
        response = attempt(client, "bianji", "pw-roles-1", ip="203.0.113.9")
        assert response.status_code == 302

    def test_a_few_typos_by_several_editors_lock_nobody(self, client):
        """Below the address limit, editors sharing one address keep logging in."""
        editor()
        for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 2):
            attempt(client, f"colleague{n % 6}", "wrong-password")
        assert attempt(client, "bianji", "pw-roles-1").status_code == 302


class TestNext:
    """Item 13: a refused next= address sends the editor to the admin index."""

    def test_rejected_next_goes_to_the_admin_index(self, client):
        """A login whose next= is refused as unsafe lands on the admin index, not a 404."""
        editor()
        response = client.post(
            reverse("admin:login"),
            {"username": "bianji", "password": "pw-roles-1", "next": "https://evil.example/x"},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        assert client.get(response["Location"]).status_code == 200
