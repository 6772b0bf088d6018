"""Scheduling: a published article with a future time appears at that minute, with no job."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from tests.factories import BEIJING, make_article, make_category

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING)
SCHEDULED_TITLE = "九点半上线的快讯SCHEDULEDpq4"


@pytest.fixture
def scheduled():
    with time_machine.travel(DUE - timedelta(hours=1), tick=False):
        return make_article(
            title=SCHEDULED_TITLE,
            slug="scheduled-0930",
            category=make_category(slug="sched"),
            published_at=DUE,
        )


@pytest.mark.parametrize(
    ("offset", "visible"),
    [
        (timedelta(minutes=-1), False),
        (timedelta(seconds=-1), False),
        (timedelta(0), True),
        (timedelta(seconds=1), True),
    ],
)
def test_scheduled_article_appears_at_its_minute(client, scheduled, offset, visible):
    """Before 09:30:00 the article is nowhere; from 09:30:00 on it is on home, list and page."""
    with time_machine.travel(DUE + offset, tick=False):
        home = client.get(reverse("articles:home")).content.decode()
        category = client.get(reverse("articles:category", args=["sched"])).content.decode()
        detail = client.get(scheduled.get_absolute_url())
        assert (SCHEDULED_TITLE in home) is visible
        assert (SCHEDULED_TITLE in category) is visible
        assert detail.status_code == (200 if visible else 404)
        assert scheduled.is_scheduled is not visible
        assert scheduled.status_label == ("已发布" if visible else "已排期")


def test_scheduled_filter_in_admin(admin_client, scheduled):
    """The admin's 已排期 filter lists the article until it is due, then 已发布（已上线）does."""
    url = reverse("admin:articles_article_changelist")
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert SCHEDULED_TITLE in admin_client.get(url, {"state": "scheduled"}).content.decode()
        assert SCHEDULED_TITLE not in admin_client.get(url, {"state": "live"}).content.decode()
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        assert SCHEDULED_TITLE not in admin_client.get(url, {"state": "scheduled"}).content.decode()
        assert SCHEDULED_TITLE in admin_client.get(url, {"state": "live"}).content.decode()


def test_publish_action_keeps_a_future_time(admin_client, scheduled):
    """Publishing a scheduled article keeps its time: it stays 已排期, not published early."""
    Article.objects.filter(pk=scheduled.pk).update(status=Article.Status.DRAFT)
    with time_machine.travel(DUE - timedelta(minutes=5), tick=False):
        admin_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish", "_selected_action": [scheduled.pk], "index": "0"},
        )
        scheduled.refresh_from_db()
        assert scheduled.status == Article.Status.PUBLISHED
        assert scheduled.published_at == DUE
        assert not Article.objects.published().filter(pk=scheduled.pk).exists()
