from django.core.management.base import BaseCommand

from hot.fold import fold


class Command(BaseCommand):
    help = "把已结束小时的阅读计数汇总进数据库并更新热门排行（任务队列每几分钟自动运行一次）。"

    def handle(self, *args, **options):
        hours, views = fold()
        self.stdout.write(f"汇总 {hours} 个小时，{views} 次阅读；热门排行已更新。")
