from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "edmonitor.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks; imported here, once the apps are loaded)
