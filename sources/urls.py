from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("healthz/sources", views.sources_health, name="health"),
]
