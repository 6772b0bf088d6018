"""Issue 13: the importer fed random and hostile archives (hypothesis).

Each example is a small archive of good posts and hostile ones (random YAML
front matter of any shape, random text, random bytes, known attacks). The
import must never show a traceback; every good post is stored; every other
file is either stored or named in the report. Bounded for CI: few examples,
derandomized (the same examples every run), no example database.
"""

import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from jekyll.models import ImportedPost
from tests.jekyll.helpers import Archive, run_import

pytestmark = pytest.mark.django_db

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
WORD = st.text(
    alphabet=st.one_of(CJK, st.sampled_from("ABCXYZabcxyz0123456789")), min_size=1, max_size=20
)
BODY_PIECES = st.sampled_from(
    [
        "央行今日开展逆回购操作。",
        "\n\n",
        "**粗体**",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[链接](javascript:alert(1))",
        "---",
        "{{ site.title }}",
        "{% include x.html %}",
        "\t缩进",
        "长" * 200,
    ]
)


@st.composite
def good_post(draw, n):
    title = f"好稿{n}号" + draw(WORD)
    tags = draw(st.lists(WORD, min_size=1, max_size=4, unique=True))
    date = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2024, 12, 31)))
    body = "".join(draw(st.lists(st.one_of(BODY_PIECES, WORD), min_size=1, max_size=8)))
    front = {
        "layout": "post",
        "title": title,
        "date": date.strftime("%Y-%m-%d %H:%M:%S"),
        "categories": draw(st.sampled_from(["emnews", "hgjj", "gsxw"])),
        "tags": " ".join(tags),
    }
    text = f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n\n{body}"
    text += f"\n\n<http://finance.eastmoney.com/news/1,9{n:017d}.html>"
    return title, text


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.text(max_size=400).map(lambda s: s * 2),
    st.datetimes(),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["title", "date", "categories", "category", "tags", "source", "layout", "permalink", "id"]
)
ATTACKS = st.sampled_from(
    [
        "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\ntitle: *c",
        "title: !!python/object/apply:os.system ['true']",
        "date: 9999-12-31 23:00 -05:00",
        "date: 0001-01-01 +08:00",
        "categories: " + "类" * 300,
        "tags: " + " ".join(f"标签{i}" for i in range(80)),
        "title: " + "\u202e反转" + "\x00",
        "title: [1, 2, {a: b}]",
        "<<: {title: 合并}",
        "%YAML 1.1",
        "title: '未闭合",
        "? [复杂, 键]\n: 值",
        "date: 1e999",
    ]
)


@st.composite
def hostile_file(draw):
    kind = draw(st.sampled_from(["fields", "attack", "text", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        return draw(st.text(max_size=300))
    if kind == "attack":
        front = draw(ATTACKS)
    else:
        fields = draw(st.dictionaries(FIELDS, VALUES, max_size=6))
        front = yaml.safe_dump(fields, allow_unicode=True, default_flow_style=None)
    body = draw(st.one_of(st.text(max_size=200), BODY_PIECES))
    return f"---\n{front}\n---\n{body}"


@st.composite
def archives(draw):
    goods = [draw(good_post(n)) for n in range(draw(st.integers(0, 3)))]
    hostiles = draw(st.lists(hostile_file(), min_size=1, max_size=4))
    return goods, hostiles


def _stored(name):
    return ImportedPost.objects.filter(path__endswith=name, article__isnull=False).exists()


def test_random_and_hostile_posts_are_stored_or_reported():
    """No traceback; every good post stored; every other file stored or reported by name."""
    seen = {"good": 0, "hostile stored": 0, "hostile reported": 0}

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(archives())
    def check(example):
        goods, hostiles = example
        with tempfile.TemporaryDirectory() as folder, transaction.atomic():
            archive = Archive(Path(folder) / "site")
            good_names = [
                archive.write(f"2021-12-08-9{n:017d}.md", text).name
                for n, (_, text) in enumerate(goods)
            ]
            hostile_names = [
                archive.write(f"2021-12-09-7{n:017d}.md", content).name
                for n, content in enumerate(hostiles)
            ]

            out, err, code = run_import(archive.root)

            report = out + err
            assert "Traceback" not in report
            assert code in (0, 1), report
            for (title, _), name in zip(goods, good_names, strict=True):
                assert Article.objects.filter(title=title).exists(), (name, report)
                assert _stored(name), (name, report)
                seen["good"] += 1
            for name in hostile_names:
                if _stored(name):
                    seen["hostile stored"] += 1
                else:
                    assert name in report, (name, report)
                    seen["hostile reported"] += 1
            transaction.set_rollback(True)

    check()
    # The examples reached every outcome.
    assert all(seen.values()), seen
