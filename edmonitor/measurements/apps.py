from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_instruments(sender: AppConfig, **kwargs: object) -> None:
    # imported here: apps.py is loaded before the models exist, and .instruments uses them
    from .instruments import sync_instrument_versions

    sync_instrument_versions()


class MeasurementsConfig(AppConfig):
    name = "edmonitor.measurements"
    verbose_name = _("Measurements")

    def ready(self) -> None:
        # Every migrated database holds the shipped instrument versions.
        post_migrate.connect(_sync_instruments, sender=self)
        from edmonitor.core import figures

        from .models import InstrumentVersion, ItemResponse, Measurement

        # drafts and import batches count nowhere
        figures.track(InstrumentVersion, organisation=None)
        figures.track(Measurement)
        figures.track(ItemResponse, organisation="measurement__organisation")
