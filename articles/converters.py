class UnicodeSlugConverter:
    """Like Django's ``<slug:>`` but also matches Chinese tag slugs such as 大众证券报新闻."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class YearConverter:
    """A four-digit year for the date archives: /archive/2020/."""

    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitConverter:
    """A two-digit month or day for the date archives: /archive/2020/03/07/."""

    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"
