"""Tags: how editors type them, and when two names are the same tag.

Wired in through TAGGIT_TAGS_FROM_STRING / TAGGIT_STRING_FROM_TAGS, so taggit's
form field, and so the admin, parse tags with these functions. Every writer of
tags (admin form, bulk action, restore, importer, ingestion) turns names into
tags with ``tags_for_names``, so ``tag_key`` is the one identity rule.
"""

import re
import unicodedata
from functools import reduce
from operator import or_

from django.db import IntegrityError, transaction
from django.db.models import Q
from taggit.models import Tag

# Commas, the Chinese enumeration comma and semicolons, half- and full-width.
SEPARATORS = re.compile(r"[,，、;；]")


def normalize_tag(name):
    """One spelling per tag: NFKC (full-width ＥＴＦ → ETF), single spaces, trimmed."""
    name = unicodedata.normalize("NFKC", name)
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
    # iexact narrows the candidates in the database; tag_key decides.
    query = reduce(or_, (Q(name__iexact=name) for name in wanted.values()))
    found = {}
    for tag in Tag.objects.filter(query).order_by("pk"):
        found.setdefault(tag_key(tag.name), tag)
    return [found.get(key) or _create_tag(name) for key, name in wanted.items()]


def _create_tag(name):
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        # Created meanwhile by another request under the same name.
        return Tag.objects.get(name=name)


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
