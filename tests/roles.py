"""Users in the newsroom roles (the groups made by the migration), for admin tests."""

from django.contrib.auth.models import Group, Permission, User

from articles.roles import CHIEF, EDITOR, PERMISSIONS


def make_user(username, role=None, *, is_staff=True):
    """A user holding ``role`` (编辑 / 主编 / None) and nothing else."""
    user = User.objects.create_user(username, password="pw-roles-1", is_staff=is_staff)
    if role is not None:
        user.groups.add(_role_group(role))
    return user


def _role_group(name):
    """The role's group; rebuilt from articles.roles when a flush removed it.

    A transactional test (live_server, browser) ends with a flush that empties
    every table; permissions come back (post_migrate) but the groups the data
    migration made do not, so a later transactional test would find none.
    """
    group = Group.objects.filter(name=name).first()
    if group is None:
        group = Group.objects.create(name=name)
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in PERMISSIONS[name]
            )
        )
    return group


def editor(username="bianji"):
    return make_user(username, EDITOR)


def chief(username="zhubian"):
    return make_user(username, CHIEF)
