from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top layer: the pages that bring every app together, and the demo data.

    It may import every other app; no app imports it (import-linter, ``[tool.importlinter]``).
    """

    name = "edmonitor.home"
    verbose_name = _("Start pages")
