"""Live updates for listing pages: the page's cursor and /api/latest.json.

A listing page carries a cursor: the publication time of its newest article
(``since``) and the highest article id it shows (``after_id``).
static/js/live.js asks the endpoint every LIVE_POLL_SECONDS whether articles
the page does not have yet exist and, on the reader's click, puts them at the
top of the list. Without JavaScript nothing changes.

Both halves of the cursor are needed: a scheduled article becomes visible
with a publication time after ``since`` but may have an old id, while an
article the importer adds now may carry its source's earlier publication time
but has a new id.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from articles import timefmt
from articles.models import Article
from articles.slug_urls import cached_reverse
from articles.templating import truncatechars
from articles.timefmt import clock_time, list_time

# At most this many new articles are sent; beyond it the page is reloaded instead.
LATEST_CAP = 20
SUMMARY_CHARS = 120


def live_list_context(articles, *, page_obj=None, start=None, **filters):
    """What a listing page needs for live updates, or None past page 1.

    ``articles`` is the page's own, already fetched list; ``start`` bounds a
    date archive (nothing published before it belongs there).
    """
    if page_obj is not None and page_obj.number > 1:
        return None
    articles = list(articles)
    since = articles[0].published_at if articles else timezone.now()
    query = {key: value for key, value in filters.items() if value}
    if start is not None:
        query["start"] = timefmt.beijing(start).isoformat()
    url = cached_reverse("articles:latest_json")
    return {
        "url": f"{url}?{urlencode(query)}" if query else url,
        "since": timefmt.beijing(since).isoformat(),
        "after_id": max((article.pk for article in articles), default=0),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
    }


def _within_years(moment):
    # Outside these years the date arithmetic of some databases overflows.
    if moment is not None and not 1970 <= moment.year <= 2100:
        raise forms.ValidationError("时间超出范围。")
    return moment


class LatestQuery(forms.Form):
    since = forms.DateTimeField()
    after_id = forms.IntegerField(required=False, min_value=0, max_value=2**62)
    start = forms.DateTimeField(required=False)
    category = forms.SlugField(required=False, max_length=100)
    tag = forms.CharField(
        required=False,
        max_length=100,
        validators=[RegexValidator(r"^[-\w]+\Z", "标签网址别名只能包含文字、数字和连字符。")],
    )
    # The 7×24 timeline asks for flash items only (and, with important=1, important ones).
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Article.Kind.choices])
    important = forms.ChoiceField(required=False, choices=[("", ""), ("0", "0"), ("1", "1")])

    def clean_since(self):
        return _within_years(self.cleaned_data["since"])

    def clean_start(self):
        return _within_years(self.cleaned_data["start"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") and cleaned.get("tag"):
            raise forms.ValidationError("category 和 tag 只能选一个。")
        return cleaned


def _card(article):
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_absolute_url(),
        "category": {
            "name": article.category.name,
            "url": article.category.get_absolute_url(),
        },
        "published_at": timefmt.beijing(article.published_at).isoformat(),
        "published_display": list_time(article.published_at),
        "summary": truncatechars(article.summary, SUMMARY_CHARS),
        # What a 7×24 timeline item shows besides the above.
        "important": article.important,
        "source": article.source_name or article.category.name,
        "clock": clock_time(article.published_at),
        "day": timefmt.beijing(article.published_at).date().isoformat(),
    }


@require_safe
def latest_json(request):
    """Published articles a page does not have yet (at most LATEST_CAP), newest first.

    That is: published after ``since`` (an ISO 8601 time) or, given
    ``after_id``, with a higher id. ``category`` or ``tag`` (a slug) narrows
    it to one listing, ``start`` to a date archive, ``kind=flash`` (and
    ``important=1``) to the 7×24 timeline. Bad parameters get a 400 with a
    JSON error, never a 500. One query. Readers of one page version poll the
    same URL, so a short public cache (LIVE_CACHE_SECONDS) spares the database.
    """
    query = LatestQuery(request.GET)
    if not query.is_valid():
        response = JsonResponse(
            {"error": "bad request", "fields": query.errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
        patch_cache_control(response, no_store=True)
        return response
    params = query.cleaned_data
    articles = Article.objects.published().select_related("category")
    newer = Q(published_at__gt=params["since"])
    if params["after_id"] is not None:
        newer |= Q(pk__gt=params["after_id"])
    articles = articles.filter(newer)
    if params["start"]:
        articles = articles.filter(published_at__gte=params["start"])
    if params["category"]:
        articles = articles.filter(category__slug=params["category"].lower())
    if params["tag"]:
        articles = articles.filter(tags__slug=params["tag"])
    if params["kind"]:
        articles = articles.filter(kind=params["kind"])
    if params["important"] == "1":
        articles = articles.filter(important=True)
    found = list(articles.order_by("-published_at", "-id")[: LATEST_CAP + 1])
    more = len(found) > LATEST_CAP
    found = found[:LATEST_CAP]
    # The page's cursor once it holds these articles.
    since = max([params["since"], *(article.published_at for article in found)])
    after_id = max([params["after_id"] or 0, *(article.pk for article in found)])
    response = JsonResponse(
        {
            "count": len(found),
            "more": more,
            "cursor": {"since": timefmt.beijing(since).isoformat(), "after_id": after_id},
            "articles": [_card(article) for article in found],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=settings.LIVE_CACHE_SECONDS)
    return response
