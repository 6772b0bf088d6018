"""The public pages, one module per feature; ``articles/urls.py`` routes to these names."""

from articles.views.dates import ArchiveView
from articles.views.detail import ArticleDetailView
from articles.views.kuaixun import KuaixunView
from articles.views.latest import LatestView, SidebarView
from articles.views.lists import CategoryIndexView, CategoryView, HomeView, TagView
from articles.views.pages import AboutView, FeedsView
from articles.views.search_page import SearchView
from articles.views.seo import news_sitemap, robots_txt

__all__ = [
    "AboutView",
    "ArchiveView",
    "ArticleDetailView",
    "CategoryIndexView",
    "CategoryView",
    "FeedsView",
    "HomeView",
    "KuaixunView",
    "LatestView",
    "SearchView",
    "SidebarView",
    "TagView",
    "news_sitemap",
    "robots_txt",
]
