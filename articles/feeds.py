"""RSS 2.0 and Atom feeds: the site, each category, tag and search, the 7×24 flash items.

Items are the newest published articles (the publish gate), with the full body
(sanitized when it was saved) as content, dates in Beijing time (+08:00) and
the article's permanent URL as the guid.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from articles import flash, search
from articles.models import Article, Category
from articles.tag_links import public_tags

FEED_ITEMS = 50


class _BeijingTime:
    """Feed-level dates (lastBuildDate / updated) in Beijing time, like the items'."""

    def latest_post_date(self):
        return timezone.localtime(super().latest_post_date())


# Served as application/xml rather than application/rss+xml or
# application/atom+xml: feed readers take either, and browsers show only an
# XML document as a page (through static/feeds/feed.xsl); the other two they
# show as raw text or download.
FEED_CONTENT_TYPE = "application/xml; charset=utf-8"


class RssWithContent(_BeijingTime, Rss201rev2Feed):
    """RSS 2.0 carrying the full body in <content:encoded>."""

    content_type = FEED_CONTENT_TYPE

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(_BeijingTime, Atom1Feed):
    """Atom carrying the full body in <content type="html">."""

    content_type = FEED_CONTENT_TYPE

    def write(self, outfile, encoding):
        # Atom1Feed.write() leaves out the stylesheets RSS writes: the same
        # document with its <?xml-stylesheet?> before the root element.
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site."""

    feed_type = RssWithContent
    language = "zh-cn"

    def stylesheets(self, obj=None):
        """A feed opened in a browser is shown as a page (static/feeds/feed.xsl)."""
        return [Stylesheet(static("feeds/feed.xsl"), mimetype="text/xsl")]

    def title(self, obj=None):
        return f"{settings.SITE_NAME} · 最新财经新闻"

    def description(self, obj=None):
        return f"{settings.SITE_NAME}的最新财经新闻。"

    subtitle = description

    def link(self, obj=None):
        return obj.get_absolute_url() if obj is not None else reverse("articles:home")

    def filter_articles(self, articles, obj):
        return articles

    def items(self, obj=None):
        articles = Article.objects.published().select_related("category").prefetch_related("tags")
        return self.filter_articles(articles, obj)[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers treat the description as HTML; the summary is plain text.
        return escape(item.summary or item.title)

    def item_extra_kwargs(self, item):
        return {"content": item.body}

    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(max(item.updated_at, item.published_at))

    def item_author_name(self, item):
        return item.source_name or item.category.name

    def item_categories(self, item):
        return [item.category.name, *(tag.name for tag in item.tags.all())]

    # The article URL never changes (its slug is set once), so it is a stable guid.
    item_guid_is_permalink = True


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomWithContent


class CategoryFeed(LatestArticlesFeed):
    """The newest published articles of one category (source publication)."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug.lower())

    def title(self, obj=None):
        return f"{obj.name} · {settings.SITE_NAME}"

    def description(self, obj=None):
        return obj.description or f"{obj.name}的最新财经新闻。"

    subtitle = description

    def filter_articles(self, articles, obj):
        return articles.filter(category=obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = AtomWithContent


class TagFeed(LatestArticlesFeed):
    """The newest published articles with one tag."""

    def get_object(self, request, slug):
        return get_object_or_404(public_tags(), slug=slug)

    def title(self, obj=None):
        return f"标签：{obj.name} · {settings.SITE_NAME}"

    def description(self, obj=None):
        return f"标签“{obj.name}”下的最新财经新闻。"

    subtitle = description

    def link(self, obj=None):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def filter_articles(self, articles, obj):
        return articles.filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = AtomWithContent


class SearchFeed(LatestArticlesFeed):
    """/search/rss/?q=: a keyword alert without an account.

    The newest FEED_ITEMS published articles matching every word of the query,
    newest first: the same cleaning, words and matching as the search page
    (articles/search.py), over no more than its window. A query with no
    searchable word is a 400 with a line saying so, not an empty feed that
    looks as if nothing matched.
    """

    def __call__(self, request, *args, **kwargs):
        query = search.clean_query(request.GET.get("q", ""))
        words = search.query_words(query)
        if not words:
            return HttpResponseBadRequest(
                "搜索订阅需要关键词：请在 q 参数中给出要订阅的词，例如 ?q=银行。\n",
                content_type="text/plain; charset=utf-8",
            )
        return super().__call__(request, *args, query=query, words=words, **kwargs)

    def get_object(self, request, query, words):
        return {"query": query, "words": words}

    def title(self, obj=None):
        return f"搜索：{obj['query']} · {settings.SITE_NAME}"

    def description(self, obj=None):
        return f"{settings.SITE_NAME}中包含“{obj['query']}”的最新财经新闻。"

    subtitle = description

    def link(self, obj=None):
        return f"{reverse('articles:search')}?{urlencode({'q': obj['query']})}"

    def items(self, obj=None):
        articles = Article.objects.published().select_related("category").prefetch_related("tags")
        count = min(FEED_ITEMS, settings.SEARCH_WINDOW)
        return list(search.matching(articles.defer("search_text"), obj["words"], count))


class SearchAtomFeed(SearchFeed):
    feed_type = AtomWithContent


class FlashFeed(LatestArticlesFeed):
    """The newest 7×24 flash items (``?important=1``: important ones only)."""

    def get_object(self, request):
        # The feed's "object" is the one choice it has: all items or important ones.
        return request.GET.get("important") == "1"

    def title(self, obj=None):
        return f"{settings.SITE_NAME} · 7×24 快讯{'（重要）' if obj else ''}"

    def description(self, obj=None):
        return f"{settings.SITE_NAME}的 7×24 小时滚动快讯{'，只含重要消息' if obj else ''}。"

    subtitle = description

    def link(self, obj=None):
        url = reverse("articles:kuaixun")
        return f"{url}?important=1" if obj else url

    def items(self, obj=None):
        items = flash.published_flash(important=bool(obj))
        return items.select_related("category").prefetch_related("tags")[:FEED_ITEMS]

    def item_title(self, item):
        return f"【重要】{item.title}" if item.important else item.title


class FlashAtomFeed(FlashFeed):
    feed_type = AtomWithContent
