"""The admin in Chinese and Beijing time, with the width given to headlines (issue 11 §4)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("chief", password="pw-admin-1"))
    return client


def test_login_throttling_models_have_chinese_names(superuser_client):
    """The index lists django-axes as 登录保护 with Chinese model names, not Access attempts."""
    body = superuser_client.get(reverse("admin:index")).content.decode()
    assert "登录保护" in body
    assert "登录失败计数" in body and "登录日志" in body
    assert "Access attempts" not in body and "Access logs" not in body


def test_login_throttling_list_columns_are_chinese(superuser_client):
    """The failed-login list's columns read IP 地址, 用户名, 失败次数."""
    AccessAttempt.objects.create(
        username="bianji",
        ip_address="198.51.100.7",
        user_agent="test",
        failures_since_start=2,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/admin/login/",
    )
    body = superuser_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    for label in ("IP 地址", "用户名", "失败次数"):
        assert label in body
    assert "Failed Logins" not in body


def test_article_list_has_no_navigation_sidebar_and_few_columns(superuser_client):
    """No nav sidebar eats the width; the list shows six narrow columns beside the title."""
    make_article(title="宽度测试标题WIDTHcheck")
    body = superuser_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'id="nav-sidebar"' not in body
    assert "宽度测试标题WIDTHcheck" in body
    assert "column-updated_by" not in body
    assert "发布时间（北京）" in body
