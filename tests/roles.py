"""Users in the newsroom roles (the groups made by the migration), for admin tests."""

from django.contrib.auth.models import Group, User

from articles.roles import CHIEF, EDITOR


def make_user(username, role=None, *, is_staff=True):
    """A user holding ``role`` (编辑 / 主编 / None) and nothing else."""
    user = User.objects.create_user(username, password="pw-roles-1", is_staff=is_staff)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def editor(username="bianji"):
    return make_user(username, EDITOR)


def chief(username="zhubian"):
    return make_user(username, CHIEF)
