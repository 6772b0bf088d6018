import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sources.models import Source
from sources.polling import poll_due, with_recent_counts


def _time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = (
        "Poll sources once and exit (--once; --all ignores the schedule), or list them with "
        "their health (--list). Workers poll on schedule through `manage.py qcluster`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="poll every due source, then exit")
        parser.add_argument(
            "--all", action="store_true", help="with --once: every source, due or not"
        )
        parser.add_argument("--list", action="store_true", help="one line per source with health")

    def handle(self, *args, **options):
        if options["list"]:
            return self.list()
        if not options["once"]:
            raise CommandError("Give --once (poll and exit) or --list.")
        start = time.monotonic()
        outcomes = poll_due(all_sources=options["all"])
        elapsed = time.monotonic() - start
        for outcome in outcomes:
            (self.stdout if outcome.ok else self.stderr).write(str(outcome))
        failed = sum(not o.ok for o in outcomes)
        self.stdout.write(f"{len(outcomes)} source(s) polled, {failed} failed, in {elapsed:.2f} s.")

    def list(self):
        now = timezone.now()
        sources = with_recent_counts(Source.objects.all(), now)
        if not sources:
            self.stdout.write("No sources. Add one: manage.py add_source --help")
        for s in sources:
            error = s.paused_reason or s.last_error
            if s.last_error_status:
                error = f"HTTP {s.last_error_status} {error}"
            self.stdout.write(
                f"{s.pk:>4} {s.name} [{s.format}] {s.health(now)} "
                f"attempt={_time(s.last_attempt_at)} success={_time(s.last_success_at)} "
                f"failures={s.consecutive_failures} items_24h={s.items_24h or 0} "
                f"newest={_time(s.newest_item_at)} next={_time(s.next_poll_at)}"
                + (f" error={error[:200]}" if error else "")
            )
