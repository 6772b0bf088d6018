"""Security tagging cost: one 5,000-character article against 10,000 known securities.

    .venv/bin/python bench/stock_tagging.py [--securities 10000] [--chars 5000] [--runs 500]

Builds the name automaton (stocks/matcher.py) over that many securities, each
with a trusted name of 3-5 characters, then times what linking does for one
article apart from the batch's database writes: the 名称(代码) extraction
(stocks/extract.py) and the name-only matching over the article's text. The
texts hold 20 code mentions and 20 learned names among random news
characters. Also times the article page's body filter (the first mention of
each security linked, stocks/bodylinks.py). Prints the automaton's build time
and the median and 95th percentile in ms. Target (issue 16): tagging under 2 ms.
Not a test: it is run on purpose. No database is used.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "，。、；：“”（）《》%0123456789"
)
NAME_CHARS = "华中国新东方海天科技能源电力宏远恒瑞通达明光泰安康盛鑫隆兴嘉信德润丰"


class FakeSecurity:
    """What matcher.build() reads of a Security row."""

    def __init__(self, pk, code, name):
        self.pk, self.code, self.market, self.name = pk, code, "SZ", name
        self.names = {name: 2}

    def trusted_names(self):
        return {self.name}


def securities(rng, count):
    names, rows = set(), []
    while len(rows) < count:
        name = "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(3, 5)))
        if name not in names:
            names.add(name)
            rows.append(FakeSecurity(len(rows) + 1, f"{len(rows) + 1:06d}", name))
    return rows


def article(rng, rows, length):
    pieces = [f"{s.name}({s.code})" for s in rng.sample(rows, 20)]
    pieces += [s.name for s in rng.sample(rows, 20)]
    filler = length - sum(len(p) for p in pieces)
    chunks = ["".join(rng.choice(CHARS) for _ in range(filler // len(pieces))) for _ in pieces]
    return "".join(chunk + piece for chunk, piece in zip(chunks, pieces, strict=True))


def timed(runs, func):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--securities", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")
    import django

    django.setup()
    from stocks import matcher
    from stocks.bodylinks import link_first_mentions
    from stocks.extract import code_mentions

    rng = random.Random(16)
    rows = securities(rng, args.securities)
    start = time.perf_counter()
    automaton = matcher.build(rows)
    build_ms = (time.perf_counter() - start) * 1000
    texts = [article(rng, rows, args.chars) for _ in range(20)]
    found = [len(code_mentions(t)) + len(matcher.find(automaton, t)) for t in texts]
    cycle = iter(range(10**9))

    def tag():
        text = texts[next(cycle) % len(texts)]
        code_mentions(text)
        matcher.find(automaton, text)

    tag_median, tag_p95 = timed(args.runs, tag)
    bodies = ["".join(f"<p>{t[i : i + 250]}</p>" for i in range(0, len(t), 250)) for t in texts]
    listed = [[{"code": s.code, "text": s.name} for s in rng.sample(rows, 30)] for _ in bodies]

    def link_body():
        n = next(cycle) % len(bodies)
        link_first_mentions(bodies[n], listed[n])

    body_median, body_p95 = timed(args.runs, link_body)
    print(
        f"securities={args.securities} chars={len(texts[0])} runs={args.runs} "
        f"mentions found per article≈{statistics.mean(found):.0f}"
    )
    print(f"automaton build: {build_ms:.0f} ms")
    print(f"tagging one article: median {tag_median:.3f} ms, p95 {tag_p95:.3f} ms (target < 2 ms)")
    print(f"article page body links: median {body_median:.3f} ms, p95 {body_p95:.3f} ms")


if __name__ == "__main__":
    main()
