"""The old Jekyll site's URLs. Included last in finews/urls.py: only what nothing else matches."""

from django.urls import path, re_path, register_converter

from jekyll import views
from jekyll.converters import OldCategoryConverter

register_converter(OldCategoryConverter, "old_category")

app_name = "jekyll"

urlpatterns = [
    path("feed.xml", views.old_feed, name="feed"),
    # Jekyll's default permalink: /:categories/:year/:month/:day/:title.html
    re_path(
        r"^(?P<category>.+)/(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<name>[^/]+)\.html$",
        views.old_post,
        name="post",
    ),
    path("category/<old_category:category>.html", views.old_category, name="category_page"),
    # Older back links: /emnews/, /dazhongzhengquanbao/ ...
    path("<old_category:category>/", views.old_category, name="category"),
]
