"""Log formatting for ops: every record carries the current request id.

``RequestIdFilter`` (on the handler) stamps each record with the id of the
request being served, so the traceback Django logs for a failing request can be
matched with that request's access line. ``PlainFormatter`` (the default) keeps
one record on one line: a path such as ``/news/x%0A<fake line>`` cannot forge a
second one. ``JsonFormatter`` writes one JSON object per line (LOG_FORMAT=json)
for log shippers.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("finews_request_id", default="-")

# Fields of a LogRecord that are not worth repeating in the JSON object.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


# Control characters, line and paragraph separators, and bidi controls (which
# reorder what a terminal shows): written as escapes, never as themselves.
_UNSAFE_IN_LOG = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match):
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_for_log(text):
    """``text`` with control, line-breaking and bidi characters written as escapes (``\\n``)."""
    return _UNSAFE_IN_LOG.sub(_escape_char, text)


class PlainFormatter(logging.Formatter):
    """The plain text format, one line per record (a traceback follows on lines of its own)."""

    def formatMessage(self, record):
        return escape_for_log(super().formatMessage(record))


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_") and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
