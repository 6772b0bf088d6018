from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from articles import feeds, live, sitemaps, views
from articles.converters import TwoDigitConverter, UnicodeSlugConverter, YearConverter

register_converter(UnicodeSlugConverter, "uslug")
register_converter(YearConverter, "yyyy")
register_converter(TwoDigitConverter, "dd")

app_name = "articles"

urlpatterns = [
    # The pages a crawler walks most, first: Django tries the patterns in order
    # (none of these overlaps another pattern of the site).
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("", views.HomeView.as_view(), name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("kuaixun/", views.KuaixunView.as_view(), name="kuaixun"),
    path("kuaixun/rss/", feeds.FlashFeed(), name="kuaixun_rss"),
    path("kuaixun/atom/", feeds.FlashAtomFeed(), name="kuaixun_atom"),
    path("sidebar/", views.SidebarView.as_view(), name="sidebar"),
    path("category/", views.CategoryIndexView.as_view(), name="category_index"),
    # Search, feeds, sitemaps
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/rss/", feeds.SearchFeed(), name="search_feed_rss"),
    path("search/atom/", feeds.SearchAtomFeed(), name="search_feed_atom"),
    path("feeds/", views.FeedsView.as_view(), name="feeds"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("category/<slug:slug>/rss/", feeds.CategoryFeed(), name="category_feed_rss"),
    path("category/<slug:slug>/atom/", feeds.CategoryAtomFeed(), name="category_feed_atom"),
    path("tag/<uslug:slug>/rss/", feeds.TagFeed(), name="tag_feed_rss"),
    path("tag/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {
            "sitemaps": sitemaps.INDEX,
            "template_name": "sitemaps/index.xml",
            "sitemap_url_name": "articles:sitemap_section",
        },
        name="sitemap_index",
    ),
    # Listed in the index as the "news" section; matched before the generic sections.
    path("sitemap-news.xml", views.news_sitemap, name="sitemap_news"),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SECTIONS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("archive/<yyyy:year>/", views.ArchiveView.as_view(), name="archive_year"),
    path("archive/<yyyy:year>/<dd:month>/", views.ArchiveView.as_view(), name="archive_month"),
    path(
        "archive/<yyyy:year>/<dd:month>/<dd:day>/",
        views.ArchiveView.as_view(),
        name="archive_day",
    ),
    path("api/latest.json", live.latest_json, name="latest_json"),
]
