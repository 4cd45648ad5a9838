from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "edmonitor.audits"
    verbose_name = _("MIE audits")
