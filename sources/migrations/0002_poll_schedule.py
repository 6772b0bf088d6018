"""The task engine's schedule that polls due sources, kept in the database (django-q2)."""

from django.db import migrations

FUNC = "sources.tasks.poll_due_sources"
NAME = "finews: 抓取到期的订阅来源"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(func=FUNC).exists():
        Schedule.objects.create(
            name=NAME, func=FUNC, schedule_type="I", minutes=1, repeats=-1
        )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
