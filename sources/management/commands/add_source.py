from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, Category
from sources.formats import PRESETS
from sources.models import Source


class Command(BaseCommand):
    help = "Add a source that workers poll (RSS, Atom or a JSON API)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--url", required=True)
        parser.add_argument("--format", required=True, choices=Source.Format.values)
        parser.add_argument("--preset", choices=sorted(PRESETS), help="a JSON mapping preset")
        parser.add_argument("--category", help="category slug (default: by publication)")
        parser.add_argument("--kind", choices=Article.Kind.values)
        parser.add_argument("--publication", default="", help="publication name for its items")
        parser.add_argument("--tags", default="", help="default tags, comma-separated")

    def handle(self, *args, **options):
        if options["preset"] and options["format"] != Source.Format.JSON:
            raise CommandError("--preset applies to --format json only.")
        if options["format"] == Source.Format.JSON and not options["preset"]:
            self.stderr.write("No --preset: set the JSON mapping in the admin before it polls.")
        category = None
        if options["category"]:
            category = Category.objects.filter(slug=options["category"].lower()).first()
            if category is None:
                raise CommandError(f"No category with slug {options['category']!r}.")
        preset = PRESETS.get(options["preset"] or "", {})
        source = Source(
            name=options["name"],
            url=options["url"],
            format=options["format"],
            preset=options["preset"] or "",
            category=category,
            kind=options["kind"] or preset.get("kind", Article.Kind.ARTICLE),
            publication=options["publication"],
            tags=options["tags"],
        )
        try:
            source.full_clean()
        except ValidationError as error:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
            raise CommandError("; ".join(lines)) from error
        source.save()
        self.stdout.write(f"Added source {source.pk}: {source.name} ({source.format}) {source.url}")
