"""The write paths that skip ``Model.save()``: bulk creates and updates, queryset deletes.

Each keeps what ``save()`` would have kept (sanitized body, search text, the
tag links' copies of status and date) and announces the change
(articles/signals.py), because Django sends no model signal for them. The
read side of the article queryset (the publish gate) is in articles/models.py.
"""

from django.db import models, transaction

from articles.related import refresh_related
from articles.sanitize import sanitize_html
from articles.signals import content_changed
from articles.status import ArticleStatus
from articles.textclean import strip_bidi_controls

# The fields the stored search text is made of.
SEARCHED_FIELDS = frozenset({"title", "summary", "body"})
# Names shown to readers: bidi controls are stripped from them on every write.
ARTICLE_NAME_FIELDS = ("title", "source_name")


def _tag_links(article_model):
    return article_model._meta.get_field("tags").through


class CategoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "name" in kwargs:
            kwargs["name"] = strip_bidi_controls(kwargs["name"])
        # QuerySet.update() sends no signal; a renamed category changes public pages.
        rows = super().update(**kwargs)
        content_changed.send(sender=self.model)
        return rows


def _refresh_related_of_links(articles):
    """A change of tags: the articles' related lists, and those of the articles after them.

    Only published (or scheduled) articles have a stored list: the others lost
    theirs when they left (``refresh_related`` stores None for them).
    """
    places = [
        (published_at, pk)
        for pk, (status, published_at) in articles
        if status == ArticleStatus.PUBLISHED and published_at is not None
    ]
    if places:
        refresh_related([pk for _, pk in places], moved=places)


class TaggedArticleQuerySet(models.QuerySet):
    def published(self):
        """Links of published, due articles, by the link's own copy of status and date."""
        article_model = self.model._meta.get_field("content_object").related_model
        return self.filter(article_model.objects.published_q())

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk tagging (admin action, importer) skips save(): copy the
        # articles' status and publish time here, in one query.
        objs = list(objs)
        ids = {obj.content_object_id for obj in objs}
        article_model = self.model._meta.get_field("content_object").related_model
        dates = {
            pk: (status, published_at)
            for pk, status, published_at in article_model.objects.filter(pk__in=ids).values_list(
                "pk", "status", "published_at"
            )
        }
        for obj in objs:
            if obj.content_object_id in dates:
                obj.status, obj.published_at = dates[obj.content_object_id]
        created = super().bulk_create(objs, *args, **kwargs)
        _refresh_related_of_links(dates.items())
        content_changed.send(sender=self.model)
        return created

    def delete(self):
        article_model = self.model._meta.get_field("content_object").related_model
        ids = set(self.values_list("content_object_id", flat=True))
        result = super().delete()
        if ids:
            _refresh_related_of_links(
                (pk, (status, published_at))
                for pk, status, published_at in article_model.objects.filter(
                    pk__in=ids
                ).values_list("pk", "status", "published_at")
            )
        return result

    delete.alters_data = True
    delete.queryset_only = True


class ArticleWritesQuerySet(models.QuerySet):
    """Bulk writes of articles; ``ArticleQuerySet`` (models.py) adds the publish gate."""

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk paths (importer, seeding) skip save(); the sanitizer must not be skipped.
        objs = list(objs)
        for obj in objs:
            obj.prepare_for_save()
        # An upsert (update_conflicts) that rewrites text must rewrite its search text too.
        update_fields = kwargs.get("update_fields")
        if update_fields and SEARCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, "search_text"]))
        created = super().bulk_create(objs, *args, **kwargs)
        content_changed.send(
            sender=self.model, due=[obj.published_at for obj in created if obj.is_scheduled]
        )
        if kwargs.get("update_conflicts") and {"status", "published_at"} & set(update_fields or ()):
            # An upsert may have changed existing articles' status: their tag links follow.
            _tag_links(self.model).sync_articles(obj.pk for obj in created if obj.pk is not None)
        # New articles take a place in the publish order: the related lists after it.
        refresh_related(
            [obj.pk for obj in created],
            moved=[obj._place() for obj in created if obj.pk is not None],
        )
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for name in set(ARTICLE_NAME_FIELDS) & set(fields):
            for obj in objs:
                setattr(obj, name, strip_bidi_controls(getattr(obj, name)))
        if "body" in fields:
            for obj in objs:
                obj.body = sanitize_html(obj.body)
        if SEARCHED_FIELDS & set(fields):
            for obj in objs:
                obj.update_search_text()
            fields = [*fields, "search_text"] if "search_text" not in fields else fields
        # Django's bulk_update() writes through this queryset's update(), which
        # keeps the tag links in step and announces the change.
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        for name in set(ARTICLE_NAME_FIELDS) & kwargs.keys():
            kwargs[name] = strip_bidi_controls(kwargs[name])
        ids = None
        if {"status", "published_at"} & kwargs.keys():
            # Taken before the update: the filter may no longer match after it.
            places = list(self.values_list("pk", "status", "published_at"))
            ids = [pk for pk, _, _ in places]
        rows = self._update_text_and_search(**kwargs)
        if ids:
            _tag_links(self.model).sync_articles(ids)
            # The related lists of these articles, and of those after their old and new places.
            old = [(date, pk) for pk, status, date in places if status == ArticleStatus.PUBLISHED]
            new = self.model._default_manager.filter(pk__in=ids).published_or_scheduled()
            refresh_related(ids, moved=[*old, *new.values_list("published_at", "pk")])
        # A status or date set here (possibly by a database expression) may
        # schedule an article: the next due time is looked up again.
        content_changed.send(sender=self.model, recompute=ids is not None)
        return rows

    update.alters_data = True

    def delete(self):
        places = list(self.published_or_scheduled().values_list("published_at", "pk"))
        result = super().delete()
        refresh_related(moved=places)
        content_changed.send(sender=self.model)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def _update_text_and_search(self, **kwargs):
        # A bulk update of title, summary or body would leave the search text stale:
        # re-segment the rows it touched, in the same transaction.
        if not SEARCHED_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        if "body" in kwargs and isinstance(kwargs["body"], str):
            kwargs["body"] = sanitize_html(kwargs["body"])
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = self.model._default_manager.using(self.db)
            for start in range(0, len(pks), 500):
                rows.filter(pk__in=pks[start : start + 500]).rebuild_search_text()
        return count

    def rebuild_search_text(self, batch_size=500):
        """Re-segment the search text of every article in this queryset, batch by batch."""
        done, last_pk = 0, None
        rows = self.order_by("pk").only("pk", "title", "summary", "body")
        while True:
            batch = list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:batch_size])
            if not batch:
                return done
            for obj in batch:
                obj.update_search_text()
            self.model._default_manager.using(self.db).bulk_update(batch, ["search_text"])
            done += len(batch)
            last_pk = batch[-1].pk
