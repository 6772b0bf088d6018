"""Build a demo archive: a few articles for a fresh machine, or a million for a benchmark.

Without ``--articles`` (the quick start, when the archive sample is not
there): the project's own stories, each once, under made-up publications
(demo_data), each with its own tags, published over the last few hours.

With ``--articles N`` (benchmarks): volume, in the shape of the real archive:
texts from the archive sample in ../shared/corpus when it is there (else the
project's own sample texts), a long tail of categories where one holds over a
tenth of all articles, one to four tags per article from a few thousand, and
dates spread back over years.
On PostgreSQL the rows go in with COPY; elsewhere with batched bulk_create.
"""

import itertools
import random
import secrets
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from tqdm import tqdm

from articles import demo_data, related
from articles.demo_texts import (
    MEDIA_WORDS,
    PLACES,
    TOPICS,
    sample_texts,
    search_line,
    zipf_cumulative,
)
from articles.history import copy_initial_versions, record_versions
from articles.models import Article, Category, TaggedArticle
from articles.signals import content_changed
from searchindex import windows

MAX_CATEGORIES = 2000
MAX_TAGS = 3000
# Newest to oldest, articles are this far apart at most (closer for big archives,
# so that a million of them span about four years).
MAX_STEP = timedelta(minutes=7)
SPAN = timedelta(days=4 * 365)
DRAFT_SHARE = 0.01
BATCH = 5000
VERSION_REASON = "演示数据"


class Command(BaseCommand):
    help = "Create demo categories, tags and published articles (skipped if articles exist)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=None,
            help="how many articles (benchmarks); without it, the demo stories, each once",
        )
        parser.add_argument(
            "--force", action="store_true", help="add articles even if some exist already"
        )
        parser.add_argument("--seed", type=int, default=2022, help="random seed")

    def handle(self, *args, articles, force, seed, **options):
        if articles is not None and articles < 0:
            raise CommandError("--articles must be zero or more.")
        if Article.objects.exists() and not force:
            self.stdout.write("Articles exist already; nothing seeded (use --force to add more).")
            return
        if articles is None:
            self.seed_stories()
            return
        self.rng = random.Random(seed)
        self.slug_prefix = f"demo-{seed}-" + (secrets.token_hex(3) + "-" if force else "")
        texts = sample_texts()
        self.copy = connection.vendor == "postgresql"
        with transaction.atomic():
            categories = self.make_categories(min(MAX_CATEGORIES, max(8, articles // 10)))
            tags = self.make_tags(min(MAX_TAGS, max(len(demo_data.TAGS), articles // 10)))
            rows = self.article_rows(articles, texts, categories, tags)
            progress = tqdm(
                total=articles, unit="篇", desc="articles", disable=articles < 5000, leave=False
            )
            with progress:
                if connection.vendor == "postgresql":
                    self.copy_rows(rows, articles, progress)
                else:
                    self.bulk_create_rows(rows, progress)
            # Rows written by COPY / bulk_create: announce them, next due time included.
            content_changed.send(sender=Article, recompute=True)
        if connection.vendor == "postgresql" and articles >= BATCH:
            # Fresh statistics and visibility map: plans and index-only scans
            # right away rather than after autovacuum gets round to it.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE articles_article")
                cursor.execute("VACUUM ANALYZE articles_taggedarticle")
                # The search table, written by the trigger: without this its
                # statistics are those of the empty table the migration made,
                # and a search at a million articles took seconds.
                cursor.execute("VACUUM ANALYZE searchindex_entry")
            # The frequent words' windows (the task engine would do it within the hour).
            self.stdout.write(str(windows.refresh()))
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE searchindex_window")
                # Every other table too (categories, tags...): with autovacuum
                # off or not yet round, a table never analysed is planned as
                # the empty one the migration made (the home page's list then
                # hashed all categories for each request).
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {articles} articles in {len(categories)} categories, "
                f"with {len(tags)} tags ({len(texts)} sample texts)."
            )
        )

    def seed_stories(self):
        """The project's own stories, each once, in its own demo publication with its tags."""
        now = timezone.now()
        categories = {}
        with transaction.atomic():
            for index, ((title, summary, body), (place, tags)) in enumerate(
                zip(demo_data.STORIES, demo_data.STORY_PLACES, strict=True)
            ):
                name, slug, description = demo_data.CATEGORIES[place]
                if slug not in categories:
                    categories[slug], _ = Category.objects.get_or_create(
                        slug=slug, defaults={"name": name, "description": description}
                    )
                article = Article.objects.create(
                    title=title,
                    slug=f"demo-{index + 1}",
                    category=categories[slug],
                    source_name=name,
                    summary=summary,
                    body=body,
                    status=Article.Status.PUBLISHED,
                    # A story every 20-odd minutes over the last few hours.
                    published_at=now - timedelta(minutes=7 + 23 * index),
                )
                article.tags.set(tags)
            content_changed.send(sender=Article)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {len(demo_data.STORIES)} demo articles in {len(categories)} "
                "made-up publications (演示)."
            )
        )

    def make_categories(self, count):
        """The sample's categories first (the busiest), then generated ones."""
        wanted = [
            (name, slug.lower(), description) for name, slug, description in demo_data.CATEGORIES
        ]
        for i in range(max(0, count - len(wanted))):
            name = f"{PLACES[i % 10]}{MEDIA_WORDS[i // 10 % 10]}{i:04d}"
            wanted.append((name, f"source{i:04d}", f"{name}的财经新闻。"))
        Category.objects.bulk_create(
            [Category(name=n, slug=s, description=d) for n, s, d in wanted[:count]],
            ignore_conflicts=True,
        )
        by_slug = dict(Category.objects.values_list("slug", "id"))
        return [(by_slug[slug], name) for name, slug, _ in wanted[:count]]

    def make_tags(self, count):
        names = list(demo_data.TAGS)
        names += [
            f"{TOPICS[i % 10]}{PLACES[i // 10 % 10]}{i:04d}" for i in range(count - len(names))
        ]
        names = names[:count]
        Tag.objects.bulk_create([Tag(name=n, slug=n) for n in names], ignore_conflicts=True)
        by_name = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
        self.tag_names = {pk: name for name, pk in by_name.items()}
        return [by_name[n] for n in names]

    def article_rows(self, count, texts, categories, tags):
        """(article fields, tag ids) per article, newest first."""
        rng = self.rng
        now = timezone.now()
        step = min(MAX_STEP, SPAN / max(count, 1)).total_seconds()
        cat_weights = zipf_cumulative(len(categories))
        tag_weights = zipf_cumulative(len(tags))
        for i in range(count):
            text = texts[i % len(texts)]
            category_id, category_name = rng.choices(categories, cum_weights=cat_weights)[0]
            published = rng.random() >= DRAFT_SHARE
            tag_ids = set(
                rng.choices(tags, cum_weights=tag_weights, k=rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
            )
            fields = {
                "title": text.title if i < len(texts) else f"{text.title}（{i + 1}）",
                "slug": f"{self.slug_prefix}{i + 1}",
                "category_id": category_id,
                "source_name": category_name,
                "source_url": "",
                "summary": text.summary,
                "body": text.body,
                "search_text": "",
                "status": Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                "published_at": now - timedelta(seconds=step * i + rng.uniform(0, step)),
                "created_at": now,
                "updated_at": now,
            }
            if self.copy:
                # What Article.save() would store (the COPY path skips save()).
                fields["search_text"] = search_line(fields["title"]) + "\n" + text.search_lines
            yield fields, tag_ids

    def bulk_create_rows(self, rows, progress):
        while batch := list(itertools.islice(rows, BATCH)):
            # bulk_create sanitizes each body again: the model's rule for every
            # bulk path. Cheap at the sizes SQLite is used for.
            # bulk_create also writes the search text (prepare_for_save()).
            created = Article.objects.bulk_create([Article(**fields) for fields, _ in batch])
            TaggedArticle.objects.bulk_create(
                [
                    TaggedArticle(
                        content_object_id=article.pk,
                        tag_id=tag_id,
                        status=article.status,
                        published_at=article.published_at,
                    )
                    for article, (_, tag_ids) in zip(created, batch, strict=True)
                    for tag_id in tag_ids
                ]
            )
            # Bulk writes send no save signal: each article's first version, in one INSERT.
            for article, (_, tag_ids) in zip(created, batch, strict=True):
                article._tag_names = [self.tag_names[tag_id] for tag_id in tag_ids]
            record_versions(created, user=None, reason=VERSION_REASON, created=True)
            progress.update(len(batch))

    def copy_rows(self, rows, count, progress):
        """COPY the articles (with ids reserved up front) and their tag links."""
        article_columns = [
            "id",
            "title",
            "slug",
            "category_id",
            "source_name",
            "source_url",
            "summary",
            "body",
            "search_text",
            "status",
            "published_at",
            "created_at",
            "updated_at",
        ]
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE articles_article IN EXCLUSIVE MODE")
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM articles_article")
            first_id = cursor.fetchone()[0] + 1
            links = []
            # Columns are named: columns other branches add keep their defaults
            # here and are filled by fill_derived_columns() below.
            copy_sql = f"COPY articles_article ({', '.join(article_columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for pk, (fields, tag_ids) in enumerate(rows, start=first_id):
                    copy.write_row([pk, *(fields[c] for c in article_columns[1:])])
                    links.extend(
                        (tag_id, pk, fields["status"], fields["published_at"]) for tag_id in tag_ids
                    )
                    if (pk - first_id + 1) % 1000 == 0:
                        progress.update(1000)
            progress.update(count - progress.n)
            last_id = first_id + count - 1
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), %s)",
                [max(last_id, first_id)],
            )
            with cursor.cursor.copy(
                "COPY articles_taggedarticle (tag_id, content_object_id, status, published_at)"
                " FROM STDIN"
            ) as copy:
                for link in tqdm(
                    links, unit="link", desc="tags", disable=count < 5000, leave=False
                ):
                    copy.write_row(link)
        self.fill_derived_columns(first_id, last_id)
        copy_initial_versions(first_id, last_id, reason=VERSION_REASON)
        # COPY skips the write paths that store related articles: computed here, in batches.
        related.backfill()

    def fill_derived_columns(self, first_id, last_id):
        """Hook: fill columns computed from others for the rows just copied.

        COPY skips Article.save(), so a column that save() derives must be
        filled either in article_rows() (as search_text is: segmented there,
        each distinct text once) or here with one set-based UPDATE over
        ``first_id..last_id``, in batches of about 50,000 ids for a million
        rows. PostgreSQL computes generated columns (search_vector) itself, and
        its trigger writes the search table (searchindex_entry) row by row.
        """
