import os
import signal
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from jekyll.discovery import ArchiveNotFound, count_post_files
from jekyll.importer import DEFAULT_BATCH_SIZE, JekyllImporter
from jekyll.locking import import_lock

EXIT_FAILED_FILES = 1
EXIT_BAD_PATH = 2
EXIT_LOCKED = 3
EXIT_INTERRUPTED = 130
# For tests only: after this many files, say so on stderr and wait for a signal,
# so a test can interrupt the import at a known point instead of racing it.
HOLD_ENV = "FINEWS_IMPORT_HOLD_AFTER"

HELP = """Import the old Jekyll archive (PATH: the site root, or its _posts folder).

Re-runs are cheap and safe: files already imported and unchanged are skipped
(by size, modification time and content hash); changed files update their
article; nothing is stored twice (identity: the upstream id from the file
name, then the source URL; a post whose source URL belongs to another article
is reported as a duplicate). Each batch is one transaction: an interrupted run
leaves no half-written article, and the next run completes the job.

A post with an empty title gets a title derived from its summary (its first
sentence, at most 60 characters) and is listed as a note; one with neither a
title nor any text fails. A post whose date cannot be read takes the date of
its file name (listed as a note); with neither it fails. A post the database
could not hold fails by name while the rest goes in: a date before 1990 or
more than a day ahead, a field over its column's length, front matter over
20,000 characters or with YAML anchors/aliases. Symbolic links are not
followed (listed as failed). At most 50 tags per post (the rest: a note).

Exit status: 0 all files imported (duplicates are reported, not errors);
1 some files failed (each listed with its reason; all others were imported);
2 PATH is not an archive; 3 another import is running (PostgreSQL);
130 interrupted (whole batches written so far are kept; run again).
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("path", help="Jekyll site root, or its _posts folder")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would change; write nothing",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="no progress bar and no summary; only failed files (on stderr)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"post files per transaction (default {DEFAULT_BATCH_SIZE})",
        )

    def handle(self, *args, path, dry_run, quiet, batch_size, **options):
        show_progress = not quiet and sys.stderr.isatty()
        bar = None
        try:
            if show_progress:
                from tqdm import tqdm

                posts_dir = JekyllImporter(path).posts_dir
                bar = tqdm(total=count_post_files(posts_dir), unit="post", file=sys.stderr)
            progress = bar.update if bar else None
            if os.environ.get(HOLD_ENV):
                progress = _holding(int(os.environ[HOLD_ENV]), progress)
            importer = JekyllImporter(
                path, batch_size=batch_size, dry_run=dry_run, progress=progress
            )
        except ArchiveNotFound as error:
            raise CommandError(f"Not a Jekyll archive: {error}", returncode=EXIT_BAD_PATH) from None

        started = time.monotonic()
        interrupted = False
        with import_lock() as acquired:
            if not acquired:
                raise CommandError(
                    "Another import_jekyll is running on this database; try again later.",
                    returncode=EXIT_LOCKED,
                )
            try:
                importer.run()
            except KeyboardInterrupt:
                interrupted = True
            finally:
                if bar is not None:
                    bar.close()
        elapsed = time.monotonic() - started
        report = importer.report

        if not quiet:
            self._report(importer, elapsed, dry_run)
        if quiet:
            for rel, reason in report.failed:
                self.stderr.write(f"failed: {rel}: {reason}")
        if interrupted:
            raise CommandError(
                "Interrupted: the batches finished so far are stored; run the command again.",
                returncode=EXIT_INTERRUPTED,
            )
        if report.failed:
            raise CommandError(
                f"{report.failed_count} file(s) could not be imported (listed above).",
                returncode=EXIT_FAILED_FILES,
            )

    def _report(self, importer, elapsed, dry_run):
        s = importer.report
        out = self.stdout
        rate = s.files / elapsed if elapsed > 0 else 0
        prefix = "Dry run (nothing was written): would import" if dry_run else "Imported"
        out.write(
            f"{prefix} {importer.posts_dir}: {s.files} files in {elapsed:.1f} s ({rate:.0f}/s)"
        )
        width = len(str(max(s.files, 1)))
        for label, value in (
            ("new", s.new),
            ("updated", s.updated),
            ("unchanged", s.unchanged),
            ("duplicate", s.duplicate),
            ("kept", s.kept),
            ("failed", s.failed_count),
        ):
            out.write(f"  {label:<10} {value:>{width}}")
        if s.new_categories:
            out.write(f"  new categories: {s.new_categories}")
        for title, rows in (("Duplicates", s.duplicates), ("Notes", s.notes)):
            if rows:
                out.write(f"{title}:")
                for rel, reason in rows:
                    out.write(f"  {rel}: {reason}")
        if s.failed:
            out.write("Failed files:")
            for rel, reason in s.failed:
                out.write(f"  {rel}: {reason}")


def _holding(after, progress):
    """A progress callback that stops the run once ``after`` files are done (see HOLD_ENV)."""
    done = 0

    def hold(count):
        nonlocal done
        if progress:
            progress(count)
        done += count
        if done >= after:
            sys.stderr.write(f"holding after {done} files\n")
            sys.stderr.flush()
            while True:
                signal.pause()  # until a signal's handler raises (SIGINT) or it kills

    return hold
