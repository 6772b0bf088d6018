"""Admin login: throttled by django-axes with a Chinese lockout page; admin path set by env."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.roles import editor

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
LOCKOUT_TEXT = "登录失败次数过多"


def attempt(client, password, ip="198.51.100.7", **headers):
    return client.post(
        LOGIN_URL,
        {"username": "bianji", "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **headers,
    )


def test_lockout_after_the_failure_limit(client):
    """After AXES_FAILURE_LIMIT wrong passwords even the right one is refused, with a clear page."""
    editor()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "wrong-password")
        assert response.status_code == 200
        assert LOCKOUT_TEXT not in response.content.decode()
    response = attempt(client, "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKOUT_TEXT in body
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} 分钟后" in body
    right = attempt(client, "pw-roles-1")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_address(client):
    """A lockout from one address does not stop the same user logging in from another."""
    editor()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong-password", ip="198.51.100.7")
    response = attempt(client, "pw-roles-1", ip="203.0.113.9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_success_before_the_limit_resets_the_count(client):
    """A right password before the limit clears the failures."""
    editor()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong-password")
    assert attempt(client, "pw-roles-1").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong-password")
    assert attempt(client, "pw-roles-1").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_client_is_locked(client):
    """Behind one proxy, X-Forwarded-For's last entry is the client; forged entries are ignored."""
    editor()
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A client that forges a new address each time is still one client.
        attempt(
            client, "wrong-password", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7"
        )
    locked = attempt(client, "pw-roles-1", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    other = attempt(client, "pw-roles-1", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other.status_code == 302


def test_force_login_and_client_login_are_not_throttled(client):
    """Tests' force_login and client.login (no request) work and count nothing."""
    user = editor()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert client.login(username="bianji", password="wrong") is False
    assert client.login(username="bianji", password="pw-roles-1") is True
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_path_comes_from_the_environment():
    """ADMIN_PATH=... moves the admin (and the preview) there; /admin/ is then no admin."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import django; django.setup();"
        "from django.urls import reverse, resolve, Resolver404;"
        "print(reverse('admin:index'));"
        "print(reverse('admin:articles_article_preview', args=[1]));"
        "\ntry:\n resolve('/admin/'); print('admin-still-there')\n"
        "except Resolver404:\n print('admin-gone')"
    )
    env = {
        **os.environ,
        "ADMIN_PATH": "/bianjibu-7q/",
        "DJANGO_SETTINGS_MODULE": "finews.test_settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "/bianjibu-7q/",
        "/bianjibu-7q/articles/article/1/preview/",
        "admin-gone",
    ]
