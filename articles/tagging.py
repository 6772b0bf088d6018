"""Tags: how editors type them, when two names are the same tag, the slug each is reached by.

``parse_tags`` / ``edit_string_for_tags`` are wired in through
TAGGIT_TAGS_FROM_STRING / TAGGIT_STRING_FROM_TAGS, so taggit's form field, and
so the admin, parse tags with these functions. Every writer of tags (admin
form, bulk action, restore, importer, ingestion) turns names into tags with
``tags_for_names``, so ``tag_key`` is the one identity rule. ``prepare_tag``
runs before every save of a tag (connected in articles/listeners.py), whoever
saves it.
"""

import hashlib
import re
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify
from taggit.managers import _TaggableManager
from taggit.models import Tag

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


def tags_for_names(names):
    """The tags for ``names``, one per tag key, in order: found by key, or created.

    A name is stored in its normalised spelling (NFKC, single spaces), so a
    full-width ＥＴＦ typed or imported finds the existing ETF instead of
    becoming a second tag. One query finds the existing tags; each new tag
    costs its INSERT.
    """
    wanted = {}
    for name in names:
        name = normalize_tag(name)
        if name:
            wanted.setdefault(tag_key(name), name)
    if not wanted:
        return []
    # Lower(name) IN (...) narrows the candidates in the database in one lookup
    # however many names a batch brings; tag_key decides.
    lowered = {name.lower() for name in wanted.values()}
    found = {}
    for tag in Tag.objects.annotate(lname=Lower("name")).filter(lname__in=lowered).order_by("pk"):
        found.setdefault(tag_key(tag.name), tag)
    return [found.get(key) or _create_tag(name) for key, name in wanted.items()]


def _create_tag(name):
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        # Created meanwhile by another writer (or differing only in case).
        tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            raise
        return tag


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
