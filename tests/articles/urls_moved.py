"""A URLconf with the article page elsewhere, for tests/articles/test_cards.py."""

from django.urls import include, path

from articles import views

moved = (
    [
        path("moved/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
        path("c/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    ],
    "articles",
)

urlpatterns = [path("", include(moved))]
