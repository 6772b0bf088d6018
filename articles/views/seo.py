"""For search engines: the Google News sitemap and robots.txt."""

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import sitemaps


def news_sitemap(request):
    """The Google News sitemap: its own template, with the publication name and language."""
    sitemap = sitemaps.NewsSitemap()
    urls = sitemap.get_urls(site=get_current_site(request), protocol=request.scheme)
    response = TemplateResponse(
        request,
        "sitemaps/news.xml",
        {"urlset": urls, "publication_name": sitemap.publication_name()},
        content_type="application/xml",
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def robots_txt(request):
    """Crawlers: everything but the admin and search results; the sitemap index, absolute."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        f"Disallow: {reverse('articles:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
