"""Re-segment every article's search text (and so, on PostgreSQL, its tsvector)."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article


class Command(BaseCommand):
    help = "Rebuild the search index of all articles, in batches (after a dictionary change, say)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="articles per batch (default 500)"
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        done = Article.objects.all().rebuild_search_text(batch_size=batch_size)
        self.stdout.write(f"Rebuilt the search index of {done} articles.")
