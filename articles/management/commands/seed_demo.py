"""Build a demo archive so the site has something to show on a fresh machine."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from articles import demo_data
from articles.models import Article, Category, TaggedArticle


class Command(BaseCommand):
    help = "Create demo categories, tags and published articles (skipped if articles exist)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=120, help="how many articles")
        parser.add_argument(
            "--force", action="store_true", help="add articles even if some exist already"
        )
        parser.add_argument("--seed", type=int, default=2022, help="random seed")

    def handle(self, *args, articles, force, seed, **options):
        if articles < 0:
            raise CommandError("--articles must be zero or more.")
        if Article.objects.exists() and not force:
            self.stdout.write("Articles exist already; nothing seeded (use --force to add more).")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            categories = [
                Category.objects.get_or_create(
                    slug=slug.lower(), defaults={"name": name, "description": description}
                )[0]
                for name, slug, description in demo_data.CATEGORIES
            ]

            tags = [Tag.objects.get_or_create(name=name)[0] for name in demo_data.TAGS]
            now = timezone.now()
            objs = []
            for i in range(articles):
                title, summary, body = demo_data.STORIES[i % len(demo_data.STORIES)]
                category = categories[min(int(rng.expovariate(0.6)), len(categories) - 1)]
                objs.append(
                    Article(
                        title=title if i < len(demo_data.STORIES) else f"{title}（{i + 1}）",
                        slug=f"demo-{seed}-{i + 1}",
                        category=category,
                        source_name=category.name,
                        summary=summary,
                        body=body,
                        status=Article.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=7 * i + rng.randint(0, 6)),
                    )
                )
            created = Article.objects.bulk_create(objs, batch_size=500)
            links = [
                TaggedArticle(content_object=article, tag=tag)
                for article in created
                for tag in rng.sample(tags, rng.randint(1, 3))
            ]
            TaggedArticle.objects.bulk_create(links, batch_size=1000)
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {len(created)} articles in {len(categories)} categories.")
        )
