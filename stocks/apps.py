from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _names_changed(sender, **kwargs):
    from stocks import matcher

    matcher.bump()


class StocksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stocks"
    verbose_name = "个股"

    def ready(self):
        # A Security saved or deleted one by one (the admin, the shell) may change
        # the names matched without a code; the linking step bumps for its bulk writes.
        security = self.get_model("Security")
        post_save.connect(_names_changed, sender=security, dispatch_uid="stocks-names-saved")
        post_delete.connect(_names_changed, sender=security, dispatch_uid="stocks-names-deleted")
