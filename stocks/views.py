"""/stock/<code>/: one security's news, newest first, seek-paginated like /latest/."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView

from articles.metadata import Crumb
from articles.story_lists import fold_stories
from articles.views.base import SeekListMixin, home_crumb
from stocks.models import Security


def quote_url(security):
    """The external quote page for ``security`` (STOCK_QUOTE_URLS per market), or ""."""
    pattern = settings.STOCK_QUOTE_URLS.get(security.market, "")
    return pattern.format(code=security.code, market=security.market.lower()) if pattern else ""


def short_hong_kong_code(request, code):
    """/stock/9869/ -> /stock/09869/: a Hong Kong code without its leading zeros."""
    return redirect("stocks:detail", code=code.zfill(5), permanent=True)


class SecurityView(SeekListMixin, ListView):
    template_name = "stocks/security_detail.html"

    def get_queryset(self):
        # Only a code seen in the news has a page; A-shares by 6 digits, Hong Kong
        # by 5 (zero-padded), US by ticker.
        self.security = get_object_or_404(Security, code=self.kwargs["code"])
        return super().get_queryset()

    def get_seek_where(self):
        # In the paginator's own filter() call: one join with the links, seek included.
        return self.security_condition()

    def security_condition(self):
        return Q(security_links__security=self.security)

    def get_count_queryset(self, queryset):
        return queryset.filter(self.security_condition())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(security=self.security, **kwargs)
        context["breadcrumbs"] = [
            home_crumb(),
            Crumb(str(self.security), self.security.get_absolute_url()),
        ]
        context["quote_url"] = quote_url(self.security)
        context["articles"] = fold_stories(context["articles"])
        return context
