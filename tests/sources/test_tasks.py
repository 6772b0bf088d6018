"""The task engine: the schedule is in the database and its task polls due sources."""

import pytest
from django_q.models import Schedule, Task
from django_q.tasks import async_task

from articles.models import Article
from sources.tasks import SCHEDULE_NAME
from tests.sources.conftest import rss
from tests.sources.server import Reply

pytestmark = pytest.mark.django_db


def test_the_schedule_is_installed():
    """The migration installs one repeating schedule, every minute, for the due sources."""
    schedule = Schedule.objects.get(func="sources.tasks.poll_due_sources")
    assert schedule.name == SCHEDULE_NAME
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 1
    assert schedule.repeats == -1


def test_the_task_polls_due_sources(server, make_source):
    """Run through django-q2 (in this process): the source's items are stored, the result kept."""
    make_source(
        server.route("/feed", Reply(rss([{"title": "任务队列抓到的", "guid": "q1"}]))),
        name="队列来源",
    )
    task_id = async_task("sources.tasks.poll_due_sources", sync=True)
    assert Article.objects.filter(title="任务队列抓到的").exists()
    task = Task.objects.get(id=task_id)
    assert task.success and "队列来源: created=1" in task.result


def test_worker_unit_and_quick_start_run_a_worker():
    """deploy/ has a worker unit running qcluster; serve.sh starts one and stops it on exit."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    unit = (root / "deploy" / "finews-worker.service").read_text(encoding="utf-8")
    assert "manage.py qcluster" in unit and "EnvironmentFile=/etc/finews/finews.env" in unit
    serve = (root / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert "manage.py qcluster &" in serve and "trap stop_worker EXIT" in serve
    deploy = (root / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    assert "deploy/finews-worker.service" in deploy
