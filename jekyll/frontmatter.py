"""Front matter of the old archive's files: split it off, read it as safe YAML, read its dates.

Shared by posts (``jekyll.parser``) and category pages (``jekyll.categories``).
Front matter is data from a crawler, so it is read defensively: bounded in
length, and without YAML anchors or aliases (a few lines of aliases expand to
gigabytes: the "billion laughs").
"""

import re
from datetime import UTC, timedelta, timezone

import yaml

from jekyll.errors import ParseError
from jekyll.filenames import BEIJING, make_date

# The archive's front matter is a few hundred characters; fifty long tags fit in this.
FRONT_MATTER_MAX_CHARS = 20_000


class FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that keeps dates as text: the archive's ``+0800`` offsets are not YAML's."""


FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_date(value):
    """An aware datetime from a front-matter date, or None; no offset means Beijing time."""
    if value is None:
        return None
    match = _DATE_RE.match(str(value).strip())
    if not match:
        return None
    y, m, d, hh, mm, ss, offset = match.groups()
    tz = BEIJING
    if offset == "Z":
        tz = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes > 14 * 60:
            return None
        tz = timezone(sign * timedelta(minutes=minutes))
    return make_date(y, m, d, hh or 0, mm or 0, ss or 0, tz)


def split_front_matter(text):
    """``(front matter, rest)`` of a file's text (line ends already ``\\n``), or ParseError."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ParseError("no front matter (the file must start with a --- line)")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    raise ParseError("front matter is not closed by a --- line")


def _refuse_anchors(source):
    """ParseError when the YAML uses anchors or aliases (scanned only if it could)."""
    if "&" not in source and "*" not in source:
        return  # no anchor (&name) and no alias (*name) can be written without these
    for event in yaml.parse(source, Loader=FrontMatterLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ParseError("front matter uses YAML anchors or aliases (&name, *name)")


def load_front_matter(source):
    """The front matter as a dict, or ParseError saying why it cannot be read."""
    if len(source) > FRONT_MATTER_MAX_CHARS:
        raise ParseError(
            f"front matter is too long ({len(source)} characters, at most {FRONT_MATTER_MAX_CHARS})"
        )
    try:
        _refuse_anchors(source)
        data = yaml.load(source, Loader=FrontMatterLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "unreadable"
        mark = getattr(error, "problem_mark", None)
        where = f" on front-matter line {mark.line + 1}" if mark else ""
        raise ParseError(f"front matter is not valid YAML: {problem}{where}") from None
    except RecursionError:
        raise ParseError("front matter is nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParseError("front matter is not a set of key: value lines")
    return data


def as_strings(value):
    """A front-matter value (one item or a list) as a list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    value = str(value).strip()
    return [value] if value else []
