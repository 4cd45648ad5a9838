from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "edmonitor.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # imported here, once the apps are loaded: they register checks and signal receivers
        from . import checks, sessions  # noqa: F401
