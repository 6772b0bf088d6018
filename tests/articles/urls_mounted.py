"""The whole site below /elsewhere/, as a middleware's ``request.urlconf`` (test_cards.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("finews.urls"))]
