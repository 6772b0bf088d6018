"""Permanent redirects from the old Jekyll site's URLs to their new pages.

Resolved by pattern and lookup (the article slug is the upstream id from the
post's file name; old category slugs go through CategoryAlias), so no redirect
row is stored per post. Each answers one 301 straight to the final page.
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from articles.models import Article
from jekyll.models import ImportedPost
from jekyll.parser import ParseError, article_slug, split_file_name


def old_post(request, name, **parts):
    """``/<category>/<yyyy>/<mm>/<dd>/<file-name-slug>.html`` -> the article's page."""
    try:
        _, upstream_id = split_file_name(f"{name}.md")
    except ParseError:
        raise Http404("No such post.") from None
    published = Article.objects.published().only("slug")
    article = published.filter(slug=article_slug(upstream_id)).first()
    if article is None:
        # A post stored as a duplicate, or whose article is known by its source URL.
        article = published.filter(
            pk__in=ImportedPost.objects.filter(upstream_id=upstream_id).values("article_id")
        ).first()
    if article is None:
        # Withdrawn on purpose: say so here (410) rather than redirect to a 410.
        if Article.objects.withdrawn().filter(slug=article_slug(upstream_id)).exists():
            return render(request, "410.html", status=410)
        raise Http404("No such post.")
    return HttpResponsePermanentRedirect(article.get_absolute_url())


def old_category(request, category):
    """``/category/<old slug>.html`` and ``/<old slug>/`` -> the category's page.

    The ``old_category`` converter has already found the category (or not matched).
    """
    return HttpResponsePermanentRedirect(category.get_absolute_url())


def old_feed(request):
    """``/feed.xml`` (the old site's only feed, Atom) -> the new Atom feed; the query is dropped."""
    return HttpResponsePermanentRedirect(reverse("articles:feed_atom"))
