class UnicodeSlugConverter:
    """Like Django's ``<slug:>`` but also matches Chinese tag slugs such as 大众证券报新闻."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
