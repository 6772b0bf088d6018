import pytest
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_home_lists_a_published_article(client):
    """The home page shows a published article's title."""
    make_article(title="郑州银行零售金融服务有温度")
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    assert "郑州银行零售金融服务有温度" in response.content.decode()
