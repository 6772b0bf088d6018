"""Tag links: which article has which tag, with copies of the article's status and date.

A model of its own module (re-exported by articles/models.py): taggit's
through model, given a real foreign key and the copies a tag page needs to be
one index range.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from taggit.models import Tag, TaggedItemBase

from articles.querysets import TaggedArticleQuerySet
from articles.status import ArticleStatus


class TaggedArticle(TaggedItemBase):
    """Tag links with a real foreign key to the article (indexable, joinable)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    # Copies of the article's status and published_at, so that a tag page is one
    # index range (tag, newest first) instead of a join over every tagged
    # article. Kept in sync by Article.save() and ArticleQuerySet.update() /
    # bulk_update(); the public query still goes through Article.published().
    status = models.CharField(max_length=16, default=ArticleStatus.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaggedArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "文章标签"
        verbose_name_plural = "文章标签"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggedarticle_unique"
            )
        ]
        indexes = [
            # Tag pages: one tag, newest published first.
            models.Index(
                fields=["tag", "-published_at", "-content_object"],
                condition=Q(status=ArticleStatus.PUBLISHED),
                name="taggedarticle_tag_pub_idx",
            ),
        ]

    def save(self, *args, **kwargs):
        self.copy_article_dates()
        super().save(*args, **kwargs)

    def copy_article_dates(self):
        self.status = self.content_object.status
        self.published_at = self.content_object.published_at

    @classmethod
    def sync_articles(cls, article_ids):
        """Copy status and published_at from the articles onto their tag links."""
        article_model = cls._meta.get_field("content_object").related_model
        article = article_model.objects.filter(pk=models.OuterRef("content_object"))
        ids = list(article_ids)
        for start in range(0, len(ids), 5000):
            cls.objects.filter(content_object__in=ids[start : start + 5000]).update(
                status=models.Subquery(article.values("status")[:1]),
                published_at=models.Subquery(article.values("published_at")[:1]),
            )


def public_tags():
    """Tags carried by at least one published article: the only ones with a page and feeds.

    Read on the tag links' copy of their article's status and date (kept in
    step on every write), which the (tag, published_at) index answers without
    touching the articles.
    """
    return Tag.objects.filter(Exists(TaggedArticle.objects.filter(tag=OuterRef("pk")).published()))
