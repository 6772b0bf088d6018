"""The archive's categories in the database: each old slug's Category, created on first sight."""

from pathlib import Path

from articles.models import Category
from jekyll import categories as cats
from jekyll.discovery import scan
from jekyll.models import CategoryAlias


class CategoryMap:
    """Old slug -> Category for one import (with the CategoryAlias rows that keep old URLs)."""

    def __init__(self, site_root, report):
        self.site_root = site_root
        self.report = report
        self.titles = {}  # old slug -> the category page's title
        self._aliases = {}  # old slug -> Category

    def load(self):
        """(Re)read the aliases from the database: at the start, and after a rollback."""
        self._aliases = {
            alias.old_slug: alias.category
            for alias in CategoryAlias.objects.select_related("category")
        }

    def read_pages(self):
        folder = self.site_root / "category" if self.site_root else None
        if not folder or not folder.is_dir():
            return
        for entry in sorted(scan(folder), key=lambda e: e.name):
            is_page = entry.name.endswith((".html", ".md"))
            if not is_page or not entry.is_file(follow_symlinks=False):
                continue
            try:
                text = Path(entry.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            page = cats.parse_category_page(text)
            if page:
                self.titles[page[0]] = page[1]

    def category_for(self, old_slug, tags):
        """The Category for an old slug, created (with its alias) on first sight."""
        category = self._aliases.get(old_slug)
        if category is not None:
            return category
        name = cats.category_name(old_slug, self.titles.get(old_slug), tags)
        slug = cats.normalise_slug(old_slug)
        # Old slugs differing only in case or punctuation (TechWeb, Techweb) were
        # different publications. Known from the category pages, they get numbered
        # slugs in a fixed order (techweb, techweb-2), whichever post comes first.
        rivals = sorted(s for s in self.titles if cats.normalise_slug(s) == slug)
        numbered = old_slug in rivals and rivals.index(old_slug) > 0
        if numbered:
            slug = f"{slug[:95]}-{rivals.index(old_slug) + 1}"
        category = Category.objects.filter(name=name).first()
        if category is None:
            category = Category.objects.filter(slug=slug).first()
            if category is not None and (
                numbered or category.jekyll_aliases.exclude(old_slug=old_slug).exists()
            ):
                # The slug belongs to another publication (another old slug, or an
                # editor's category under a numbered slug): take the next free one.
                category = None
                base = cats.normalise_slug(old_slug)[:95]
                n = rivals.index(old_slug) + 2 if numbered else 2
                while Category.objects.filter(slug=f"{base}-{n}").exists():
                    n += 1
                slug = f"{base}-{n}"
        if category is None:
            category = Category.objects.create(name=name, slug=slug)
            self.report.new_categories += 1
        CategoryAlias.objects.create(old_slug=old_slug, category=category)
        self._aliases[old_slug] = category
        return category
