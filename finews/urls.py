from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ingest.api import api as ingest_api

admin.site.site_header = f"{settings.SITE_NAME} 编辑后台"
admin.site.site_title = f"{settings.SITE_NAME} 编辑后台"
admin.site.index_title = "内容管理"
# The list pages need the width for headlines; the index page links every model.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    # The reader pages first: Django tries the patterns in order, and these are
    # most requests (no pattern below overlaps one of them).
    path("", include("articles.urls")),
    path("", include("ops.urls")),
    path("", include("sources.urls")),
    path("", include("hot.urls")),
    # The push API for crawlers, its OpenAPI description and docs page.
    path("api/v1/", ingest_api.urls),
    path("", include("stocks.urls")),
    # Old Jekyll URLs (permanent redirects); last, so they never shadow a real page.
    path("", include("jekyll.urls")),
]

handler400 = "finews.views.bad_request"
handler403 = "finews.views.permission_denied"
handler500 = "finews.views.server_error"
