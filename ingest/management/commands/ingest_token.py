"""Push API tokens: ``create NAME [--draft]``, ``revoke NAME``, ``list``."""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from ingest.models import IngestToken


class Command(BaseCommand):
    help = "Create, revoke or list the push API's tokens (only a hash of each is stored)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new token, printed once as the last line")
        create.add_argument("name")
        create.add_argument("--draft", action="store_true", help="its new items are drafts")
        revoke = actions.add_parser("revoke", help="the token stops working at once")
        revoke.add_argument("name")
        actions.add_parser("list", help="name, created, last used, items in")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, name, draft, **options):
        try:
            _, secret = IngestToken.issue(name, draft=draft)
        except IntegrityError:
            raise CommandError(f"A token named {name!r} exists already.") from None
        kind = "drafts" if draft else "published items"
        self.stdout.write(f"Token {name!r} created ({kind}). Keep it now; it is not shown again:")
        self.stdout.write(secret)

    def _revoke(self, name, **options):
        rows = IngestToken.objects.active().filter(name=name).update(revoked_at=timezone.now())
        if not rows:
            raise CommandError(f"No active token named {name!r}.")
        self.stdout.write(f"Token {name!r} revoked.")

    def _list(self, **options):
        def when(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"

        self.stdout.write(f"{'name':<24} {'created':<16} {'last used':<16} {'items in':>9}  state")
        for token in IngestToken.objects.all():
            state = "revoked" if token.revoked_at else ("draft" if token.draft else "active")
            self.stdout.write(
                f"{token.name:<24} {when(token.created_at):<16} {when(token.last_used_at):<16} "
                f"{token.items_in:>9}  {state}"
            )
