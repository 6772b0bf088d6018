"""Post file names of the old archive: their date, their upstream id, the article slug."""

import hashlib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from jekyll.errors import ParseError

BEIJING = ZoneInfo("Asia/Shanghai")
SLUG_MAX = 64  # Article.slug

_FILE_NAME_RE = re.compile(
    r"^(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})-)?-*(?P<slug>.+?)\.(?:md|markdown|html?)$",
    re.IGNORECASE,
)
# Upstream ids start with their day: 202112082206672930, NW202205192385065243.
_ID_DATE_RE = re.compile(r"^[A-Za-z]{0,4}(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})\d{6,}$")
_SLUG_UNSAFE_RE = re.compile(r"[^a-z0-9_-]+")


def split_file_name(file_name):
    """``(file date or None, file slug)`` of a post file name, or ParseError."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    match = _FILE_NAME_RE.match(base)
    if not match or not match["slug"].strip("-"):
        raise ParseError("file name is not YYYY-MM-DD-<id>.md")
    slug = match["slug"]
    file_date = None
    if match["y"]:
        file_date = make_date(match["y"], match["m"], match["d"])
    if file_date is None:
        id_match = _ID_DATE_RE.match(slug)
        if id_match:
            file_date = make_date(id_match["y"], id_match["m"], id_match["d"])
    return file_date, slug


def article_slug(upstream_id):
    """The article's URL key for an upstream id: lowercase ASCII, stable, at most 64 chars."""
    slug = _SLUG_UNSAFE_RE.sub("-", upstream_id.lower()).strip("-")
    if not slug or len(slug) > SLUG_MAX or slug != upstream_id.lower():
        digest = hashlib.sha1(upstream_id.encode(), usedforsecurity=False).hexdigest()[:12]
        slug = f"post-{digest}"
    return slug


def make_date(y, m, d, hh=0, mm=0, ss=0, tz=BEIJING):
    """An aware datetime from its parts (text or numbers), or None when there is no such time."""
    try:
        return datetime(int(y), int(m), int(d), int(hh), int(mm), int(ss), tzinfo=tz)
    except ValueError:
        return None
