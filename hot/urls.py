from django.urls import path

from hot import beacon, views

app_name = "hot"

urlpatterns = [
    path("hot/", views.HotView.as_view(tab="today"), name="today"),
    path("hot/week/", views.HotView.as_view(tab="week"), name="week"),
    path("hot/box/", views.HotBoxView.as_view(), name="box"),
    # finews/wsgi.py answers this path before Django; this view serves it elsewhere.
    path("hot/beacon/", beacon.beacon, name="beacon"),
]
