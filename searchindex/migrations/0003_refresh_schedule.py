"""The task engine's schedule that refreshes the frequent words' windows (django-q2)."""

from django.conf import settings
from django.db import migrations

FUNC = "searchindex.tasks.refresh_search_words"
NAME = "finews: 刷新搜索常用词窗口"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(func=FUNC).exists():
        Schedule.objects.create(
            name=NAME,
            func=FUNC,
            schedule_type="I",
            minutes=settings.SEARCH_WORDS_REFRESH_MINUTES,
            repeats=-1,
        )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("searchindex", "0002_word_windows"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
