from django.conf import settings

from articles import timefmt


def site_description():
    """The site's one-line description (meta description, social cards)."""
    return f"{settings.SITE_NAME}：财经新闻，按来源、标签和日期浏览。"


def site(request):
    """Values every page template uses."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": site_description(),
        # Beijing-time today, for the date-archive links in the navigation.
        "TODAY": timefmt.beijing_today(),
    }
