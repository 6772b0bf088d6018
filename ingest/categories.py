"""Which category an item goes to: its slug when given, else its source's name.

A trusted door (the archive) may instead give a ``CategoryHint``: its old
category slug (kept as a ``CategoryAlias``), the name and the slug it should
have; an existing category of that name (or that slug, unless another
publication holds it) is reused, else one is created.

A source is matched to an existing category by name, then by the old site's
category slugs (``jekyll.models.CategoryAlias``) and the category slugs, both
compared with the pinyin of its name (the old crawler named categories so);
else a category is created with that pinyin as its slug.
"""

import hashlib
import re

from django.db import IntegrityError, transaction
from pypinyin import lazy_pinyin

from articles.models import Category
from jekyll.models import CategoryAlias

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_MAX = Category._meta.get_field("slug").max_length


def pinyin_slug(name):
    """``大众证券报`` -> ``dazhongzhengquanbao``; ``20社`` -> ``20she`` (as xpinyin made them)."""
    slug = _NON_SLUG.sub("-", "".join(lazy_pinyin(name)).lower()).strip("-")
    slug = slug[:SLUG_MAX].strip("-")
    if not slug:
        slug = "source-" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return slug


class CategoryMap:
    """Categories for one batch of items, looked up in a fixed number of queries."""

    def __init__(self, items):
        self.slugs = {item.category for item in items if item.category}
        hints = {item.category_hint for item in items if item.category_hint}
        sources = {item.source for item in items if not item.category and not item.category_hint}
        self.pinyin = {source: pinyin_slug(source) for source in sources}
        wanted_slugs = self.slugs | set(self.pinyin.values()) | {h.slug for h in hints}
        names = sources | {h.name for h in hints}
        self.by_slug, self.by_name = {}, {}
        for category in Category.objects.filter(name__in=names) | Category.objects.filter(
            slug__in=wanted_slugs
        ):
            self.by_slug[category.slug] = category
            self.by_name[category.name] = category
        self.by_alias = {
            alias.old_slug: alias.category
            for alias in CategoryAlias.objects.filter(
                old_slug__in=sources | set(self.pinyin.values()) | {h.alias for h in hints}
            ).select_related("category")
        }
        self.created = []

    def known_slug(self, slug):
        return slug in self.by_slug

    def for_item(self, item):
        """The item's Category (created on first sight of a new source); None: unknown slug."""
        if item.category:
            return self.by_slug.get(item.category)
        if item.category_hint:
            return self._for_hint(item.category_hint)
        source = item.source
        category = self.by_name.get(source) or self.by_alias.get(source)
        if category is None:
            slug = self.pinyin[source]
            category = self.by_alias.get(slug) or self.by_slug.get(slug) or self._create(source)
        self.by_name[source] = category
        return category

    def _for_hint(self, hint):
        """The category of an archive's old slug, created (with its alias) on first sight."""
        category = self.by_alias.get(hint.alias)
        if category is not None:
            return category
        category = self.by_name.get(hint.name)
        slug = hint.slug
        if category is None:
            category = self.by_slug.get(slug)
            if category is not None and (
                hint.numbered or category.jekyll_aliases.exclude(old_slug=hint.alias).exists()
            ):
                # The slug belongs to another publication (another old slug, or an
                # editor's category under a numbered slug): take the next free one.
                category = None
                n = hint.start
                while Category.objects.filter(slug=f"{hint.base}-{n}").exists():
                    n += 1
                slug = f"{hint.base}-{n}"
        if category is None:
            category = Category.objects.create(name=hint.name, slug=slug)
            self.by_slug[slug] = category
            self.by_name[hint.name] = category
            self.created.append(category)
        CategoryAlias.objects.create(old_slug=hint.alias, category=category)
        self.by_alias[hint.alias] = category
        return category

    def _create(self, name):
        base = self.pinyin[name]
        n = 1
        while True:
            slug = base if n == 1 else f"{base[: SLUG_MAX - 4]}-{n}"
            try:
                with transaction.atomic():
                    category = Category.objects.create(name=name, slug=slug)
            except IntegrityError:
                # Another writer made it meanwhile, or the slug is another name's.
                category = Category.objects.filter(name=name).first()
                if category is None:
                    n += 1
                    continue
            self.by_slug[category.slug] = category
            self.created.append(category)
            return category
