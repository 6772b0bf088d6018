from articles.models import Category
from jekyll.categories import normalise_slug
from jekyll.models import CategoryAlias


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
        category = category_for_old_slug(value)
        if category is None:
            raise ValueError(value)
        return category

    def to_url(self, value):
        return value if isinstance(value, str) else value.slug
