"""The newsroom roles and sources: 主编 manages them, 编辑 sees their health."""

from django.db import migrations

EDITOR = "编辑"
CHIEF = "主编"
PERMISSIONS = {
    EDITOR: ["view_source"],
    CHIEF: ["add_source", "change_source", "delete_source", "view_source"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations ran; make them now.
    config = apps.get_app_config("sources")
    previous, config.models_module = getattr(config, "models_module", None), True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="sources", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="sources"))


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_poll_schedule"),
        ("articles", "0002_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
