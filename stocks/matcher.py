"""Finding securities by learned name alone: one Aho-Corasick automaton per process.

The automaton holds every trusted name (seen with its code at least twice,
stocks/models.py) that is not a common word: three characters or more, or a
shorter name not in STOP_NAMES; Latin-only names need four letters and whole
words. It is built once per process and rebuilt when the names version in the
cache changes; whatever changes the trusted names (the linking step, a saved
or deleted Security) bumps that version.
"""

import re
import secrets
import threading

import ahocorasick
from django.core.cache import cache

VERSION_KEY = "finews:stocks:names-version"
# Two-character short names that are also everyday words in financial news.
STOP_NAMES = frozenset(
    [
        "中国",
        "国际",
        "科技",
        "集团",
        "控股",
        "股份",
        "银行",
        "证券",
        "能源",
        "电力",
        "太阳",
        "长城",
        "光明",
        "东方",
        "方正",
        "老板",
        "美的",
        "平安",
        "华夏",
        "人民",
        "发展",
        "世纪",
        "动力",
        "环球",
        "创新",
        "先锋",
        "中信",
        "招商",
        "国信",
        "长江",
        "西部",
        "东北",
        "南方",
        "北方",
        "中原",
        "华安",
        "国元",
        "天山",
        "黄河",
        "大众",
        "建设",
        "工商",
        "农业",
        "交通",
        "民生",
        "兴业",
        "浦发",
        "成都",
        "重庆",
        "上海",
        "北京",
        "深圳",
        "海南",
        "安徽",
        "四川",
        "江苏",
        "浙江",
        "湖南",
        "信息",
        "数据",
        "智能",
        "医药",
        "汽车",
        "地产",
        "航空",
        "物流",
        "传媒",
    ]
)
# Exchanges that are also listed companies: far more often the venue (「在港交所公告」)
# than the stock, so they are linked only where their code stands.
VENUE_NAMES = frozenset(["港交所", "香港交易所", "上交所", "深交所", "纳斯达克", "纽交所"])
MIN_LATIN = 4
_LATIN = re.compile(r"^[A-Za-z0-9 .&\-]+$")

_lock = threading.Lock()
_state = {"version": None, "automaton": None}


def bump():
    """Mark the trusted names changed: every process rebuilds its automaton on next use."""
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def matchable(name):
    """True when ``name`` may be matched in text without its code."""
    if name in VENUE_NAMES:
        return False
    if _LATIN.match(name):
        return len(name) >= MIN_LATIN
    return len(name) >= 3 or (len(name) == 2 and name not in STOP_NAMES)


def build(securities):
    """An automaton over the matchable trusted names of ``securities`` (or None if there are none).

    Each name maps to ``(name, pk, code, market, display name)``; a name two
    securities share is ambiguous and left out.
    """
    owners = {}
    for security in securities:
        for name in security.trusted_names():
            if matchable(name):
                owners.setdefault(name, set()).add(security)
    automaton = ahocorasick.Automaton()
    for name, holders in owners.items():
        if len(holders) == 1:
            (security,) = holders
            automaton.add_word(
                name, (name, security.pk, security.code, security.market, security.name)
            )
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def current():
    """The automaton for the current names version (one cache read; a rebuild when it changed)."""
    from stocks.models import Security

    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY)
    if _state["version"] == version and version is not None:
        return _state["automaton"]
    with _lock:
        automaton = build(Security.objects.only("pk", "code", "market", "name", "names"))
        _state.update(version=version, automaton=automaton)
    return automaton


def find(automaton, text):
    """``[(start, name, pk, code, market, display name)]``: longest matches, left to right."""
    if automaton is None or not text:
        return []
    found = []
    for end, value in automaton.iter_long(text):
        start = end - len(value[0]) + 1
        if _LATIN.match(value[0]) and (
            (start > 0 and text[start - 1].isalnum() and text[start - 1].isascii())
            or (end + 1 < len(text) and text[end + 1].isalnum() and text[end + 1].isascii())
        ):
            continue  # part of a longer Latin word
        found.append((start, *value))
    return found
