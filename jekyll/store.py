"""One batch of parsed posts: as items for the ingestion pipeline, and the files' import rows.

Identity, duplicates, categories by slug, tags and the article writes are
``ingest.pipeline.ingest()``'s; here the archive's posts become its items and
each file's ``ImportedPost`` row is written after it (called inside the batch's
transaction).
"""

from dataclasses import dataclass

from django.utils import timezone

from articles.tagging import normalize_tag
from jekyll.models import ImportedPost
from jekyll.parser import TAG_MAX

# The identity source of the archive's posts: the old crawler took them all from
# eastmoney, whose ids name the files (the same ids a crawler pushes, so the two agree).
ARCHIVE_SOURCE = "东方财富网"
_IMPORT_ROW_FIELDS = [
    "size",
    "mtime_ns",
    "content_hash",
    "upstream_id",
    "article",
    "duplicate",
    "imported_at",
]


@dataclass
class Pending:
    """One changed post file, read and parsed, waiting to be stored."""

    rel: str
    size: int
    mtime_ns: int
    content_hash: str
    record: object
    known: ImportedPost | None


def archive_item(record, category_hint):
    """A parsed post as an item for ``ingest()`` (a trusted door: it sets the slug).

    Identity is the old crawler's: eastmoney's id (the file name's, also the
    article's slug, so old URLs keep working), then the original URL.
    """
    return {
        "title": record.title,
        "summary": record.summary,
        "body_html": record.body,
        "url": record.source_url,
        "external_id": record.upstream_id,
        "source": ARCHIVE_SOURCE,
        "source_name": record.source_name,
        "category_hint": category_hint,
        "tags": [normalize_tag(name)[:TAG_MAX] for name in record.tags],
        "published_at": record.published_at.isoformat(),
        "slug": record.slug,
        "kind": "flash" if is_flash(record) else "article",
    }


# The old site's 7×24 list: category emnews, tagged 东财滚动新闻 (as migration 0006 marks them).
FLASH_CATEGORY = "emnews"
FLASH_TAG = "东财滚动新闻"


def is_flash(record):
    """Whether an archive post is a 7×24 flash item of the old crawler."""
    return record.category.strip().lower() == FLASH_CATEGORY or FLASH_TAG in record.tags


def rejection(errors):
    """The pipeline's errors by field as one reason line."""
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())


def write(import_rows):
    """What was imported, so the next run skips these files: ``(Pending, article, duplicate)``."""
    _write_import_rows(import_rows)


def _write_import_rows(import_rows):
    """What was imported, so the next run skips these files."""
    new_rows, changed_rows = [], []
    for item, article, duplicate in import_rows:
        row = item.known or ImportedPost(path=item.rel)
        row.size, row.mtime_ns, row.content_hash = item.size, item.mtime_ns, item.content_hash
        row.upstream_id = item.record.upstream_id
        row.article = article if article is not None and article.pk else None
        row.duplicate = duplicate
        (changed_rows if row.pk else new_rows).append(row)
    ImportedPost.objects.bulk_create(new_rows)
    if changed_rows:
        now = timezone.now()
        for row in changed_rows:
            row.imported_at = now
        ImportedPost.objects.bulk_update(changed_rows, _IMPORT_ROW_FIELDS)
