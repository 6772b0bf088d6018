"""Story matching at ingestion: near-duplicates from several sources become one story.

Called once per ingestion batch, after its new articles are written
(ingest/pipeline.py). Each new article gets a MinHash signature (datasketch)
over character shingles of its normalised title and text, split into LSH
bands; the band keys and two exact keys (normalised title, normalised text
hash) are stored in the database (articles/story.py), so matching survives
restarts and works across processes. A new article is compared with the
stored articles of the last STORY_WINDOW_HOURS sharing a key, and with the
batch's earlier articles. A candidate matches on an exact key, or when the
signatures' Jaccard estimate reaches STORY_THRESHOLD, unless the two name
different security codes (「XX涨超5%」 about two stocks). The article then
joins the candidate's story (a new one when the candidate had none).
Thresholds are settings; docs/KUAIXUN.md has the figures.
"""

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from django.conf import settings
from django.db.models import Case, Value, When
from django.utils.html import strip_tags

from articles.models import Article, Story, StoryFingerprint, StoryKey

# datasketch 2's default permutation family, named so stored signatures stay comparable.
SCHEME = "affine32"
# Shorter normalised titles or texts are too generic to be an exact key.
MIN_TITLE_KEY = 8
MIN_TEXT_KEY = 20
# Characters of the body used when an item has no summary.
BODY_CHARS = 600
# Security codes: 600519, 01797.HK, 0700.HK; at most MAX_CODES kept per item.
MAX_CODES = 16
_CODE = re.compile(r"(?<!\d)(\d{6}|\d{4,5}(?=\.hk))(?!\d)")
# Links (an outlet's own URL) are not part of the news.
_URL = re.compile(r"<?https?://\S+>?")


def normalise(text):
    """NFKC, lower case, letters and digits only (punctuation and spaces dropped)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


@dataclass
class Fingerprint:
    """What an item is matched on."""

    title: str
    text: str
    codes: frozenset

    @classmethod
    def of(cls, title, summary, body=""):
        # The beginning is enough to recognise the news (and bounds the cost).
        text = (summary or strip_tags(body or ""))[:BODY_CHARS]
        raw_title = unicodedata.normalize("NFKC", html.unescape(title or "")).lower()
        raw_text = unicodedata.normalize("NFKC", html.unescape(_URL.sub("", text))).lower()
        # A handful of codes names what the item is about; the cap keeps the stored
        # list within its column whatever a long text holds.
        found = frozenset(sorted(set(_CODE.findall(f"{raw_title} {raw_text}")))[:MAX_CODES])
        return cls(normalise(raw_title), normalise(raw_text), found)

    def signature(self):
        """MinHash hash values (uint64) of the character shingles of title + text."""
        num_perm, size = settings.STORY_NUM_PERM, settings.STORY_SHINGLE
        joined = f"{self.title}|{self.text}"
        shingles = {joined[i : i + size] for i in range(max(1, len(joined) - size + 1))}
        minhash = MinHash(num_perm=num_perm, permutations=_permutations(num_perm), scheme=SCHEME)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        return minhash.hashvalues.astype(np.uint64)

    def keys(self, values):
        """One key per LSH band, plus exact title and text keys when long enough."""
        bands = settings.STORY_BANDS
        rows = len(values) // bands
        found = [
            f"b{i}:{_digest(values[i * rows : (i + 1) * rows].tobytes())}" for i in range(bands)
        ]
        if len(self.title) >= MIN_TITLE_KEY:
            found.append(f"t:{_digest(self.title.encode())}")
        if len(self.text) >= MIN_TEXT_KEY:
            found.append(f"x:{_digest(self.text.encode())}")
        return found


@lru_cache(maxsize=4)
def _permutations(num_perm):
    return MinHash(num_perm=num_perm, seed=1, scheme=SCHEME).permutations


def _digest(data):
    return hashlib.blake2b(data, digest_size=10).hexdigest()


def similarity(a, b):
    """The Jaccard estimate of two signatures: the share of equal hash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def window():
    return timedelta(hours=settings.STORY_WINDOW_HOURS)


@dataclass
class _Entry:
    article_id: int
    published_at: object
    story_id: object
    values: object
    codes: frozenset
    keys: tuple = ()


def is_match(a, b, exact=False):
    """Whether two entries are the same news (``exact``: they share a title or text key)."""
    if abs(a.published_at - b.published_at) > window():
        return False
    if a.codes and b.codes and not a.codes & b.codes:
        return False
    return exact or similarity(a.values, b.values) >= settings.STORY_THRESHOLD


def _stored(all_keys, start, end):
    """Stored articles sharing any of ``all_keys`` in [start, end]: two queries."""
    by_key = {}
    rows = StoryKey.objects.filter(
        key__in=all_keys, published_at__gte=start, published_at__lte=end
    ).values_list("key", "fingerprint_id")
    for key, article_id in rows:
        by_key.setdefault(key, set()).add(article_id)
    ids = {pk for pks in by_key.values() for pk in pks}
    entries = {}
    if ids:
        fields = ("article_id", "published_at", "article__story_id", "signature", "codes")
        for pk, published_at, story_id, raw, codes in StoryFingerprint.objects.filter(
            article_id__in=ids
        ).values_list(*fields):
            values = np.frombuffer(bytes(raw), dtype=np.uint64)
            entries[pk] = _Entry(pk, published_at, story_id, values, frozenset(codes.split()))
    return by_key, entries


def match(entry, by_key, entries):
    """The entry among ``entries`` (found through ``by_key``) most like ``entry``, or None."""
    ids, exact = set(), set()
    for key in entry.keys:
        found = by_key.get(key, ())
        ids.update(found)
        if key[0] in "tx":
            exact.update(found)
    ids.discard(entry.article_id)
    best, best_score = None, -1.0
    for pk in ids:
        candidate = entries.get(pk)
        if candidate is None or not is_match(entry, candidate, pk in exact):
            continue
        score = 1.0 if pk in exact else similarity(entry.values, candidate.values)
        # The earliest of equally good candidates: a story grows around its first item.
        if score > best_score or (
            score == best_score and candidate.published_at < best.published_at
        ):
            best, best_score = candidate, score
    return best


def assign(articles):
    """Fingerprint the batch's new ``articles`` and put each into its story (a few queries)."""
    articles = sorted(
        (a for a in articles if a.pk is not None and a.published_at is not None),
        key=lambda a: (a.published_at, a.pk),
    )
    if not articles:
        return
    entries = []
    for article in articles:
        fingerprint = Fingerprint.of(article.title, article.summary, article.body)
        values = fingerprint.signature()
        entry = _Entry(
            article.pk, article.published_at, article.story_id, values, fingerprint.codes
        )
        entry.keys = tuple(fingerprint.keys(values))
        entries.append(entry)
    all_keys = {key for entry in entries for key in entry.keys}
    by_key, known = _stored(
        all_keys, articles[0].published_at - window(), articles[-1].published_at + window()
    )
    # Article id -> its story: a stored story's id, or a new Story (created below in
    # one INSERT), for every article whose story is set here.
    stories_of = {}
    for entry in entries:
        found = match(entry, by_key, known)
        if found is not None and entry.story_id is None:
            if found.story_id is None:
                found.story_id = stories_of[found.article_id] = Story()
            entry.story_id = stories_of[entry.article_id] = found.story_id
        # Later items of the batch match this one too.
        known[entry.article_id] = entry
        for key in entry.keys:
            by_key.setdefault(key, set()).add(entry.article_id)
    StoryFingerprint.objects.bulk_create(
        [
            StoryFingerprint(
                article_id=e.article_id,
                published_at=e.published_at,
                signature=e.values.tobytes(),
                codes=" ".join(sorted(e.codes)),
            )
            for e in entries
        ],
        ignore_conflicts=True,
    )
    StoryKey.objects.bulk_create(
        [
            StoryKey(fingerprint_id=e.article_id, key=key, published_at=e.published_at)
            for e in entries
            for key in e.keys
        ]
    )
    if not stories_of:
        return
    new = list({id(s): s for s in stories_of.values() if isinstance(s, Story)}.values())
    Story.objects.bulk_create(new)
    ids = {pk: story.pk if isinstance(story, Story) else story for pk, story in stories_of.items()}
    # One UPDATE for the whole batch, however many stories it touches.
    Article.objects.filter(pk__in=ids).update(
        story_id=Case(*(When(pk=pk, then=Value(story)) for pk, story in ids.items()))
    )
    for article in articles:
        if article.pk in ids:
            article.story_id = ids[article.pk]
