"""The one way news comes in: ``ingest(items, origin=..., draft=...)``.

Every door (the push API, the Jekyll importer, polled sources) hands its items
here. For each item the pipeline decides one status:

- ``created``: a new article;
- ``updated`` / ``unchanged``: the same source sent an article it had sent before;
- ``duplicate``: another item of the batch, or an article already stored from
  another source, has the same identity (the earliest-published copy is the
  article, whatever the order items come in);
- ``kept``: the article was changed by an editor since, or withdrawn; the item
  does not overwrite it;
- ``rejected``: the item is invalid; its errors name the fields.

A batch is written in one transaction, in bulk, in a fixed number of queries
per batch; on PostgreSQL concurrent batches claiming the same identities wait
for each other (transaction-level advisory locks), so two crawlers pushing the
same story at once make one article.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from articles.history import record_versions
from articles.models import Article, TaggedArticle
from articles.signals import content_changed
from articles.tagging import tag_key, tags_for_names
from ingest import stories
from ingest.categories import CategoryMap
from ingest.items import Invalid, read_item
from ingest.models import IngestedItem
from stocks.linking import link_articles

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"
KEPT = "kept"
REJECTED = "rejected"
STATUSES = (CREATED, UPDATED, UNCHANGED, DUPLICATE, KEPT, REJECTED)

# The article fields an item sets (and an update may change).
WRITTEN_FIELDS = (
    "title",
    "summary",
    "body",
    "source_name",
    "source_url",
    "category_id",
    "published_at",
    "kind",
    "important",
)
ATTEMPTS = 3


@dataclass
class Result:
    status: str
    article: Article | None = None
    errors: dict = field(default_factory=dict)

    @property
    def path(self):
        """The article's URL path (for created, updated, unchanged, duplicate, kept), or None."""
        if self.article is None or self.article.pk is None:
            return None
        return self.article.get_absolute_url()


def count(results):
    """``{status: n}`` for every status (zeros included)."""
    counts = dict.fromkeys(STATUSES, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def ingest(items, *, origin, draft=False, now=None, trusted=False):
    """Bring ``items`` (mappings, see ingest/items.py) in; one ``Result`` per item, in order.

    ``origin`` names the door (a token's name, ``jekyll``, a source); ``draft``
    makes new articles drafts for an editor to publish. Updates never change an
    article's status. ``trusted`` (the archive importer, never the push API) lets
    items set the new article's slug and the source shown (``items.TRUSTED_FIELDS``).
    """
    now = now or timezone.now()
    results = [None] * len(items)
    valid = []
    for index, data in enumerate(items):
        try:
            valid.append((index, read_item(data, now, trusted=trusted)))
        except Invalid as error:
            results[index] = Result(REJECTED, errors=error.errors)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                _lock(item for _, item in valid)
                batch = _Batch(valid, origin=origin, draft=draft, now=now)
                batch.run()
            break
        except IntegrityError:
            # Lost a race the locks do not cover (SQLite, a new tag or category):
            # run again, now seeing the other writer's rows.
            if attempt == ATTEMPTS - 1:
                raise
    for index, result in batch.results.items():
        results[index] = result
    return results


def _lock(items):
    """Wait for concurrent batches holding any of these identities (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {
            int.from_bytes(
                hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "big", signed=True
            )
            for item in items
            for key in item.identities
        }
    )
    if keys:
        with connection.cursor() as cursor:
            # Taken in one order by every batch: no deadlock.
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(k)) FROM "
                "(SELECT k FROM unnest(%s::bigint[]) AS k ORDER BY k) AS keys",
                [keys],
            )


class _Batch:
    def __init__(self, valid, *, origin, draft, now):
        self.valid = valid
        self.origin = origin
        self.draft = draft
        self.now = now
        self.results = {}

    def run(self):
        if not self.valid:
            return
        self.categories = CategoryMap([item for _, item in self.valid])
        candidates = []
        for index, item in self.valid:
            if item.category and not self.categories.known_slug(item.category):
                self.results[index] = Result(
                    REJECTED, errors={"category": [f"没有这个分类：{item.category}。"]}
                )
            else:
                candidates.append((index, item))
        winners, copies = _groups(candidates)
        self._load_stored(winners)
        creates, updates = [], []
        for index, item in winners:
            self._decide(index, item, creates, updates)
        self._write(creates, updates)
        for index, winner_index in copies:
            self.results[index] = Result(DUPLICATE, self.results[winner_index].article)

    # --- what is stored ------------------------------------------------------------

    def _load_stored(self, winners):
        items = [item for _, item in winners]
        ids = {item.external_id for item in items if item.external_id}
        url_keys = {item.url_key for item in items if item.url_key}
        article_fields = ("slug", "status", "source_name", "updated_at", "updated_by")
        records = []
        if ids or url_keys:
            records = list(
                IngestedItem.objects.filter(Q(external_id__in=ids) | Q(url_key__in=url_keys))
                .select_related("article")
                .only(
                    "source",
                    "external_id",
                    "url_key",
                    "content_hash",
                    "synced_at",
                    *(f"article__{name}" for name in article_fields),
                )
            )
        self.by_id = {(r.source, r.external_id): r for r in records if r.external_id}
        self.by_url_key = {r.url_key: r for r in records if r.url_key}
        slugs = {item.slug for item in items if item.slug}
        self.by_slug = {}
        if slugs:
            self.by_slug = {
                article.slug: article
                for article in Article.objects.filter(slug__in=slugs).only(*article_fields)
            }
        urls = {item.url for item in items if item.url}
        self.by_url = {}
        if urls:
            for article in Article.objects.filter(source_url__in=urls).only(
                "slug", "status", "source_name", "source_url", "updated_by"
            ):
                self.by_url[article.source_url] = article

    def _record_for(self, item):
        if item.external_id and (item.source, item.external_id) in self.by_id:
            return self.by_id[(item.source, item.external_id)]
        return self.by_url_key.get(item.url_key) if item.url_key else None

    # --- deciding --------------------------------------------------------------------

    def _decide(self, index, item, creates, updates):
        record = self._record_for(item)
        by_slug = self.by_slug.get(item.slug) if item.slug and record is None else None
        article = record.article if record else by_slug or self.by_url.get(item.url)
        if article is None:
            creates.append((index, item))
            return
        source = record.source if record else article.source_name
        if article.status == Article.Status.WITHDRAWN:
            status = KEPT
        elif by_slug is not None:
            # Its slug is the item's own (an archive post stored before the pipeline
            # knew it): the same story from the same door, taken over unless edited.
            status = KEPT if article.updated_by_id else UPDATED
        elif source != item.source or (
            record is not None
            and record.external_id
            and item.external_id
            and record.external_id != item.external_id
        ):
            # Another source's article, or another item of this source (a
            # republication under its own id) with the same original URL.
            status = DUPLICATE
        elif record is None:
            # Stored by another door before the pipeline knew it (the archive, an
            # editor): taken over unless an editor wrote or changed it.
            status = KEPT if article.updated_by_id else UPDATED
        elif record.content_hash == item.content_hash():
            status = UNCHANGED
        elif article.updated_at > record.synced_at:
            status = KEPT  # an editor changed it since it came in
        else:
            status = UPDATED
        self.results[index] = Result(status, article)
        if status == UPDATED:
            updates.append((index, item, record))

    # --- writing ---------------------------------------------------------------------

    def _source_url(self, item, article=None):
        """The item's URL, unless another article already holds it (it is unique)."""
        owner = self.by_url.get(item.url)
        return item.url if owner is None or owner is article else ""

    def _write(self, creates, updates):
        articles = [self._new_article(item) for _, item in creates]
        if articles:
            Article.objects.bulk_create(articles)
            if any(a.pk is None for a in articles):  # backends that return no ids
                ids = dict(
                    Article.objects.filter(slug__in=[a.slug for a in articles]).values_list(
                        "slug", "pk"
                    )
                )
                for article in articles:
                    article.pk = ids[article.slug]
        for (index, _), article in zip(creates, articles, strict=True):
            self.results[index] = Result(CREATED, article)

        updated = self._update_articles(updates)
        tags = self._tags([item for _, item in creates] + [item for _, item, _ in updates])
        self._link_tags(
            [(article, item) for (_, item), article in zip(creates, articles, strict=True)],
            [(self.results[index].article, item) for index, item, _ in updates],
            tags,
        )
        self._record_versions(articles, [item for _, item in creates], created=True)
        self._record_versions(updated, [item for _, item, _ in updates], created=False)
        self._write_records(creates, articles, updates)
        # Near-duplicates from other sources join one story (issue 15 §2).
        stories.assign(articles)
        # Securities named in the text: links, learned names, the pages' lists (issue 16 §2).
        link_articles([*articles, *updated], existing=updated)
        if articles or updated:
            due = [a.published_at for a in (*articles, *updated) if a.is_scheduled]
            content_changed.send(sender=Article, due=due)

    def _record_versions(self, articles, items, *, created):
        """A version of each written article as the item made it (bulk writes send no signal,
        so without it an article that came in would have no history until an editor saved it)."""
        for article, item in zip(articles, items, strict=True):
            article._tag_names = list(item.tags)
        if articles:
            record_versions(
                articles, user=None, reason="导入" if created else "导入更新", created=created
            )

    def _new_article(self, item):
        article = Article(
            title=item.title,
            summary=item.summary,
            body=item.body,
            source_name=item.shown_source,
            source_url=self._source_url(item),
            category=self.categories.for_item(item),
            published_at=item.published_at,
            kind=item.kind,
            important=item.important,
            status=Article.Status.DRAFT if self.draft else Article.Status.PUBLISHED,
        )
        if item.slug:
            article.slug = item.slug
        if item.url and article.source_url:
            self.by_url[item.url] = article  # a later item of the batch cannot take it too
        return article

    def _update_articles(self, updates):
        if not updates:
            return []
        full = Article.objects.in_bulk([self.results[index].article.pk for index, _, _ in updates])
        changed = []
        for index, item, _ in updates:
            article = full[self.results[index].article.pk]
            values = {
                "title": item.title,
                "summary": item.summary,
                "body": item.body,
                "source_name": item.shown_source,
                "source_url": self._source_url(item, article) or article.source_url,
                "category_id": self.categories.for_item(item).pk,
                "published_at": item.published_at if item.dated else article.published_at,
                "kind": item.kind,
                "important": item.important,
            }
            for name, value in values.items():
                setattr(article, name, value)
            article.updated_at = self.now
            self.results[index] = Result(UPDATED, article)
            changed.append(article)
        Article.objects.bulk_update(changed, [*WRITTEN_FIELDS, "updated_at"])
        return changed

    def _tags(self, items):
        """``{tag key: Tag}`` for every tag of ``items``, creating the new ones."""
        names = {tag_key(name): name for item in items for name in item.tags}
        # The admin's rule and lookup: one per key, found or created.
        return dict(zip(names, tags_for_names(names.values()), strict=True))

    def _link_tags(self, created, updated, tags):
        wanted = set()
        for article, item in [*created, *updated]:
            wanted.update((article.pk, tags[tag_key(name)].pk) for name in item.tags)
        current = set()
        if updated:
            current = set(
                TaggedArticle.objects.filter(
                    content_object_id__in=[article.pk for article, _ in updated]
                ).values_list("content_object_id", "tag_id")
            )
        stale = current - wanted
        if stale:
            condition = Q()
            for article_id, tag_id in stale:
                condition |= Q(content_object_id=article_id, tag_id=tag_id)
            TaggedArticle.objects.filter(condition).delete()
        new = sorted(wanted - current)
        if new:
            TaggedArticle.objects.bulk_create(
                [TaggedArticle(content_object_id=a, tag_id=t) for a, t in new]
            )

    def _write_records(self, creates, articles, updates):
        IngestedItem.objects.bulk_create(
            [
                IngestedItem(
                    article=article,
                    source=item.source,
                    external_id=item.external_id,
                    url_key=item.url_key if item.url_key not in self.by_url_key else "",
                    content_hash=item.content_hash(),
                    origin=self.origin,
                    synced_at=article.updated_at,
                )
                for (_, item), article in zip(creates, articles, strict=True)
            ]
        )
        # Updates of articles the pipeline already knew; the others get their first record.
        known, first = [], []
        for index, item, record in updates:
            article = self.results[index].article
            if record is None:
                record = IngestedItem(
                    article=article,
                    source=item.source,
                    external_id=item.external_id,
                    url_key=item.url_key if item.url_key not in self.by_url_key else "",
                )
                first.append(record)
            else:
                known.append(record)
            record.content_hash = item.content_hash()
            record.origin = self.origin
            record.synced_at = article.updated_at
        if first:
            IngestedItem.objects.bulk_create(first)
        if known:
            IngestedItem.objects.bulk_update(known, ["content_hash", "origin", "synced_at"])


def _groups(candidates):
    """``(winners, copies)``: one winner per identity, the earliest-published; copies
    are ``(index, winner's index)``. Items sharing any identity key are one group."""
    parent = list(range(len(candidates)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = {}
    for position, (_, item) in enumerate(candidates):
        for key in item.identities:
            if key in owner:
                parent[root(position)] = root(owner[key])
            else:
                owner[key] = position
    groups = {}
    for position in range(len(candidates)):
        groups.setdefault(root(position), []).append(candidates[position])
    winners, copies = [], []
    for members in groups.values():
        members.sort(key=lambda member: member[1].order)
        winners.append(members[0])
        copies.extend((index, members[0][0]) for index, _ in members[1:])
    winners.sort(key=lambda member: member[0])
    return winners, copies
