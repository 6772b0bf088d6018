from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "运维"

    def ready(self):
        from ops import postgres

        postgres.connect()
