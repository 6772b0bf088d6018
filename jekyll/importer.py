"""Import the old Jekyll archive into articles: streaming, batched, idempotent, incremental.

Each batch of post files is written in one transaction: an interrupted run
leaves whole batches or nothing of a batch, and the next run picks up the rest
(files are recognised by path, size, modification time and content hash).
"""

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, reset_queries, transaction
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category, TaggedArticle
from articles.sanitize import sanitize_html
from jekyll import categories as cats
from jekyll.models import CategoryAlias, ImportedPost
from jekyll.parser import ParseError, parse_post

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm")
DEFAULT_BATCH_SIZE = 500
READER_THREADS = 8
# Compared to decide whether a changed file changes its article.
COMPARED_FIELDS = (
    "title",
    "summary",
    "body",
    "published_at",
    "category_id",
    "source_url",
    "source_name",
)


class ArchiveNotFound(Exception):
    pass


@dataclass
class Summary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: list = field(default_factory=list)  # (path, reason)
    duplicates: list = field(default_factory=list)  # (path, reason)
    notes: list = field(default_factory=list)  # (path, note): imported, but worth a look
    new_categories: int = 0
    files: int = 0

    @property
    def failed_count(self):
        return len(self.failed)


def locate_archive(path):
    """``(posts folder, site root or None)`` for a site root or its ``_posts`` folder."""
    path = Path(path)
    if not path.is_dir():
        raise ArchiveNotFound(f"{path} is not a folder")
    if (path / "_posts").is_dir():
        return path / "_posts", path
    if path.name == "_posts" or any(
        entry.name.endswith(POST_SUFFIXES) for entry in _scan(path) if not entry.is_dir()
    ):
        parent = path.resolve().parent
        is_site = (parent / "category").is_dir() or (parent / "_config.yml").exists()
        return path, parent if is_site else None
    raise ArchiveNotFound(f"{path} has no _posts folder and no post files")


def _scan(folder):
    with os.scandir(folder) as entries:
        yield from entries


def iter_post_files(posts_dir):
    """Post files under ``posts_dir`` (recursively, as Jekyll reads them), streamed."""
    stack = [Path(posts_dir)]
    while stack:
        folder = stack.pop()
        for entry in _scan(folder):
            if entry.name.startswith((".", "_", "~", "#")):
                continue  # editor and crawler temporary files, drafts
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.name.lower().endswith(POST_SUFFIXES):
                yield entry


def count_post_files(posts_dir):
    return sum(1 for _ in iter_post_files(posts_dir))


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Pending:
    rel: str
    size: int
    mtime_ns: int
    content_hash: str
    record: object
    known: ImportedPost | None


class JekyllImporter:
    def __init__(self, path, *, batch_size=DEFAULT_BATCH_SIZE, dry_run=False, progress=None):
        self.posts_dir, self.site_root = locate_archive(path)
        self.batch_size = max(1, batch_size)
        self.dry_run = dry_run
        self.progress = progress  # called with the number of files just handled
        self.summary = Summary()
        self.category_titles = {}  # old slug -> the category page's title
        self._aliases = None  # old slug -> Category
        self._tags = {}  # lowercased name -> Tag
        self._next_analyze = 1000

    # --- the run -----------------------------------------------------------------

    def run(self):
        """Import everything; in a dry run, do it all in a transaction that is rolled back."""
        with ThreadPoolExecutor(max_workers=READER_THREADS) as self._readers:
            if self.dry_run:
                with transaction.atomic():
                    self._run()
                    transaction.set_rollback(True)
            else:
                self._run()
        return self.summary

    def _run(self):
        self._read_category_pages()
        self._load_aliases()
        for batch in _batches(iter_post_files(self.posts_dir), self.batch_size):
            changed = self.changed_files(batch)
            if changed:
                with transaction.atomic():
                    self.import_batch(changed)
                self._maybe_analyze()
            reset_queries()  # with DEBUG on, Django would keep every query of the run
            if self.progress:
                self.progress(len(batch))

    def _maybe_analyze(self):
        """Refresh PostgreSQL's statistics as the tables grow (at 1k, 2k, 4k ... new rows).

        Right after a bulk load the planner still thinks the tables are tiny and
        answers each batch's lookups by sequential scans, which makes a big
        first import quadratic; autovacuum catches up only later.
        """
        if connection.vendor != "postgresql" or self.dry_run:
            return
        written = self.summary.new + self.summary.updated
        if written < self._next_analyze:
            return
        self._next_analyze = written * 2
        with connection.cursor() as cursor:
            for model in (ImportedPost, Article, TaggedArticle):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    # --- categories ------------------------------------------------------------------

    def _read_category_pages(self):
        folder = self.site_root / "category" if self.site_root else None
        if not folder or not folder.is_dir():
            return
        for entry in sorted(_scan(folder), key=lambda e: e.name):
            if not entry.name.endswith((".html", ".md")) or not entry.is_file():
                continue
            try:
                text = Path(entry.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            page = cats.parse_category_page(text)
            if page:
                self.category_titles[page[0]] = page[1]

    def _load_aliases(self):
        self._aliases = {
            alias.old_slug: alias.category
            for alias in CategoryAlias.objects.select_related("category")
        }

    def category_for(self, old_slug, tags):
        """The Category for an old slug, created (with its alias) on first sight."""
        category = self._aliases.get(old_slug)
        if category is not None:
            return category
        name = cats.category_name(old_slug, self.category_titles.get(old_slug), tags)
        slug = cats.normalise_slug(old_slug)
        # Old slugs differing only in case or punctuation (TechWeb, Techweb) were
        # different publications. Known from the category pages, they get numbered
        # slugs in a fixed order (techweb, techweb-2), whichever post comes first.
        rivals = sorted(s for s in self.category_titles if cats.normalise_slug(s) == slug)
        numbered = old_slug in rivals and rivals.index(old_slug) > 0
        if numbered:
            slug = f"{slug[:95]}-{rivals.index(old_slug) + 1}"
        category = Category.objects.filter(name=name).first()
        if category is None:
            category = Category.objects.filter(slug=slug).first()
            if category is not None and (
                numbered or category.jekyll_aliases.exclude(old_slug=old_slug).exists()
            ):
                # The slug belongs to another publication (another old slug, or an
                # editor's category under a numbered slug): take the next free one.
                category = None
                base = cats.normalise_slug(old_slug)[:95]
                n = rivals.index(old_slug) + 2 if numbered else 2
                while Category.objects.filter(slug=f"{base}-{n}").exists():
                    n += 1
                slug = f"{base}-{n}"
        if category is None:
            category = Category.objects.create(name=name, slug=slug)
            self.summary.new_categories += 1
        CategoryAlias.objects.create(old_slug=old_slug, category=category)
        self._aliases[old_slug] = category
        return category

    def tags_for(self, names):
        tags = []
        for name in names:
            key = name.lower()
            tag = self._tags.get(key)
            if tag is None:
                tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
                self._tags[key] = tag
            tags.append(tag)
        return tags

    # --- one batch ---------------------------------------------------------------------

    def changed_files(self, entries):
        """The entries of a batch that are new or whose size or modification time changed."""
        self.summary.files += len(entries)
        prefix = len(str(self.posts_dir)) + 1
        rels = [entry.path[prefix:] for entry in entries]
        known = {
            path: (size, mtime_ns)
            for path, size, mtime_ns in ImportedPost.objects.filter(path__in=rels).values_list(
                "path", "size", "mtime_ns"
            )
        }
        changed = []
        for entry, rel in zip(entries, rels, strict=True):
            try:
                stat = entry.stat()
            except OSError as error:
                self.summary.failed.append((rel, f"cannot read the file: {error.strerror}"))
                continue
            if known.get(rel) == (stat.st_size, stat.st_mtime_ns):
                self.summary.unchanged += 1
            else:
                changed.append((entry, rel, stat))
        return changed

    def import_batch(self, to_read):
        """Read, parse and store changed post files (call inside a transaction)."""
        rows = ImportedPost.objects.filter(path__in=[rel for _, rel, _ in to_read])
        known = {row.path: row for row in rows}

        def load(job):
            # Threads: reading many small files from a cold disk is latency-bound.
            try:
                with open(job[0].path, "rb") as handle:
                    return handle.read(), None
            except OSError as error:
                return None, error

        pending = []
        touched = []
        for (entry, rel, stat), (data, error) in zip(
            to_read, self._readers.map(load, to_read), strict=True
        ):
            if error is not None:
                self.summary.failed.append((rel, f"cannot read the file: {error.strerror}"))
                continue
            item = self._read(entry.name, rel, stat, data, known.get(rel), touched)
            if item is not None:
                pending.append(item)
        if touched:
            ImportedPost.objects.bulk_update(touched, ["size", "mtime_ns"])
        if pending:
            self._store(pending)

    def _read(self, name, rel, stat, data, known, touched):
        content_hash = hashlib.sha256(data).hexdigest()
        if known and known.content_hash == content_hash:
            known.size, known.mtime_ns = stat.st_size, stat.st_mtime_ns
            touched.append(known)
            self.summary.unchanged += 1
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
            self.summary.failed.append((rel, reason))
            return None
        try:
            record = parse_post(name, text)
        except ParseError as error:
            self.summary.failed.append((rel, str(error)))
            return None
        if record.title_derived:
            self.summary.notes.append((rel, f"empty title; used 「{record.title}」"))
        if record.date_from_file_name:
            self.summary.notes.append((rel, "unreadable date; used the file name's date"))
        return _Pending(rel, stat.st_size, stat.st_mtime_ns, content_hash, record, known)

    def _store(self, pending):
        slugs = {p.record.slug for p in pending}
        urls = {p.record.source_url for p in pending if p.record.source_url}
        by_slug = {a.slug: a for a in Article.objects.filter(slug__in=slugs)}
        # One Python object per article, whichever way it was found.
        by_url = {
            a.source_url: by_slug.get(a.slug, a)
            for a in Article.objects.filter(source_url__in=urls)
        }
        # Articles that came from the archive under an upstream id of their own.
        imported_ids = set(
            ImportedPost.objects.filter(
                article_id__in=[a.pk for a in by_url.values()], duplicate=False
            ).values_list("article_id", flat=True)
        )
        batch_slugs = {}  # slug -> Article created in this batch
        batch_urls = {}  # source URL -> Article created or updated in this batch
        handled = set()  # id() of the articles already written by a file of this batch
        to_create, to_update, import_rows = [], [], []
        tag_links = {}  # id(article) -> [Tag]
        for item in pending:
            record = item.record
            category = self.category_for(record.category, record.tags)
            tags = self.tags_for(record.tags)
            article = by_slug.get(record.slug) or batch_slugs.get(record.slug)
            owner = None
            if record.source_url:
                owner = batch_urls.get(record.source_url) or by_url.get(record.source_url)
            duplicate_of = None
            if article is not None and id(article) in handled:
                duplicate_of = article  # a second file of one upstream id: the first one wins
            elif owner is not None and owner is not article:
                if article is None and owner.pk not in imported_ids and id(owner) not in handled:
                    article = owner  # the same story, known by its source URL
                else:
                    duplicate_of = owner  # the source URL belongs to another article
            if duplicate_of is not None:
                self._duplicate(item, duplicate_of)
                import_rows.append((item, duplicate_of, True))
                continue
            if article is not None:
                handled.add(id(article))

            values = {
                "title": record.title,
                "summary": record.summary,
                "body": record.body,
                "published_at": record.published_at,
                "category_id": category.pk,
                "source_url": record.source_url,
                "source_name": record.source_name,
            }
            if article is None:
                article = Article(slug=record.slug, status=Article.Status.PUBLISHED, **values)
                to_create.append(article)
                batch_slugs[article.slug] = article
                handled.add(id(article))
                tag_links[id(article)] = tags
                self.summary.new += 1
            else:
                values["body"] = sanitize_html(values["body"])
                changed = [f for f in COMPARED_FIELDS if getattr(article, f) != values[f]]
                for name in changed:
                    setattr(article, name, values[name])
                if changed:
                    article.category = category
                    to_update.append(article)
                tag_links[id(article)] = tags
                if changed or self._tags_differ(article, tags):
                    self.summary.updated += 1
                else:
                    self.summary.unchanged += 1
            if record.source_url:
                batch_urls[record.source_url] = article
            import_rows.append((item, article, False))

        self._write(to_create, to_update, tag_links, import_rows)

    def _duplicate(self, item, owner):
        self.summary.duplicate += 1
        self.summary.duplicates.append(
            (item.rel, f"source URL or id already belongs to /news/{owner.slug}/")
        )

    def _tags_differ(self, article, tags):
        if article.pk is None:
            return False
        current = set(
            TaggedArticle.objects.filter(content_object=article).values_list("tag_id", flat=True)
        )
        return current != {t.pk for t in tags}

    def _write(self, to_create, to_update, tag_links, import_rows):
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
            Article.objects.bulk_update(to_update, [*COMPARED_FIELDS, "updated_at"])

        # Tags: make the links of every article of this batch what its file says.
        articles = {id(a): a for _, a, dup in import_rows if not dup}
        created = {id(a) for a in to_create}
        existing = [a.pk for key, a in articles.items() if key not in created]
        wanted = {(a.pk, t.pk) for key, a in articles.items() for t in tag_links.get(key, ())}
        current = set()
        if existing:
            current = set(
                TaggedArticle.objects.filter(content_object_id__in=existing).values_list(
                    "content_object_id", "tag_id"
                )
            )
        stale = current - wanted
        if stale:
            for article_id, tag_id in stale:
                TaggedArticle.objects.filter(content_object_id=article_id, tag_id=tag_id).delete()
        TaggedArticle.objects.bulk_create(
            [TaggedArticle(content_object_id=a, tag_id=t) for a, t in sorted(wanted - current)]
        )

        # What was imported, so the next run skips these files.
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
            ImportedPost.objects.bulk_update(
                changed_rows,
                [
                    "size",
                    "mtime_ns",
                    "content_hash",
                    "upstream_id",
                    "article",
                    "duplicate",
                    "imported_at",
                ],
            )


def advisory_lock():
    """Hold PostgreSQL's advisory lock for imports; False when another import holds it."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        return cursor.fetchone()[0]


def release_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


LOCK_KEY = 0x6A656B796C6C  # "jekyll"
