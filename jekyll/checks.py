"""A parsed post checked against what the database can hold, before anything is written.

One bad file must not roll back its batch (or stop the import): whatever a
column would refuse is found here and reported by file name, with a reason.
"""

from articles.models import Article
from articles.validation import check_published_at
from jekyll.models import CategoryAlias, ImportedPost


def _max_length(model, name):
    return model._meta.get_field(name).max_length


PATH_MAX = _max_length(ImportedPost, "path")
UPSTREAM_ID_MAX = _max_length(ImportedPost, "upstream_id")
OLD_CATEGORY_MAX = _max_length(CategoryAlias, "old_slug")
# (record attribute, limit, what to call it): the parser already cuts the others to size.
_LIMITS = (
    ("upstream_id", UPSTREAM_ID_MAX, "the id in the file name"),
    ("category", OLD_CATEGORY_MAX, "the category"),
    ("title", _max_length(Article, "title"), "the title"),
    ("source_url", _max_length(Article, "source_url"), "the source URL"),
    ("source_name", _max_length(Article, "source_name"), "the source name"),
)


def check_record(rel, record, *, now=None):
    """None when the file at ``rel`` can be stored as parsed, else the reason it cannot."""
    if len(rel) > PATH_MAX:
        return f"path is too long ({len(rel)} characters, at most {PATH_MAX})"
    for name, limit, label in _LIMITS:
        value = getattr(record, name)
        if len(value) > limit:
            return f"{label} is too long ({len(value)} characters, at most {limit})"
    texts = (record.title, record.summary, record.body, record.category, *record.tags)
    if any("\x00" in text for text in texts):
        return "contains a NUL character (PostgreSQL cannot store it)"
    return check_published_at(record.published_at, now=now)
