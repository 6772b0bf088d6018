"""The task engine's schedule that folds the read counters, kept in the database (django-q2)."""

from django.conf import settings
from django.db import migrations

FUNC = "hot.tasks.fold_hot"
NAME = "finews: 汇总热门阅读数"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(func=FUNC).exists():
        Schedule.objects.create(
            name=NAME,
            func=FUNC,
            schedule_type="I",
            minutes=settings.HOT_FOLD_MINUTES,
            repeats=-1,
        )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hot", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
