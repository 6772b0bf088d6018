from django.apps import AppConfig


class SearchIndexConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "searchindex"
    verbose_name = "站内搜索索引"
