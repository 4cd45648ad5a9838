from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "edmonitor.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Connects single sign-on's receiver of logins (imported here: apps.py is loaded before the models exist).
        from . import sso  # noqa: F401
