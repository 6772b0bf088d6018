"""Import the old Jekyll archive into articles: streaming, batched, idempotent, incremental.

Each batch of post files is written in one transaction: an interrupted run
leaves whole batches or nothing of a batch, and the next run picks up the rest
(files are recognised by path, size, modification time and content hash). A
file that cannot be stored is reported by name with the reason, and the rest
of its batch goes in: records are checked against the columns before writing
(``jekyll.checks``), and a batch the database still refuses is written again
file by file.
"""

import hashlib
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connection, reset_queries, transaction

from articles.models import Article, TaggedArticle
from ingest import pipeline
from ingest.models import IngestedItem
from ingest.pipeline import ingest
from jekyll import store
from jekyll.category_map import CategoryMap
from jekyll.checks import check_record
from jekyll.discovery import batches, iter_post_files, locate_archive
from jekyll.models import ImportedPost
from jekyll.parser import TAGS_MAX, ParseError, parse_post
from jekyll.report import ImportReport

DEFAULT_BATCH_SIZE = 500
READER_THREADS = 8
ORIGIN = "jekyll"  # the door, as ingest() records it


class JekyllImporter:
    def __init__(self, path, *, batch_size=DEFAULT_BATCH_SIZE, dry_run=False, progress=None):
        self.posts_dir, self.site_root = locate_archive(path)
        self.batch_size = max(1, batch_size)
        self.dry_run = dry_run
        self.progress = progress  # called with the number of files just handled
        self.report = ImportReport()
        self.categories = CategoryMap(self.site_root, self.report)
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
        return self.report

    def _run(self):
        self.categories.read_pages()
        self._load_caches()
        files = iter_post_files(self.posts_dir, on_skipped=self._skipped)
        # Changed files are written batch_size at a time, however sparse they are
        # among the unchanged ones: a re-run with a few changes makes few batches.
        changed = []
        for batch in batches(files, self.batch_size):
            changed += self.changed_files(batch)
            while len(changed) >= self.batch_size:
                self._write_changed(changed[: self.batch_size])
                changed = changed[self.batch_size :]
            reset_queries()  # with DEBUG on, Django would keep every query of the run
            if self.progress:
                self.progress(len(batch))
        if changed:
            self._write_changed(changed)

    def _write_changed(self, changed):
        self._import_changed(changed)
        self._maybe_analyze()
        reset_queries()

    def _skipped(self, rel, reason):
        self.report.files += 1
        self.report.failed.append((rel, reason))

    def _import_changed(self, changed):
        """One transaction for the batch; if the database refuses it, one per file."""
        before = self.report.snapshot()
        try:
            with transaction.atomic():
                self.import_batch(changed)
            return
        except DatabaseError as error:
            self.report.restore(before)
            self._load_caches()  # categories and tags created by the rolled-back batch are gone
            if len(changed) == 1:
                lines = str(error).strip().splitlines() or [type(error).__name__]
                self.report.failed.append((changed[0][1], f"the database refused it: {lines[0]}"))
                return
        # Something no check foresaw: find the file(s) by writing them one by one.
        for one in changed:
            self._import_changed([one])

    def _maybe_analyze(self):
        """Refresh PostgreSQL's statistics as the tables grow (at 1k, 2k, 4k ... new rows).

        Right after a bulk load the planner still thinks the tables are tiny and
        answers each batch's lookups by sequential scans, which makes a big
        first import quadratic; autovacuum catches up only later.
        """
        if connection.vendor != "postgresql" or self.dry_run:
            return
        written = self.report.new + self.report.updated
        if written < self._next_analyze:
            return
        self._next_analyze = written * 2
        with connection.cursor() as cursor:
            for model in (ImportedPost, IngestedItem, Article, TaggedArticle):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _load_caches(self):
        self.categories.load()

    # --- one batch ---------------------------------------------------------------------

    def changed_files(self, entries):
        """The entries of a batch that are new or whose size or modification time changed."""
        self.report.files += len(entries)
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
                stat = entry.stat(follow_symlinks=False)
            except OSError as error:
                self.report.failed.append((rel, f"cannot read the file: {error.strerror}"))
                continue
            if known.get(rel) == (stat.st_size, stat.st_mtime_ns):
                self.report.unchanged += 1
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
                self.report.failed.append((rel, f"cannot read the file: {error.strerror}"))
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
            self.report.unchanged += 1
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
            self.report.failed.append((rel, reason))
            return None
        try:
            record = parse_post(name, text)
        except ParseError as error:
            self.report.failed.append((rel, str(error)))
            return None
        problem = check_record(rel, record)
        if problem:
            self.report.failed.append((rel, problem))
            return None
        if record.title_derived:
            self.report.notes.append((rel, f"empty title; used 「{record.title}」"))
        if record.date_from_file_name:
            self.report.notes.append((rel, "unreadable date; used the file name's date"))
        if record.tags_dropped:
            self.report.notes.append(
                (rel, f"{record.tags_dropped} tag(s) dropped (at most {TAGS_MAX} per article)")
            )
        return store.Pending(rel, stat.st_size, stat.st_mtime_ns, content_hash, record, known)

    def _store(self, pending):
        """Hand the batch to the ingestion pipeline; record what became of each file."""
        items = [
            store.archive_item(p.record, self.categories.hint(p.record.category, p.record.tags))
            for p in pending
        ]
        results = ingest(items, origin=ORIGIN, trusted=True)
        self.categories.count_new(
            result.article
            for result in results
            if result.status in (pipeline.CREATED, pipeline.UPDATED)  # the others: deferred fields
        )
        import_rows = []
        for item, result in zip(pending, results, strict=True):
            if result.status == pipeline.REJECTED:
                self.report.failed.append((item.rel, store.rejection(result.errors)))
                continue
            duplicate = result.status == pipeline.DUPLICATE
            if duplicate:
                self.report.duplicate += 1
                self.report.duplicates.append(
                    (item.rel, f"source URL or id already belongs to /news/{result.article.slug}/")
                )
            elif result.status == pipeline.CREATED:
                self.report.new += 1
            elif result.status == pipeline.UPDATED:
                self.report.updated += 1
            elif result.status == pipeline.KEPT:
                self.report.kept += 1
                self.report.notes.append(
                    (item.rel, f"kept /news/{result.article.slug}/ as an editor left it")
                )
            else:
                self.report.unchanged += 1
            import_rows.append((item, result.article, duplicate))
        store.write(import_rows)
