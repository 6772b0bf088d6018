import logging

from django.db import DatabaseError

from articles.models import Category
from jekyll.categories import normalise_slug
from jekyll.models import CategoryAlias

logger = logging.getLogger(__name__)


def category_for_old_slug(old_slug):
    """The Category an old slug (exactly as the archive wrote it) became, or None."""
    alias = CategoryAlias.objects.select_related("category").filter(old_slug=old_slug).first()
    if alias is not None:
        return alias.category
    return Category.objects.filter(slug=normalise_slug(old_slug)).first()


class OldCategoryConverter:
    """Matches only old category slugs that lead somewhere.

    Unknown ones do not match at all (rather than matching and answering 404), so
    that ``/<anything>`` is not turned into a redirect to ``/<anything>/`` by
    APPEND_SLASH.
    """

    regex = r"[^/]+"

    def to_python(self, value):
        try:
            category = category_for_old_slug(value)
        except DatabaseError:
            # URL resolution must not fail on this catch-all: without its table
            # (or database) no old slug can be known, so the path is simply not one.
            logger.warning("old category lookup failed for %r", value, exc_info=True)
            raise ValueError(value) from None
        if category is None:
            raise ValueError(value)
        return category

    def to_url(self, value):
        return value if isinstance(value, str) else value.slug
