"""Every signal receiver of the articles app, connected in one place (ArticlesConfig.ready).

The data layer announces; these listen. Any change to what readers see
(an article, a category, a tag, a tag link) renews the content version, so
cached pages and counts go stale at once.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from simple_history.signals import pre_create_historical_record
from taggit.models import Tag

from articles import content_version, history
from articles.models import Article, Category, TaggedArticle
from articles.related import refresh_related
from articles.signals import content_changed
from articles.tagging import prepare_tag


def renew_content_version(sender, due=(), recompute=False, **kwargs):
    """Receiver of ``content_changed`` (the bulk write paths)."""
    content_version.renew(due, recompute=recompute)


def model_changed(sender, instance=None, **kwargs):
    """Receiver of post_save / post_delete / m2m_changed: a saved article may be scheduled."""
    due = [instance.published_at] if isinstance(instance, Article) and instance.is_scheduled else ()
    content_version.renew(due)


def tags_changed(sender, instance=None, action="", reverse=False, pk_set=None, **kwargs):
    """m2m_changed of article tags: their related articles, and those of the articles after."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Article):
        # Only a published (or scheduled) article has a stored list to renew.
        if instance._place() is not None:
            refresh_related([instance.pk], moved=[instance._place()])
    elif pk_set:
        # From the tag's side: the articles it was added to or removed from.
        _refresh_related_of_articles(pk_set)


def _refresh_related_of_articles(ids):
    places = list(
        Article.objects.filter(pk__in=ids)
        .published_or_scheduled()
        .values_list("published_at", "pk")
    )
    refresh_related([pk for _, pk in places], moved=places)


def tag_deleting(sender, instance=None, **kwargs):
    """pre_delete of a tag: note its published articles (their links go with it)."""
    instance._related_places = list(
        Article.objects.filter(taggedarticle__tag=instance)
        .published_or_scheduled()
        .values_list("published_at", "pk")
    )


def tag_deleted(sender, instance=None, **kwargs):
    """post_delete of a tag: the related lists its articles were in or had."""
    places = getattr(instance, "_related_places", [])
    if places:
        refresh_related([pk for _, pk in places], moved=places)


def connect():
    # Every tag, however it is saved, gets a clean name and a routable slug.
    pre_save.connect(prepare_tag, sender=Tag, dispatch_uid="finews-prepare-tag")
    content_changed.connect(renew_content_version, dispatch_uid="finews-content-changed")
    for model in (Article, Category, TaggedArticle, Tag):
        post_save.connect(model_changed, sender=model, dispatch_uid=f"finews-saved-{model}")
        post_delete.connect(model_changed, sender=model, dispatch_uid=f"finews-deleted-{model}")
    m2m_changed.connect(model_changed, sender=TaggedArticle, dispatch_uid="finews-article-tags")
    m2m_changed.connect(tags_changed, sender=TaggedArticle, dispatch_uid="finews-related-tags")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid="finews-related-tag-deleting")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid="finews-related-tag-deleted")
    # Versions made by a plain save() also record the article's tags.
    pre_create_historical_record.connect(
        history.snapshot_tags, sender=history.HistoricalArticle, dispatch_uid="finews-tag-snapshot"
    )
    # The content version asks the model layer when the next scheduled article is due.
    content_version.set_next_due_source(Article.objects.next_due)
