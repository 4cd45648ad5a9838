from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "edmonitor.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # Connects the access log's receivers of login, logout and failed login, and what follows
        # a removed membership (imported here: apps.py is loaded before the models exist).
        from edmonitor.core import figures

        from . import access_log, receivers  # noqa: F401
        from .models import Facility, Membership, Organisation

        # benchmarks compare by sector and kind; what a member may see depends on memberships
        figures.track(Organisation, organisation="pk")
        figures.track(Facility, Membership)
