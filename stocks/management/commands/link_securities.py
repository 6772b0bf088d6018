"""manage.py link_securities: find and link the securities of every stored article (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from articles.signals import content_changed
from stocks.linking import link_articles
from stocks.models import Security

BATCH = 500


class Command(BaseCommand):
    help = (
        "Find 名称(代码) mentions in every article, learn the securities and link them; "
        "a second pass links the names learned over the whole archive. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="articles per batch")

    def handle(self, *args, batch, **options):
        if batch < 1:
            self.stderr.write("--batch must be at least 1.")
            return
        links = 0
        # Pass 1 learns names with their codes; pass 2 finds, in the earlier
        # articles too, the names only learned later in the archive.
        for _ in range(2):
            links = self.run_pass(batch)
        content_changed.send(sender=Article, due=[])
        self.stdout.write(
            f"securities: {Security.objects.count()}, article links: {links} "
            f"({Article.objects.exclude(securities=[]).count()} articles)"
        )

    def run_pass(self, batch):
        last, links = 0, 0
        while True:
            articles = list(
                Article.objects.filter(pk__gt=last)
                .order_by("pk")
                .only("pk", "title", "summary", "body", "securities")[:batch]
            )
            if not articles:
                return links
            with transaction.atomic():
                links += link_articles(articles)
            last = articles[-1].pk
