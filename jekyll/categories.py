"""Categories of the old archive: old slugs as written there, names, new slugs."""

import hashlib
import re

from jekyll.errors import ParseError
from jekyll.frontmatter import load_front_matter, split_front_matter

NEWS_SUFFIX = "新闻"
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 100


def normalise_slug(old_slug):
    """The new category slug: lowercase ASCII; spaces, parentheses and the like become hyphens.

    ``anxinguojizhengquan(xianggang)`` -> ``anxinguojizhengquan-xianggang``;
    ``21shijijingjibaodao  nancailicaitong`` -> ``21shijijingjibaodao-nancailicaitong``.
    """
    slug = _NON_SLUG_RE.sub("-", old_slug.lower()).strip("-")[:SLUG_MAX].strip("-")
    if not slug:
        # A category written without any ASCII letter or digit: still a stable ASCII slug.
        slug = "category-" + hashlib.sha1(old_slug.encode(), usedforsecurity=False).hexdigest()[:8]
    return slug


def name_from_tag(tag):
    """The publication's name from its tag: 大众证券报新闻 -> 大众证券报.

    A tag that names a news feed rather than a publication (东财滚动新闻, "Eastmoney
    rolling news") is the name as it is.
    """
    tag = tag.strip()
    if tag.endswith(NEWS_SUFFIX) and not tag.endswith("滚动" + NEWS_SUFFIX):
        stripped = tag[: -len(NEWS_SUFFIX)].strip()
        if stripped:
            return stripped
    return tag


def name_from_page_title(title, old_slug):
    """The name a category page's title gives, or "" when the title is only the slug re-cased.

    ``20社新闻`` -> ``20社``; ``Dazhongzhengquanbao`` (for dazhongzhengquanbao) -> "".
    """
    title = (title or "").strip()
    if not title:
        return ""
    squashed = re.sub(r"\s+", "", title).casefold()
    if squashed == re.sub(r"\s+", "", old_slug).casefold():
        return ""
    return name_from_tag(title)


def parse_category_page(text):
    """``(old slug, title)`` from a ``category/*.html`` page, or None when it is not one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff \t\n")
    try:
        front_matter, _ = split_front_matter(text)
        data = load_front_matter(front_matter)
    except ParseError:
        return None
    if not isinstance(data, dict) or not data.get("category"):
        return None
    title = data.get("title")
    return str(data["category"]).strip(), str(title).strip() if title is not None else ""


def category_name(old_slug, page_title, tags):
    """The category's name: the page title when it is a real name, else the tag, else the slug."""
    name = name_from_page_title(page_title, old_slug)
    if not name:
        for tag in tags:
            name = name_from_tag(tag)
            if name:
                break
    return re.sub(r"\s+", " ", name or old_slug).strip()[:100]
