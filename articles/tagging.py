"""How editors type tags: Chinese or Western separators, one tag per name.

Wired in through TAGGIT_TAGS_FROM_STRING / TAGGIT_STRING_FROM_TAGS, so taggit's
form field, and so the admin, parse tags with these functions.
"""

import re
import unicodedata

# Commas, the Chinese enumeration comma and semicolons, half- and full-width.
SEPARATORS = re.compile(r"[,，、;；]")


def normalize_tag(name):
    """One spelling per tag: NFKC (full-width ＥＴＦ → ETF), single spaces, trimmed."""
    name = unicodedata.normalize("NFKC", name)
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
