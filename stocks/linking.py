"""Link articles to the securities they mention, a batch at a time, in a fixed number of queries.

``link_articles(articles)`` is called by the ingestion pipeline after a
batch's article rows are written (ingest/pipeline.py) and by
``manage.py link_securities`` over the archive. For the batch it:

1. finds the ``名称(代码)`` mentions in each article's title and body
   (stocks/extract.py) and learns them: new securities are created, each
   article's sightings of a name are added to ``Security.names`` (replacing
   what the same article added before, so linking twice changes nothing);
2. finds the trusted names of known securities without their code
   (stocks/matcher.py);
3. replaces the article's links (ArticleSecurity) and the list the article
   page shows (``Article.securities``).

Queries: links and securities read (2), new securities written (1), names
updated (1), stale links deleted, new ones written, changed ones updated
(1 each), articles' lists written (1); the automaton's rebuild (1) only when
the trusted names changed.
"""

from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from articles.textclean import html_text
from stocks import matcher
from stocks.extract import code_mentions
from stocks.models import ArticleSecurity, Security, best_name

# What an article page lists at most (a market wrap naming 80 stocks lists the first 30).
MAX_LISTED = 30


def article_text(article):
    """Title and body of ``article`` as plain text (the summary when there is no body).

    Summaries are mostly the body's first paragraph: read twice, every name in
    it would count two sightings.
    """
    body = html_text(article.body or "") or article.summary or ""
    return f"{article.title or ''}\n{body}"


def link_articles(articles, *, existing=None):
    """Find, learn and link the securities of saved ``articles``; returns the number of links.

    ``existing``: the ones among them that may have links already (all when
    None); new articles have none to read.
    """
    articles = [article for article in articles if article.pk is not None]
    if not articles:
        return 0
    texts = {article.pk: article_text(article) for article in articles}
    mentions = {pk: code_mentions(text) for pk, text in texts.items()}
    # The names version is read before this batch's learning is written: the
    # automaton never holds a row a rolled-back batch made.
    automaton = matcher.current()
    may_have_links = list(texts) if existing is None else [a.pk for a in existing]
    old_links = {}
    if may_have_links:
        old_links = {
            (link.article_id, link.security_id): link
            for link in ArticleSecurity.objects.filter(article_id__in=may_have_links)
        }
    securities = _learn(mentions, old_links)
    wanted = {}  # (article pk, security pk) -> link
    listed = {}
    for pk, text in texts.items():
        entries = {}
        sightings = {}
        for mention in mentions[pk]:
            security = securities[mention.code]
            sightings.setdefault(security.pk, Counter())[mention.name] += 1
            # The body link goes on the name as shown when the sighting ends with it
            # (「升颐海国际」 in a title, 「颐海国际」 in the body).
            written = security.name if mention.name.endswith(security.name) else mention.name
            entries.setdefault(
                security.pk,
                (mention.start, security.code, security.market, security.name, written),
            )
        for start, name, sec_pk, code, market, shown in matcher.find(automaton, text):
            entries.setdefault(sec_pk, (start, code, market, shown, name))
        for sec_pk in entries:
            names = dict(sightings.get(sec_pk, {}))
            wanted[(pk, sec_pk)] = ArticleSecurity(
                article_id=pk, security_id=sec_pk, with_code=bool(names), names=names
            )
        listed[pk] = [
            {"code": code, "market": market, "name": shown, "text": text_name}
            for _, code, market, shown, text_name in sorted(entries.values())[:MAX_LISTED]
        ]
    _write_links(old_links, wanted)
    changed = [article for article in articles if article.securities != listed[article.pk]]
    for article in changed:
        article.securities = listed[article.pk]
    if changed:
        Article.objects.bulk_update(changed, ["securities"])
    return len(wanted)


def _learn(mentions, old_links):
    """``{code: Security}`` for every code mentioned, created or with its names updated."""
    markets = {m.code: m.market for found in mentions.values() for m in found}
    # Securities this batch's articles named before: their share of names is taken back.
    named_before = {sec_pk for (_, sec_pk), link in old_links.items() if link.names}
    if not markets and not named_before:
        return {}
    securities = {
        s.code: s
        for s in Security.objects.filter(Q(code__in=list(markets)) | Q(pk__in=named_before))
    }
    new = [
        Security(code=code, market=market, names={})
        for code, market in markets.items()
        if code not in securities
    ]
    delta = {}  # security code -> {name: change in sightings}
    for found in mentions.values():
        for mention in found:
            delta.setdefault(mention.code, Counter())[mention.name] += 1
    by_pk = {s.pk: s for s in securities.values()}
    for (article_pk, sec_pk), link in old_links.items():
        if sec_pk in by_pk and article_pk in mentions:
            for name, count in (link.names or {}).items():
                delta.setdefault(by_pk[sec_pk].code, Counter())[name] -= count
    changed, trusted_changed, now = [], False, timezone.now()
    for security in [*securities.values(), *new]:
        names = Counter(security.names or {})
        before = security.trusted_names() if security.pk else set()
        for name, change in delta.get(security.code, {}).items():
            names[name] += change
        names = {name: count for name, count in names.items() if count > 0}
        if names != (security.names or {}) or not security.pk:
            security.names = names
            security.name = best_name(names) or security.name or security.code
            if security.pk:
                security.updated_at = now
                changed.append(security)
            trusted_changed |= security.trusted_names() != before
    if new:
        Security.objects.bulk_create(new)
        if any(s.pk is None for s in new):  # backends that return no ids
            ids = dict(
                Security.objects.filter(code__in=[s.code for s in new]).values_list("code", "pk")
            )
            for security in new:
                security.pk = ids[security.code]
    if changed:
        Security.objects.bulk_update(changed, ["names", "name", "updated_at"])
    if trusted_changed:
        # Now (this process, and a rollback leaves it harmless: the automaton is
        # rebuilt from what is committed) and at commit (a process that rebuilt
        # in between has not seen these rows yet).
        matcher.bump()
        transaction.on_commit(matcher.bump)
    return {s.code: s for s in [*securities.values(), *new]}


def _write_links(old_links, wanted):
    stale = set(old_links) - set(wanted)
    if stale:
        condition = Q()
        for article_pk, sec_pk in stale:
            condition |= Q(article_id=article_pk, security_id=sec_pk)
        ArticleSecurity.objects.filter(condition).delete()
    new = [link for key, link in wanted.items() if key not in old_links]
    if new:
        ArticleSecurity.objects.bulk_create(new)
    changed = []
    for key, link in wanted.items():
        old = old_links.get(key)
        if old is not None and (old.with_code, old.names) != (link.with_code, link.names):
            old.with_code, old.names = link.with_code, link.names
            changed.append(old)
    if changed:
        ArticleSecurity.objects.bulk_update(changed, ["with_code", "names"])
