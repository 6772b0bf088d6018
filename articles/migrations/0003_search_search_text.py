"""Search: the segmented search text on every article; on PostgreSQL a generated,
weighted tsvector over it with a GIN index (see articles/textindex.py, docs/SEARCH.md)."""

from django.db import migrations, models

# Title words weigh A, summary B, body D; the column follows search_text by itself.
POSTGRES_FORWARD = [
    """
    ALTER TABLE articles_article ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, split_part(search_text, E'\\n', 1)), 'A')
        || setweight(to_tsvector('simple'::regconfig, split_part(search_text, E'\\n', 2)), 'B')
        || setweight(to_tsvector('simple'::regconfig, split_part(search_text, E'\\n', 3)), 'D')
    ) STORED
    """,
    "CREATE INDEX article_search_vector_gin ON articles_article USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS article_search_vector_gin",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def fill_search_text(apps, schema_editor):
    from articles.textindex import document_text

    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("pk", "title", "summary", "body").iterator(2000):
        article.search_text = document_text(article.title, article.summary, article.body)
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Article.objects.bulk_update(batch, ["search_text"])


def postgres_only(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_editorial_workflow'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, help_text='标题、摘要、正文分词后的文本，保存时自动生成，供站内搜索使用。', verbose_name='检索文本'),
        ),
        migrations.RunPython(postgres_only(POSTGRES_FORWARD), postgres_only(POSTGRES_BACKWARD)),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
