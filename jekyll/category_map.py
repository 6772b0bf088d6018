"""The archive's categories as the old site named them: old slug -> the category it should be.

Pure naming from the category pages and the posts' tags; ``ingest()`` finds or
creates the category (``ingest.categories``, with the ``CategoryAlias``).
"""

from pathlib import Path

from articles.models import Category
from ingest.items import CategoryHint
from jekyll import categories as cats
from jekyll.discovery import scan


class CategoryMap:
    """Old slug -> ``CategoryHint`` for one import; counts the categories the import made."""

    def __init__(self, site_root, report):
        self.site_root = site_root
        self.report = report
        self.titles = {}  # old slug -> the category page's title
        self._known = set()  # ids of the categories that exist

    def load(self):
        """(Re)read which categories exist: at the start, and after a rollback."""
        self._known = set(Category.objects.values_list("pk", flat=True))

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

    def hint(self, old_slug, tags):
        """How the category of ``old_slug`` is named, for ``ingest()`` to find or create it."""
        name = cats.category_name(old_slug, self.titles.get(old_slug), tags)
        slug = base = cats.normalise_slug(old_slug)
        # Old slugs differing only in case or punctuation (TechWeb, Techweb) were
        # different publications. Known from the category pages, they get numbered
        # slugs in a fixed order (techweb, techweb-2), whichever post comes first.
        rivals = sorted(s for s in self.titles if cats.normalise_slug(s) == slug)
        numbered = old_slug in rivals and rivals.index(old_slug) > 0
        start = 2
        if numbered:
            slug = f"{slug[:95]}-{rivals.index(old_slug) + 1}"
            start = rivals.index(old_slug) + 2
        return CategoryHint(
            alias=old_slug, name=name, slug=slug, base=base[:95], start=start, numbered=numbered
        )

    def count_new(self, articles):
        """Count the categories of ``articles`` that did not exist before."""
        for article in articles:
            if article is not None and article.category_id not in self._known:
                self._known.add(article.category_id)
                self.report.new_categories += 1
