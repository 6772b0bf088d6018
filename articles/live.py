"""Live updates for listing pages: the page's cursor and /api/latest.json.

A listing page carries the publication time of its newest article
(``data-live-since``); static/js/live.js asks the endpoint every
LIVE_POLL_SECONDS whether newer published articles exist and, on the reader's
click, puts them at the top of the list. Without JavaScript nothing changes.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.http import JsonResponse
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from articles.models import Article

# At most this many new articles are sent; beyond it the page is reloaded instead.
LATEST_CAP = 20
SUMMARY_CHARS = 120


def live_list_context(articles, *, page_obj=None, **filters):
    """What a listing page needs for live updates, or None past page 1."""
    if page_obj is not None and page_obj.number > 1:
        return None
    newest = next(iter(articles), None)  # the page's own, already fetched list
    since = newest.published_at if newest is not None else timezone.now()
    query = {key: value for key, value in filters.items() if value}
    url = reverse("articles:latest_json")
    return {
        "url": f"{url}?{urlencode(query)}" if query else url,
        "since": timezone.localtime(since).isoformat(),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
    }


class LatestQuery(forms.Form):
    since = forms.DateTimeField()
    category = forms.SlugField(required=False, max_length=100)
    tag = forms.CharField(
        required=False,
        max_length=100,
        validators=[RegexValidator(r"^[-\w]+\Z", "标签网址别名只能包含文字、数字和连字符。")],
    )

    def clean_since(self):
        since = self.cleaned_data["since"]
        # Outside these years the date arithmetic of some databases overflows.
        if not 1970 <= since.year <= 2100:
            raise forms.ValidationError("since 超出范围。")
        return since

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
        "published_at": timezone.localtime(article.published_at).isoformat(),
        "published_display": timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M"),
        "summary": truncatechars(article.summary, SUMMARY_CHARS),
    }


@require_safe
def latest_json(request):
    """Published articles newer than ``since`` (at most LATEST_CAP), newest first.

    ``since`` is an ISO 8601 time (the page's newest article); ``category`` or
    ``tag`` (a slug) narrows it to one listing. Bad parameters get a 400 with a
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
    articles = articles.filter(published_at__gt=params["since"])
    if params["category"]:
        articles = articles.filter(category__slug=params["category"].lower())
    if params["tag"]:
        articles = articles.filter(tags__slug=params["tag"])
    found = list(articles.order_by("-published_at", "-id")[: LATEST_CAP + 1])
    more = len(found) > LATEST_CAP
    cards = [_card(article) for article in found[:LATEST_CAP]]
    response = JsonResponse(
        {
            "count": len(cards),
            "more": more,
            "newest": cards[0]["published_at"] if cards else None,
            "articles": cards,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=settings.LIVE_CACHE_SECONDS)
    return response
