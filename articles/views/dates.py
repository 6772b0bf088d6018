"""The date archive: one Beijing-time year, month or day."""

from django.utils import timezone
from django.views.generic import ListView

from articles.archive import ArchivePeriod, archive_navigation, navigation_key
from articles.live import live_list_context
from articles.views.base import SeekListMixin, home_crumb


class ArchiveView(SeekListMixin, ListView):
    """Articles published in one Beijing-time year, month or day, newest first."""

    template_name = "articles/archive.html"

    def get_queryset(self):
        # An impossible date (month 13, 30 February) or a future period is 404.
        self.period = ArchivePeriod.from_url(**self.kwargs)
        return (
            super()
            .get_queryset()
            .filter(published_at__gte=self.period.start, published_at__lt=self.period.end)
        )

    def shared_keys(self):
        return [navigation_key(self.period), *super().shared_keys()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            period=self.period, nav=archive_navigation(self.period, self.shared), **kwargs
        )
        context["breadcrumbs"] = [home_crumb(), *self.period.crumbs()]
        if self.period.end > timezone.now():
            # Only a period that is still running can get newer articles.
            context["live"] = live_list_context(
                context["articles"], page_obj=context["page_obj"], start=self.period.start
            )
        return context
