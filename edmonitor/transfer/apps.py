from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Moving data in and out: an organisation's export and import, the whole database's backup and restore."""

    name = "edmonitor.transfer"
    verbose_name = _("Data transfer")
