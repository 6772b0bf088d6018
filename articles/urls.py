from django.urls import path, register_converter

from articles import views
from articles.converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("category/", views.CategoryIndexView.as_view(), name="category_index"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
]
