"""Count the SQL statements of each admin bulk action on N articles (default 300).

Run:  .venv/bin/python bench/bulk_action_queries.py [N]
(DATABASE_URL=postgres://... for PostgreSQL). Uses a throwaway test database.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402


def main(count):
    from django.contrib.auth.models import Group, User

    from articles.models import Article, Category
    from articles.roles import CHIEF

    category = Category.objects.create(name="基准来源", slug="bench")
    target = Category.objects.create(name="基准目标", slug="bench-target")
    Article.objects.bulk_create(
        Article(title=f"基准文章{i}", slug=f"bench-{i}", category=category) for i in range(count)
    )
    pks = list(Article.objects.values_list("pk", flat=True))
    user = User.objects.create_user("bench-chief", is_staff=True)
    user.groups.add(Group.objects.get(name=CHIEF))
    client = Client()
    client.force_login(user)
    url = reverse("admin:articles_article_changelist")
    client.get(url)
    runs = [
        ("publish", {}),
        ("withdraw", {}),
        ("change_category", {"apply": "1", "category": target.pk}),
        ("add_tags", {"apply": "1", "tags": "基准、ETF"}),
    ]
    engine = connection.vendor
    for name, extra in runs:
        # Above a few hundred, editors tick "select all N" (select_across) instead.
        if count > 500:
            data = {"action": name, "_selected_action": pks[:1], "select_across": "1"}
        else:
            data = {"action": name, "_selected_action": pks}
        data.update(index="0", **extra)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        print(f"{engine:10} {name:16} {count} articles: {len(ctx):3} queries, {elapsed:.2f} s")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        main(n)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
        teardown_test_environment()
