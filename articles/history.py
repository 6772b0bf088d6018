"""Article versions (django-simple-history): recording, comparing, restoring.

Every ``Article.save()`` keeps a version through simple-history's signal; the
admin and the bulk actions record versions themselves with ``record_versions``
so that a version also holds the article's tags, and hundreds of versions cost
one INSERT.
"""

import difflib
import html
import re

from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category, TaggedArticle
from articles.tagging import parse_tags, tag_key, tags_for_names

# Fields an editor compares, in the order of the form. The Jekyll importer compares
# those an archive file sets (jekyll/store.py, FILE_FIELDS), so there is one list.
COMPARED_FIELDS = [
    "title",
    "category",
    "tag_names",
    "summary",
    "body",
    "status",
    "published_at",
    "source_name",
    "source_url",
    "author",
]
# What a restore copies back: the content. Publication state (status,
# published_at) is never restored: it changes only through the publish rights.
RESTORED_FIELDS = ["title", "category_id", "summary", "body", "source_name", "source_url"]

HistoricalArticle = Article.history.model


def snapshot_tags(sender, instance, history_instance, **kwargs):
    """Versions made by a plain save() also record the tags the article has then."""
    if not history_instance.tag_names and instance.pk:
        history_instance.tag_names = "、".join(sorted(instance.tags.names()))


def record_versions(articles, *, user, reason, created=False):
    """Store one version of each article (with its tags) in a single INSERT.

    ``articles`` must have their tags prefetched (``prefetch_related("tags")``)
    or a ``_tag_names`` attribute; nothing is queried per article.
    """
    now = timezone.now()
    fields = [field.attname for field in HistoricalArticle.tracked_fields]
    rows = []
    for article in articles:
        tag_names = getattr(article, "_tag_names", None)
        if tag_names is None:
            tag_names = [tag.name for tag in article.tags.all()]
        rows.append(
            HistoricalArticle(
                **{name: getattr(article, name) for name in fields},
                tag_names="、".join(sorted(tag_names)),
                history_date=now,
                history_user=user,
                history_change_reason=reason[:100],
                history_type="+" if created else "~",
            )
        )
    return HistoricalArticle.objects.bulk_create(rows, batch_size=500)


def copy_initial_versions(first_id, last_id, *, reason):
    """The first version (tags included) of articles ``first_id..last_id`` written by COPY.

    Set-based, in batches of 50,000 ids: what record_versions() does row by row.
    """
    columns = [field.column for field in HistoricalArticle.tracked_fields]
    history_table, links, tags = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (HistoricalArticle, TaggedArticle, Tag)
    )
    # Names from the models' own metadata; values are parameters.
    copied, history = ", ".join(columns), ", ".join("a." + c for c in columns)
    sql = f"""
        INSERT INTO {history_table} ({copied}, history_date, history_change_reason,
            history_type, history_user_id, tag_names)
        SELECT {history}, now(), %s, '+', NULL, COALESCE((
            SELECT string_agg(t.name, '、' ORDER BY t.name COLLATE "C")
            FROM {links} l JOIN {tags} t ON t.id = l.tag_id
            WHERE l.content_object_id = a.id
        ), '')
        FROM articles_article a WHERE a.id BETWEEN %s AND %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(first_id, last_id + 1, 50_000):
            cursor.execute(sql, [reason, start, min(start + 49_999, last_id)])


def _display(version, name):
    if name == "category":
        return str(version.category) if version.category_id else ""
    if name == "author":
        return str(version.author) if version.author_id else ""
    if name == "status":
        return dict(Article.Status.choices).get(version.status, version.status)
    if name == "published_at":
        value = version.published_at
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""
    return getattr(version, name) or ""


def _html_to_text(body):
    """The body as lines of text, one block element per line, for a readable diff."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr|blockquote|pre|figure)>", "\n", body)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _squeezed(markup):
    return re.sub(r">\s+<", "><", markup or "").strip()


def pending_changes(stored, article, tag_names=None):
    """Labels of the fields that saving ``article`` over ``stored`` would change.

    The same comparison as between two versions, so "changed" means one thing.
    ``article`` is first prepared as saving will store it (sanitized body, a
    publish time once published); when its body then differs only in the
    spacing between elements (the rich-text editor re-spaces what it loads),
    it keeps the stored body. ``tag_names`` are the names the article will
    carry (None: unchanged); tags are compared by tag_key. Sets ``tag_names``
    on both objects for the comparison.
    """
    article.prepare_for_save()
    if _squeezed(article.body) == _squeezed(stored.body):
        article.body = stored.body
    current = sorted(stored.tags.names())
    stored.tag_names = "、".join(current)
    if tag_names is None or {tag_key(n) for n in tag_names} == {tag_key(n) for n in current}:
        article.tag_names = stored.tag_names
    else:
        article.tag_names = "、".join(sorted(tag_names))
    return changed_fields(stored, article)


def changed_fields(old, new):
    """Names (verbose) of the fields that differ between two versions."""
    labels = field_labels()
    return [labels[name] for name in COMPARED_FIELDS if _display(old, name) != _display(new, name)]


def field_labels():
    labels = {
        name: str(Article._meta.get_field(name).verbose_name)
        for name in COMPARED_FIELDS
        if name != "tag_names"
    }
    labels["tag_names"] = "标签"
    return labels


def compare(old, new):
    """A field-by-field diff: for each changed field, old and new text; body as text lines."""
    labels = field_labels()
    rows = []
    for name in COMPARED_FIELDS:
        before, after = _display(old, name), _display(new, name)
        if before == after:
            continue
        row = {"name": name, "label": labels[name], "old": before, "new": after}
        if name == "body":
            row["lines"] = [
                {"kind": line[:1], "text": line[2:]}
                for line in difflib.ndiff(_html_to_text(before), _html_to_text(after))
                if line[:1] in {"-", "+", " "}
            ]
            row["html_changed_only"] = not any(line["kind"] != " " for line in row["lines"])
        rows.append(row)
    return rows


def restore(article, version, *, user):
    """Copy an old version's content (not its publication state) back onto the article.

    Returns the labels of fields kept as they are because the old value can no
    longer be used (its category was deleted, its source URL now belongs to
    another article).
    """
    kept = []
    with transaction.atomic():
        for name in RESTORED_FIELDS:
            value = getattr(version, name)
            if name == "category_id" and not Category.objects.filter(pk=value).exists():
                kept.append("分类")
                continue
            if (
                name == "source_url"
                and value
                and Article.objects.filter(source_url=value).exclude(pk=article.pk).exists()
            ):
                kept.append("原文链接")
                continue
            setattr(article, name, value)
        article.updated_by = user
        article.skip_history_when_saving = True
        try:
            article.save()
        finally:
            del article.skip_history_when_saving
        tags = tags_for_names(parse_tags(version.tag_names))
        article.tags.set(tags)
        article._tag_names = [tag.name for tag in tags]
        when = timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M")
        record_versions([article], user=user, reason=f"恢复到 {when} 的版本")
    return kept
