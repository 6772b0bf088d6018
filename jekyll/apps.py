from django.apps import AppConfig


class JekyllConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jekyll"
    verbose_name = "旧站（Jekyll）导入"
