"""The newsroom roles: the groups the migration makes match articles.roles."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.roles import CHIEF, CHIEF_PERMISSIONS, EDITOR, EDITOR_PERMISSIONS

pytestmark = pytest.mark.django_db

MIGRATION = "0002_editorial_workflow"


def _granted(group):
    return {(p.content_type.app_label, p.codename) for p in group.permissions.all()}


def test_migration_makes_the_groups_articles_roles_describes():
    """Migration 0002's groups hold exactly articles.roles' lists (a drift needs a migration)."""
    # Run the migration's own step against the state it was written for, from
    # an empty table: a flush by an earlier transactional test cannot matter.
    Group.objects.filter(name__in=[EDITOR, CHIEF]).delete()
    state = MigrationExecutor(connection).loader.project_state(("articles", MIGRATION))
    migration = importlib.import_module(f"articles.migrations.{MIGRATION}")
    migration.create_roles(state.apps, None)

    assert _granted(Group.objects.get(name=EDITOR)) == set(EDITOR_PERMISSIONS)
    assert _granted(Group.objects.get(name=CHIEF)) == set(CHIEF_PERMISSIONS)


def test_chief_may_do_all_an_editor_may_and_publish():
    """主编 holds every 编辑 permission, plus publishing; 编辑 cannot publish."""
    assert set(EDITOR_PERMISSIONS) < set(CHIEF_PERMISSIONS)
    assert ("articles", "publish_article") in set(CHIEF_PERMISSIONS) - set(EDITOR_PERMISSIONS)
