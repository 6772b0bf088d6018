from django.urls import path, register_converter

from stocks import feeds, views
from stocks.converters import SecurityCodeConverter

register_converter(SecurityCodeConverter, "code")

app_name = "stocks"

urlpatterns = [
    path("stock/<code:code>/", views.SecurityView.as_view(), name="detail"),
    path("stock/<code:code>/rss/", feeds.SecurityFeed(), name="feed_rss"),
    path("stock/<code:code>/atom/", feeds.SecurityAtomFeed(), name="feed_atom"),
]
