"""Third-party apps the project names in its own words."""

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling) under a Chinese name in the admin.

    Its models' and fields' names come from locale/zh_Hans (axes ships no
    Chinese); the app's name is not a translatable string, hence this class.
    """

    verbose_name = "登录保护"
