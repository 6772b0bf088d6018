"""The newsroom roles: the groups made by migration 0002_editorial_workflow."""

EDITOR = "编辑"
CHIEF = "主编"
ROLE_NAMES = {
    "编辑": EDITOR,
    "editor": EDITOR,
    "主编": CHIEF,
    "chief": CHIEF,
}
