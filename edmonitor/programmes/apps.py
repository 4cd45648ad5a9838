from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "edmonitor.programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from edmonitor.core import figures

        from .models import Participation, Programme

        figures.track(Programme, organisation=None)
        figures.track(Participation)
