"""Tags: how editors type them, the slug each one is reached by, which are public.

``parse_tags`` / ``edit_string_for_tags`` are wired in through
TAGGIT_TAGS_FROM_STRING / TAGGIT_STRING_FROM_TAGS, so taggit's form field, and
so the admin, parse tags with these functions. ``prepare_tag`` runs before
every save of a tag (connected in articles/apps.py), whoever saves it.
"""

import hashlib
import re
import unicodedata

from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import _TaggableManager

from articles.converters import UnicodeSlugConverter
from articles.textclean import strip_bidi_controls

# Commas, the Chinese enumeration comma and semicolons, half- and full-width.
SEPARATORS = re.compile(r"[,，、;；]")
# What the tag routes (<uslug:>) accept.
ROUTABLE_SLUG = re.compile(UnicodeSlugConverter.regex)


def normalize_tag(name):
    """One spelling per tag: NFKC (full-width ＥＴＦ → ETF), no bidi controls, single spaces."""
    name = strip_bidi_controls(unicodedata.normalize("NFKC", name))
    return " ".join(name.split()).strip(" \"'")


def tag_key(name):
    """Names with the same key are the same tag (case and width do not count)."""
    return normalize_tag(name).casefold()


def parse_tags(tagstring):
    """Split what an editor typed into distinct tag names, keeping the order typed."""
    if not tagstring:
        return []
    names, seen = [], set()
    for part in SEPARATORS.split(unicodedata.normalize("NFKC", tagstring)):
        name = normalize_tag(part)
        if name and tag_key(name) not in seen:
            seen.add(tag_key(name))
            names.append(name)
    return names


def edit_string_for_tags(tags):
    """The field's initial text: names joined by the Chinese enumeration comma."""
    return "、".join(sorted(tag.name for tag in tags))


def is_routable_slug(slug):
    return isinstance(slug, str) and ROUTABLE_SLUG.fullmatch(slug) is not None


def fallback_slug(name):
    """A slug for a name with no letters or digits (``!!!``, emoji): ``t-`` and a short hash.

    Derived from the name, so known before the tag is saved, the same on every
    host, and unique as long as names are.
    """
    return "t-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def routable_slug(name):
    """The slug a new tag named ``name`` gets: taggit's (Chinese kept), else the fallback."""
    slug = slugify(name, allow_unicode=True)[:100]
    return slug if is_routable_slug(slug) else fallback_slug(name)


def prepare_tag(sender, instance, **kwargs):
    """pre_save of taggit's Tag: a clean name and a slug the tag URLs can route.

    taggit slugifies the name itself, and ``!!!`` or an emoji gives ``""``: the
    tag was stored, and every page linking it answered 500 (NoReverseMatch).
    """
    instance.name = strip_bidi_controls(instance.name)
    if not is_routable_slug(instance.slug):
        instance.slug = routable_slug(instance.name)


class CleanTagNamesManager(_TaggableManager):
    """``article.tags.add("\u202eETF")`` finds the tag ETF instead of creating a twin.

    prepare_tag cleans a name on save; names given to add()/set() are cleaned
    before taggit looks them up, or the cleaned new tag would clash with the
    existing one.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [strip_bidi_controls(tag) for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)


def public_tags():
    """Tags carried by at least one published article: the only ones with a page and feeds.

    Read on the tag links' copy of their article's status and date (kept in
    step on every write, see articles.models.TaggedArticle), which the
    (tag, published_at) index answers without touching the articles.
    """
    from django.db.models import Exists, OuterRef
    from taggit.models import Tag

    from articles.models import Article, TaggedArticle

    published_links = TaggedArticle.objects.filter(
        tag=OuterRef("pk"),
        status=Article.Status.PUBLISHED,
        published_at__lte=timezone.now(),
    )
    return Tag.objects.filter(Exists(published_links))
