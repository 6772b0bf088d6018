"""What an article page shows of the securities its text mentions, stored on the article.

Written by the step that links articles to securities (stocks/linking.py), so
the article page reads it with the article: no query of its own.
"""

from django.db import models
from django.db.models import Value


class SecurityMentions(models.Model):
    securities = models.JSONField(
        "提及的证券",
        default=list,
        # Also in the database: raw writers (seed_demo's COPY) leave it out.
        db_default=Value([], output_field=models.JSONField()),
        blank=True,
        editable=False,
        help_text="正文提到的证券（代码、市场、名称），导入时自动生成。",
    )

    class Meta:
        abstract = True

    def mentioned_securities(self):
        """``[{code, market, name, text}]`` in order of first mention (``text``: as written)."""
        return [entry for entry in self.securities or [] if isinstance(entry, dict)]
