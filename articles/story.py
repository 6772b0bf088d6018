"""Stories: the same news from several sources, grouped (docs/KUAIXUN.md, "Stories").

A ``Story`` is a group of articles (``Article.story``); its *lead* is its
earliest published member, computed, never stored, so publishing, withdrawing
or splitting a member can never leave a stale lead behind. What matching needs
to survive a restart is here too: each matched article's MinHash signature
(``StoryFingerprint``) and its lookup keys (``StoryKey``: LSH bands, the
normalised title, the normalised text's hash), all dated so only the recent
window is searched.
"""

from django.db import models


class Story(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "报道"
        verbose_name_plural = "报道"

    def __str__(self):
        return f"报道 #{self.pk}"


class StoryFingerprint(models.Model):
    """One article's MinHash signature, kept for checking candidates found by key."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    published_at = models.DateTimeField(db_index=True)
    signature = models.BinaryField()
    # Security codes the item names, space-separated: items naming different ones never match.
    codes = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "报道指纹"
        verbose_name_plural = "报道指纹"

    def __str__(self):
        return f"指纹 #{self.article_id}"


class StoryKey(models.Model):
    """A lookup key of one article: ``b<band>:<hash>``, ``t:<title hash>`` or ``x:<text hash>``."""

    fingerprint = models.ForeignKey(StoryFingerprint, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=40)
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = "报道匹配键"
        verbose_name_plural = "报道匹配键"
        indexes = [models.Index(fields=["key", "published_at"], name="story_key_idx")]

    def __str__(self):
        return self.key
