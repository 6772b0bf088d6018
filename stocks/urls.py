from django.urls import path, re_path, register_converter

from stocks import feeds, views
from stocks.converters import SecurityCodeConverter

register_converter(SecurityCodeConverter, "code")

app_name = "stocks"

urlpatterns = [
    path("stock/<code:code>/", views.SecurityView.as_view(), name="detail"),
    path("stock/<code:code>/rss/", feeds.SecurityFeed(), name="feed_rss"),
    path("stock/<code:code>/atom/", feeds.SecurityAtomFeed(), name="feed_atom"),
    # Hong Kong codes as often written, without their leading zeros (9869 for 09869).
    re_path(r"^stock/(?P<code>[0-9]{1,4})/$", views.short_hong_kong_code),
]
