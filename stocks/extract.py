"""Security mentions in news text: ``名称(代码)`` / ``名称（代码）``.

``code_mentions(text)`` finds every name followed by a bracketed code:

- A-shares and exchange funds: 6 digits with a known prefix (60/68 → SH,
  00/30 → SZ, 8/4/92 → BJ, 5x funds → SH, 15/16/18 funds → SZ), optionally
  written ``600519.SH`` or ``SH600519``;
- Hong Kong: 5 digits, or 3 to 5 digits with ``.HK``; stored zero-padded to 5;
- US: a ticker with ``.O``/``.N``/``.US``, ``NASDAQ: X``/``NYSE: X``, or a bare
  upper-case ticker only when the sentence before it says 美股/纳斯达克/纽交所
  (``(GDP)``, ``(HUD)`` and ``(FF)`` stay what they are).

The bracket must hold the code and nothing else, so amounts (``600000元``,
``（600000万元）``), dates (``2022(05)``), years, phone numbers, page numbers
and percentages never match; a code also needs a name before it.

The name is the run of name characters before the bracket, cut after clause
punctuation and after leading noise (verbs, prepositions, 龙头…):
「白酒股龙头贵州茅台(600519)」 → 贵州茅台. What is left can still carry noise
the rules do not know; the Security table keeps every name seen with its
count and shows the shortest one seen at least twice (stocks/models.py).
"""

import re
from dataclasses import dataclass

SH, SZ, BJ, HK, US = "SH", "SZ", "BJ", "HK", "US"

# Name characters: Han, Latin letters, digits, and the marks of ST names.
_NAME_RUN = re.compile(r"[\u3400-\u9fffA-Za-z0-9*·&\-]{1,24}$")
_CODE_IN_BRACKETS = re.compile(
    r"[(（]\s*(?:"
    r"(?P<a>(?:(?:SH|SZ|BJ)\.?)?\d{6}(?:\.(?:SH|SZ|BJ|SS))?)"
    r"|(?P<hk>\d{3,5}\.HK|\d{5})"
    r"|(?P<us>(?:(?:NASDAQ|NYSE|纳斯达克|纽交所)\s*[:：]\s*)?[A-Z]{1,5}(?:\.[A-Z])?(?:\.(?:O|N|OQ|US))?)"
    r")\s*[)）]",
    re.IGNORECASE,
)
_US_EXPLICIT = re.compile(r"^(?:(?:NASDAQ|NYSE|纳斯达克|纽交所)\s*[:：]\s*\S+|.+\.(?:O|N|OQ|US))$")
_US_CUE = re.compile(r"美股|纳斯达克|纳指|纽交所|纽约证券交易所|美国上市|在美上市|中概股")
# How far back (characters) a US cue may stand, within the sentence.
US_CUE_WINDOW = 40
_SENTENCE_END = re.compile(r"[。！？!?\n]")

# Leading noise cut from a name: the text up to and including the last of
# these goes (multi-character words first, so 公司 is not cut at 司).
NOISE_WORDS = (
    "龙头",
    "记者",
    "其中",
    "包括",
    "以及",
    "比如",
    "例如",
    "首予",
    "维持",
    "上调",
    "下调",
    "重申",
    "给予",
    "旗下",
    "表示",
    "宣布",
    "公告",
    "披露",
    "显示",
    "晚间",
    "早间",
    "午间",
    "盘中",
    "龙虎榜",
    "带动下",
    "预计",
    "认为",
    "看好",
    "推荐",
    "关注",
    "今日",
    "昨日",
    "今天",
    "昨天",
    "当日",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
)
NOISE_CHARS = "从为是对与和及、在向把被将给据即如让由称指等了"
_NOISE = re.compile("|".join([*NOISE_WORDS, *NOISE_CHARS]))
# Leading characters a name never starts with (digits of a date, marks).
_LEAD = re.compile(r"^[0-9\-&·]+")


@dataclass(frozen=True)
class Mention:
    code: str
    market: str
    name: str
    start: int  # where the name starts in the text
    end: int  # just after the closing bracket


def a_share_market(code):
    """SH/SZ/BJ for a 6-digit code by its prefix, or None when no market uses it."""
    if code.startswith(("60", "68", "90", "50", "51", "52", "56", "58")):
        return SH
    if code.startswith(("00", "30", "20", "15", "16", "18")):
        return SZ
    if code.startswith(("8", "4", "92")):
        return BJ
    return None


def _classify(match, text):
    """(code, market) for a bracketed code, or None."""
    if match["a"]:
        digits = re.sub(r"\D", "", match["a"])
        market = a_share_market(digits)
        return (digits, market) if market else None
    if match["hk"]:
        digits = match["hk"].upper().removesuffix(".HK")
        return digits.zfill(5), HK
    raw = match["us"].strip()
    if raw != raw.upper():
        return None  # (Tesla) or (fintech): words, not tickers
    ticker = re.sub(r"^.*[:：]\s*", "", raw)
    ticker = re.sub(r"\.(?:O|N|OQ|US)$", "", ticker)
    if _US_EXPLICIT.match(raw):
        return ticker, US
    sentence = text[max(0, match.start() - US_CUE_WINDOW) : match.start()]
    sentence = _SENTENCE_END.split(sentence)[-1]
    return (ticker, US) if _US_CUE.search(sentence) else None


def clean_name(run):
    """The name in the run of name characters before a bracket ("" if none is left)."""
    name = run
    while True:
        cut = None
        for noise in _NOISE.finditer(name):
            rest = len(name) - noise.end()
            # One character may belong to the name (永和智控, 如意集团): cut at one
            # only when a name of three (four at the start) characters is left.
            needed = 2 if len(noise[0]) > 1 else 3 if noise.start() > 0 else 4
            if rest >= needed:
                cut = noise.end()
        if cut is None:
            break
        name = name[cut:]
    name = _LEAD.sub("", name)
    if len(name) < 2 or not re.search(r"[\u3400-\u9fffA-Za-z]", name):
        return ""
    return name


def code_mentions(text):
    """Every ``名称(代码)`` mention in ``text`` (plain text), in order."""
    found = []
    for match in _CODE_IN_BRACKETS.finditer(text):
        classified = _classify(match, text)
        if classified is None:
            continue
        before = _NAME_RUN.search(text, max(0, match.start() - 24), match.start())
        if before is None:
            continue
        name = clean_name(before[0])
        if not name:
            continue
        code, market = classified
        found.append(Mention(code, market, name, match.start() - len(name), match.end()))
    return found
