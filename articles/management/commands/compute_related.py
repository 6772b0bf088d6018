"""Compute and store every published article's related articles (articles/related.py)."""

from django.core.management.base import BaseCommand, CommandError

from articles.related import backfill


class Command(BaseCommand):
    help = (
        "Store the related articles of every published or scheduled article, oldest first "
        "(after an upgrade, or after rows were written with raw SQL). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="articles per batch (default 2000)"
        )
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="only the articles with no stored list yet",
        )

    def handle(self, *args, batch_size, missing_only, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        done = backfill(batch_size=batch_size, only_missing=missing_only)
        self.stdout.write(f"Computed the related articles of {done} articles.")
