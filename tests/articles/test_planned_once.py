"""The article page's lookups and a tag's page are planned once per connection (PostgreSQL).

``PreparedQuery(plan_once=True)`` runs as a server-side prepared statement
with a generic plan (articles/prepared.py, finews/settings.py). What must
hold: the pages read the same rows as before, each statement is planned
once and then only executed, the query log still shows the values, and a
value with quotes or percent signs is still a value.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import JSONObject, Upper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Story
from articles.prepared import PreparedQuery, plans_once
from articles.views.lists import CategoryView
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def plan_counts():
    """{statement name: (generic plans, custom plans, SQL)} of this connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, generic_plans, custom_plans, statement FROM pg_prepared_statements"
        )
        return {name: (generic, custom, sql) for name, generic, custom, sql in cursor.fetchall()}


def story():
    category = make_category(name="计划来源", slug="plan-source")
    now = timezone.now()
    older = make_article(
        category=category,
        title="计划较早OLDERx",
        published_at=now - timedelta(hours=3),
        tags=["计划"],
    )
    article = make_article(
        category=category,
        title="计划本文THISx",
        published_at=now - timedelta(hours=2),
        tags=["计划"],
    )
    newer = make_article(
        category=category, title="计划较新NEWERx", published_at=now - timedelta(hours=1)
    )
    return older, article, newer


@on_postgresql
def test_article_page_statements_are_planned_once_and_keep_their_generic_plan(client):
    _, article, _ = story()
    before = plan_counts()
    pages = [client.get(article.get_absolute_url()) for _ in range(3)]
    after = plan_counts()
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "计划本文THISx" in html
        assert "计划较早OLDERx" in html and "计划较新NEWERx" in html  # the neighbours
    used = {
        name: counts
        for name, counts in after.items()
        if counts[:2] != before.get(name, (0, 0, None))[:2]
    }
    # One statement: the article by slug with its tags, neighbours and related articles.
    assert len(used) == 1, used
    for name, (generic, custom, sql) in used.items():
        was_generic, was_custom = before.get(name, (0, 0, None))[:2]
        assert generic - was_generic == 3, sql
        assert custom == was_custom, sql
    # The publish gate's status is written into the SQL, so that the generic
    # plan can use the indexes built for published articles only.
    by_slug = next(sql for _, _, sql in used.values() if '"slug" = $' in sql)
    assert "'published'" in by_slug


@on_postgresql
def test_flash_item_in_a_story_plans_its_day_and_story_queries_once(client):
    """A 快讯 item's page also reads its day's items and its story's other reports."""
    category = make_category(name="快讯来源", slug="plan-flash")
    group = Story.objects.create()
    now = timezone.now()
    item, *_ = [
        make_article(
            category=category,
            kind=Article.Kind.FLASH,
            title=f"计划快讯{i}FLASHx",
            source_name=f"计划来源{i}",
            published_at=now - timedelta(minutes=5 + i),
            story=group,
        )
        for i in range(4)
    ]
    before = plan_counts()
    for _ in range(3):
        html = client.get(item.get_absolute_url()).content.decode()
        assert "计划快讯3FLASHx" in html and "计划来源2" in html
    used = {n: c for n, c in plan_counts().items() if c[:2] != before.get(n, (0, 0))[:2]}
    # The article with its tags, neighbours and related articles, the day's
    # older and newer items, the story's members.
    assert len(used) == 4, used
    for name, (generic, custom, sql) in used.items():
        assert generic - before.get(name, (0, 0))[0] == 3, sql
        assert custom == before.get(name, (0, 0, None))[1], sql


@on_postgresql
def test_tag_page_is_planned_once(client):
    story()
    url = reverse("articles:tag", args=["计划"])
    before = plan_counts()
    for _ in range(2):
        assert "计划本文THISx" in client.get(url).content.decode()
    grown = [
        sql
        for name, (generic, custom, sql) in plan_counts().items()
        if generic > before.get(name, (0, 0))[0] and "articles_taggedarticle" in sql
    ]
    assert any('"tag_id" = $' in sql for sql in grown), grown


def archive_around_it(categories=30, per_category=100):
    """Other categories' articles, and statistics that know them (ANALYZE; rolled back).

    On a table of a dozen rows the planner's choice between the category's
    index and the date index hangs on whatever statistics earlier tests left
    (the suite runs in random order). With the articles of an archive around
    it, as every real site has, the category's index is the plan.
    """
    now = timezone.now()
    others = [make_category(name=f"计划旁报{i}", slug=f"plan-other-{i}") for i in range(categories)]
    Article.objects.bulk_create(
        Article(
            title=f"旁报文章{i}",
            slug=f"plan-other-article-{i}",
            body="<p>旁报</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i),
            category=others[i % categories],
        )
        for i in range(categories * per_category)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")


@on_postgresql
def test_category_pages_are_planned_once_and_walk_the_index(client, monkeypatch):
    """Page 1 and later pages of a category: each planned once, each an ordered index walk."""
    monkeypatch.setattr(CategoryView, "paginate_by", 2)
    story()
    archive_around_it()
    url = reverse("articles:category", args=["plan-source"])
    before = plan_counts()
    for _ in range(2):
        assert "计划较新NEWERx" in client.get(url).content.decode()
        assert "计划较早OLDERx" in client.get(f"{url}?page=2").content.decode()
    grown = [
        name
        for name, (generic, custom, sql) in plan_counts().items()
        if generic > before.get(name, (0, 0))[0] and '"category_id" = $' in sql
    ]
    assert len(grown) == 2, grown  # the first page, and the page after a boundary
    with connection.cursor() as cursor:
        for name in grown:
            cursor.execute(
                "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s",
                [name],
            )
            types = cursor.fetchone()[0]
            values = ", ".join("now()" if "timestamp" in kind else "1" for kind in types)
            cursor.execute(f"EXPLAIN EXECUTE {name}({values})")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Scan using article_category_pub_idx" in plan, plan
            assert "Sort" not in plan, plan
            # The boundary is part of the index condition, not a filter on rows read.
            assert "Filter" not in plan, plan


def test_query_log_shows_the_values_of_a_prepared_statement(client):
    _, article, _ = story()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert any(article.slug in q["sql"] and "SELECT" in q["sql"] for q in queries.captured_queries)


@on_postgresql
def test_values_and_constants_with_quotes_and_percent_signs():
    """Constants written into the SQL are quoted; slots stay parameters."""
    category = make_category(name="引号", slug="quotes")
    wanted = make_article(category=category, title="增长50%的'公司'", slug="quote-1")
    make_article(category=category, title="增长50%的公司", slug="quote-2")
    query = PreparedQuery(
        lambda slug: Article.objects.filter(title__contains="50%的'", slug=slug),
        plan_once=True,
        slug=Article._meta.get_field("slug"),
    )
    assert plans_once(connection)
    assert [a.pk for a in query.run(slug="quote-1")] == [wanted.pk]
    assert list(query.run(slug="quote-2")) == []
    assert list(query.run(slug="it's 100%")) == []


@on_postgresql
def test_without_prepared_statements_the_page_is_the_same(client):
    """DATABASE_PREPARED_STATEMENTS=false (a pooler that cannot keep them): no statement is prepared."""
    _, article, _ = story()
    url = article.get_absolute_url()
    prepared_html = client.get(url).content.decode()
    options = connection.settings_dict["OPTIONS"]
    threshold = options.pop("prepare_threshold")
    try:
        before = plan_counts()
        plain_html = client.get(url).content.decode()
        assert plan_counts() == before
    finally:
        options["prepare_threshold"] = threshold
    assert "计划较早OLDERx" in plain_html
    assert plain_html == prepared_html


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_another_connection_fails_no_page(client):
    """A migration run while workers serve: their prepared statements are stale, the pages are not."""
    import psycopg

    _, article, _ = story()
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200  # the statements are prepared now
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    column = Article._meta.get_field("source_name")
    alter = "ALTER TABLE articles_article ALTER COLUMN source_name"
    with psycopg.connect(**{k: params[k] for k in keys if k in params}, autocommit=True) as other:
        try:
            other.execute(f"{alter} TYPE varchar({column.max_length + 1})")
            page = client.get(url)
            assert page.status_code == 200
            assert "计划本文THISx" in page.content.decode()
        finally:
            other.execute(f"{alter} TYPE varchar({column.max_length})")
            # This connection's statements are stale again: drop them, as the
            # next test may run inside a transaction.
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")


def test_sql_gives_the_compiled_query_with_each_calls_values():
    """PreparedQuery.sql: the SQL compiled once, each call's values as its parameters."""
    category = make_category(name="嵌入", slug="embedded")
    first = make_article(category=category, slug="embed-first")
    second = make_article(category=category, slug="embed-second")
    query = PreparedQuery(
        lambda slug: Article.objects.filter(slug=slug).values("pk"),
        slug=Article._meta.get_field("slug"),
    )
    compiled = query.compiled()
    for article in (first, second):
        sql, params = query.sql(slug=article.slug)
        assert article.slug in params
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) x", params)
            assert cursor.fetchall() == [(article.pk,)]
    assert query.compiled() is compiled


def test_run_makes_the_instances_the_orm_makes():
    """run() builds rows as ModelIterable does: fields, deferred ones, select_related, annotations."""
    category = make_category(name="实例来源", slug="instance-source")
    first = make_article(category=category, slug="instance-first", title="实例一INSTx")
    second = make_article(category=category, slug="instance-second", title="实例二INSTx")

    def build(category_id):
        return (
            Article.objects.filter(category_id=category_id)
            .select_related("category")
            .defer("body")
            .annotate(
                shout=Upper("slug"), card=JSONObject(title="title", where=F("category__name"))
            )
            .order_by("pk")
        )

    query = PreparedQuery(build, category_id=Article._meta.get_field("category"))
    got = query.run(category_id=category.pk)
    expected = list(build(category.pk))
    assert [a.pk for a in got] == [first.pk, second.pk] == [a.pk for a in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert type(mine) is Article and mine._state.db == "default" and not mine._state.adding
        assert mine.title == theirs.title and mine.published_at == theirs.published_at
        assert mine.get_deferred_fields() == {"body"} == theirs.get_deferred_fields()
        assert mine.shout == theirs.shout == mine.slug.upper()
        assert mine.card == theirs.card == {"title": mine.title, "where": "实例来源"}
        with CaptureQueriesContext(connection) as queries:
            assert mine.category.name == "实例来源"  # select_related: no query
        assert len(queries) == 0


def test_run_refuses_a_query_that_is_not_of_model_instances():
    """values() (or prefetches) would not come back as the ORM gives them: only sql() takes it."""
    query = PreparedQuery(
        lambda slug: Article.objects.filter(slug=slug).values("pk"),
        slug=Article._meta.get_field("slug"),
    )
    with pytest.raises(TypeError, match="model instances"):
        query.run(slug="whatever")
    assert query.sql(slug="whatever")[1]
