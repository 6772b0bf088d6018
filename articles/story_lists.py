"""Stories in listings and on article pages: one story shown once, under its lead.

A story's lead is its earliest *published* member (the publish gate), so a
draft, scheduled or withdrawn member is never a lead and never counted in
"另有 N 家来源". One query per page, and only when the page shows a story.
"""

from django.utils import timezone

from articles.models import Article
from articles.prepared import PreparedQuery

MEMBER_FIELDS = (
    "slug",
    "title",
    "published_at",
    "source_name",
    "story_id",
    "category__name",
    "category__slug",
)


def _published_members(now=None):
    """Published story members as pages show them, earliest first."""
    return (
        Article.objects.published(now=now)
        .select_related("category")
        .only(*MEMBER_FIELDS)
        .order_by("published_at", "id")
    )


def published_members(story_ids):
    """{story id: its published members, earliest first} (one query)."""
    groups = {}
    for member in _published_members().filter(story_id__in=story_ids):
        groups.setdefault(member.story_id, []).append(member)
    return groups


def fold_stories(articles):
    """``articles`` with each story once, at its lead; the lead gets ``story_others``.

    A member that is not its story's lead is left out (it is listed under the
    lead, wherever the lead is in the list).
    """
    articles = list(articles)
    story_ids = {a.story_id for a in articles if a.story_id}
    groups = published_members(story_ids) if story_ids else {}
    shown = []
    for article in articles:
        group = groups.get(article.story_id, [])
        if group and group[0].pk != article.pk:
            continue
        article.story_others = group[1:]
        shown.append(article)
    return shown


def _members_of(story, now):
    return _published_members(now).filter(story_id=story)


# Built once per process (articles/prepared.py): an article page in a story runs its SQL.
MEMBERS_OF = PreparedQuery(
    _members_of,
    plan_once=True,
    story=Article._meta.get_field("story"),
    now=Article._meta.get_field("published_at"),
)


def story_siblings(article, now=None):
    """The other published members of ``article``'s story, earliest first (one query)."""
    if not article.story_id:
        return []
    group = MEMBERS_OF.run(story=article.story_id, now=now or timezone.now())
    return [member for member in group if member.pk != article.pk]
