"""热门's history: views per article per Beijing day, folded from the hourly counters.

The counters themselves live in Redis (or the cache) until the fold
(hot/fold.py) moves a finished hour here. ``FoldedHour`` records each hour
folded, in the same transaction as its rows: an hour folded twice, or a fold
that crashed before it could drop the counters, counts once.
"""

from django.db import models


class DailyViews(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField("日期（北京时间）")
    views = models.PositiveIntegerField("阅读数", default=0)

    class Meta:
        verbose_name = "每日阅读数"
        verbose_name_plural = "每日阅读数"
        ordering = ["-day", "-views"]
        get_latest_by = "day"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="hot_daily_article_day")
        ]
        # The ranking sums a day range; the article is in the index so it is read alone.
        indexes = [models.Index(fields=["day", "article"], name="hot_daily_day_idx")]

    def __str__(self):
        return f"{self.article_id} · {self.day} · {self.views}"


class FoldedHour(models.Model):
    """An hour of counters already in ``DailyViews`` (hours since the epoch, UTC)."""

    hour = models.BigIntegerField(primary_key=True)
    folded_at = models.DateTimeField(auto_now_add=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "已汇总的小时"
        verbose_name_plural = "已汇总的小时"
        ordering = ["-hour"]

    def __str__(self):
        return str(self.hour)
