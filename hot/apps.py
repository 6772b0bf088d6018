from django.apps import AppConfig


class HotConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hot"
    verbose_name = "热门"
