"""Cleaning of the short texts readers see as names: titles, tags, categories, sources.

Applied on the models (save, bulk writes, queryset updates), so every writer
gets it: the admin, the importer, an ingestion API.
"""

import re

# Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069):
# invisible, they reorder the text around them, so a headline or tag can show
# something other than what it says ("Trojan Source"). A name has no use for them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text):
    """``text`` without bidi embedding/override/isolate characters; non-strings unchanged."""
    if not isinstance(text, str):
        return text
    return _BIDI_CONTROLS.sub("", text)
