"""Give a user a newsroom role: 编辑 (editor) or 主编 (chief editor)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.roles import CHIEF, EDITOR, ROLE_NAMES


class Command(BaseCommand):
    help = (
        "Give USER the role 编辑 (editor: writes drafts) or 主编 (chief: also publishes, "
        "schedules, withdraws, deletes). Replaces the user's other role and makes them staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help="编辑 | 主编 (or: editor | chief)")

    def handle(self, *args, username, role, **options):
        group_name = ROLE_NAMES.get(role.strip().lower())
        if group_name is None:
            raise CommandError(f"未知角色 {role!r}：请用 编辑 / 主编（或 editor / chief）。")
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"没有用户 {username!r}；请先创建这个用户。") from None
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(f"没有 {group_name} 组：请先运行 migrate。") from None
        with transaction.atomic():
            user.groups.remove(*Group.objects.filter(name__in=[EDITOR, CHIEF]))
            user.groups.add(group)
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        message = f"{username} 现在是{group_name}（可以登录编辑后台）。"
        self.stdout.write(self.style.SUCCESS(message))
