"""Store one batch of parsed posts: find each file's article, compare, write in bulk.

``resolve`` decides identity (which article a file is, or whose duplicate);
``diff`` decides what changed; ``write`` makes the batch's few bulk queries.
Called inside the batch's transaction.
"""

from dataclasses import dataclass

from django.utils import timezone

from articles.history import COMPARED_FIELDS, record_versions
from articles.models import Article, TaggedArticle
from articles.sanitize import sanitize_html
from jekyll.models import ImportedPost

# The fields an editor compares that an archive file sets (not status, author or tags).
FILE_FIELDS = tuple(
    "category_id" if name == "category" else name
    for name in COMPARED_FIELDS
    if name not in ("tag_names", "status", "author")
)
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


class Identities:
    """Which article each file of one batch is: by upstream id (slug), then by source URL."""

    def __init__(self, pending):
        slugs = {p.record.slug for p in pending}
        urls = {p.record.source_url for p in pending if p.record.source_url}
        self.by_slug = {a.slug: a for a in Article.objects.filter(slug__in=slugs)}
        # One Python object per article, whichever way it was found.
        self.by_url = {
            a.source_url: self.by_slug.get(a.slug, a)
            for a in Article.objects.filter(source_url__in=urls)
        }
        # Articles that came from the archive under an upstream id of their own.
        self.imported_ids = set(
            ImportedPost.objects.filter(
                article_id__in=[a.pk for a in self.by_url.values()], duplicate=False
            ).values_list("article_id", flat=True)
        )
        self.batch_slugs = {}  # slug -> Article created in this batch
        self.batch_urls = {}  # source URL -> Article created or updated in this batch
        self.handled = set()  # id() of the articles already written by a file of this batch

    def resolve(self, record):
        """``(article or None, duplicate_of or None)`` for a record; None, None: a new article."""
        article = self.by_slug.get(record.slug) or self.batch_slugs.get(record.slug)
        owner = None
        if record.source_url:
            owner = self.batch_urls.get(record.source_url) or self.by_url.get(record.source_url)
        if article is not None and id(article) in self.handled:
            return None, article  # a second file of one upstream id: the first one wins
        if owner is not None and owner is not article:
            if (
                article is None
                and owner.pk not in self.imported_ids
                and id(owner) not in self.handled
            ):
                return owner, None  # the same story, known by its source URL
            return None, owner  # the source URL belongs to another article
        return article, None

    def claim(self, record, article, *, created):
        """``article`` is written by this file: later files of the batch see it."""
        self.handled.add(id(article))
        if created:
            self.batch_slugs[article.slug] = article
        if record.source_url:
            self.batch_urls[record.source_url] = article


def file_values(record, category):
    """The article's values an archive file sets, keyed by FILE_FIELDS."""
    return {
        "title": record.title,
        "summary": record.summary,
        "body": record.body,
        "published_at": record.published_at,
        "category_id": category.pk,
        "source_url": record.source_url,
        "source_name": record.source_name,
    }


def diff(article, values):
    """Set ``values`` on ``article``; the names of the fields that changed."""
    values = {**values, "body": sanitize_html(values["body"])}  # as stored, to compare
    changed = [name for name in FILE_FIELDS if getattr(article, name) != values[name]]
    for name in changed:
        setattr(article, name, values[name])
    return changed


def tags_differ(article, tags):
    if article.pk is None:
        return False
    current = set(
        TaggedArticle.objects.filter(content_object=article).values_list("tag_id", flat=True)
    )
    return current != {t.pk for t in tags}


def write(to_create, to_update, tag_links, import_rows):
    """The batch's bulk writes: articles, their tag links, and the files' import rows."""
    _write_articles(to_create, to_update)
    articles = {id(a): a for _, a, duplicate in import_rows if not duplicate}
    _write_tag_links(articles, {id(a) for a in to_create}, tag_links)
    _write_versions(to_create, to_update, tag_links)
    _write_import_rows(import_rows)


def _write_articles(to_create, to_update):
    if to_create:
        Article.objects.bulk_create(to_create)
        if any(a.pk is None for a in to_create):  # backends that return no ids
            ids = dict(
                Article.objects.filter(slug__in=[a.slug for a in to_create]).values_list(
                    "slug", "pk"
                )
            )
            for article in to_create:
                article.pk = ids[article.slug]
    if to_update:
        now = timezone.now()
        for article in to_update:
            article.updated_at = now
        Article.objects.bulk_update(to_update, [*FILE_FIELDS, "updated_at"])


def _write_versions(to_create, to_update, tag_links):
    """A version of each written article, as the file made it (one INSERT per kind).

    Bulk writes send no save signal, so without this an imported article would
    have no history until an editor saved it.
    """
    for articles, created, reason in ((to_create, True, "导入"), (to_update, False, "导入更新")):
        for article in articles:
            article._tag_names = [tag.name for tag in tag_links.get(id(article), ())]
        if articles:
            record_versions(articles, user=None, reason=reason, created=created)


def _write_tag_links(articles, created, tag_links):
    """Make the tag links of every article of the batch what its file says."""
    existing = [a.pk for key, a in articles.items() if key not in created]
    wanted = {(a.pk, t.pk) for key, a in articles.items() for t in tag_links.get(key, ())}
    current = set()
    if existing:
        current = set(
            TaggedArticle.objects.filter(content_object_id__in=existing).values_list(
                "content_object_id", "tag_id"
            )
        )
    for article_id, tag_id in current - wanted:
        TaggedArticle.objects.filter(content_object_id=article_id, tag_id=tag_id).delete()
    TaggedArticle.objects.bulk_create(
        [TaggedArticle(content_object_id=a, tag_id=t) for a, t in sorted(wanted - current)]
    )


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
