"""The newsroom roles and what each may do.

Migration 0002_editorial_workflow made the two groups with a frozen copy of
these lists (a migration must not change when this module does); a change here
needs a data migration too, and tests/articles/test_editorial_roles.py checks
that the migrated groups hold exactly these permissions.
"""

EDITOR = "编辑"
CHIEF = "主编"
ROLE_NAMES = {
    "编辑": EDITOR,
    "editor": EDITOR,
    "主编": CHIEF,
    "chief": CHIEF,
}

# 编辑 writes and corrects; 主编 also publishes, schedules, withdraws, deletes and
# manages categories and tags. Each entry is (app label, permission codename).
EDITOR_PERMISSIONS = (
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "view_category"),
    ("articles", "view_historicalarticle"),
    ("taggit", "view_tag"),
)
CHIEF_PERMISSIONS = (
    *EDITOR_PERMISSIONS,
    ("articles", "publish_article"),
    ("articles", "delete_article"),
    ("articles", "add_category"),
    ("articles", "change_category"),
    ("articles", "delete_category"),
    ("taggit", "add_tag"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
)
PERMISSIONS = {EDITOR: EDITOR_PERMISSIONS, CHIEF: CHIEF_PERMISSIONS}
