from django.core.management.base import BaseCommand, CommandError

from searchindex.windows import refresh


class Command(BaseCommand):
    help = (
        "选出搜索常用词，写入、修剪并补全它们的最新匹配窗口（仅 PostgreSQL；"
        "任务队列每小时自动运行一次）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--words",
            type=int,
            default=None,
            help="最多保留多少个常用词（默认 SEARCH_WORDS；0 清空）",
        )

    def handle(self, *args, words, **options):
        if words is not None and words < 0:
            raise CommandError("--words 不能小于 0。")
        self.stdout.write(str(refresh(limit=words)))
