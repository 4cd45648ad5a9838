from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "edmonitor.audits"
    verbose_name = _("MIE audits")

    def ready(self) -> None:
        from edmonitor.core import figures

        from .models import Amendment, Audit, Rating, ThemeRecord

        figures.track(Audit)
        figures.track(ThemeRecord, Amendment, organisation="audit__organisation")
        figures.track(Rating, organisation="auditor__audit__organisation")
