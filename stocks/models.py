"""Securities learned from the news, and which articles mention them."""

from django.db import models
from django.urls import reverse

from stocks.extract import BJ, HK, SH, SZ, US

# A name must have been seen with its code this often before it is trusted:
# shown as the security's name, and matched in text without the code.
TRUSTED_SIGHTINGS = 2


class Market(models.TextChoices):
    SH = SH, "上交所"
    SZ = SZ, "深交所"
    BJ = BJ, "北交所"
    HK = HK, "港股"
    US = US, "美股"


def best_name(names):
    """The name to show for ``{name: sightings}``.

    The shortest name seen at least TRUSTED_SIGHTINGS times wins. Failing that,
    a sighting of 「升颐海国际」 also supports 颐海国际 (the name it ends with), so
    noise the extraction rules missed loses to the shorter name seen alongside;
    failing that, the most seen (then shortest) name.
    """
    if not names:
        return ""
    seen_enough = [name for name, count in names.items() if count >= TRUSTED_SIGHTINGS]
    if seen_enough:
        return min(seen_enough, key=lambda name: (len(name), -names[name], name))
    support = {name: sum(c for seen, c in names.items() if seen.endswith(name)) for name in names}
    supported = [name for name in names if support[name] >= TRUSTED_SIGHTINGS]
    if supported:
        return min(supported, key=lambda name: (len(name), -support[name], name))
    return min(names, key=lambda name: (-names[name], len(name), name))


class Security(models.Model):
    code = models.CharField(
        "代码", max_length=12, unique=True, help_text="A 股 6 位，港股 5 位（补零），美股代码。"
    )
    market = models.CharField("市场", max_length=2, choices=Market.choices)
    name = models.CharField("名称", max_length=40, help_text="新闻中与代码一同出现最多的简称。")
    names = models.JSONField(
        "见过的名称", default=dict, blank=True, help_text="名称 → 与代码一同出现的次数。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "证券"
        verbose_name_plural = "证券"

    def __str__(self):
        return f"{self.name}({self.code})"

    def get_absolute_url(self):
        return reverse("stocks:detail", args=[self.code])

    def trusted_names(self):
        """Names seen with the code at least TRUSTED_SIGHTINGS times (counting longer sightings)."""
        return {
            name
            for name in self.names
            if sum(c for seen, c in self.names.items() if seen.endswith(name)) >= TRUSTED_SIGHTINGS
        }


class ArticleSecurity(models.Model):
    """One article mentions one security: with its code, or by a learned name only."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="security_links"
    )
    security = models.ForeignKey(Security, on_delete=models.CASCADE, related_name="article_links")
    with_code = models.BooleanField("带代码", default=False)
    # {name: sightings with the code in this article}: re-linking an article
    # replaces its share of Security.names instead of adding to it.
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "文章提及的证券"
        verbose_name_plural = "文章提及的证券"
        constraints = [
            models.UniqueConstraint(fields=["article", "security"], name="stocks_article_security")
        ]
        indexes = [models.Index(fields=["security", "article"], name="stocks_security_article")]

    def __str__(self):
        return f"{self.article_id} → {self.security_id}"
