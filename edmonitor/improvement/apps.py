from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "edmonitor.improvement"
    verbose_name = _("Improvement plan")

    def ready(self) -> None:
        # (Imported here, not at the top: apps.py is loaded before any model exists.)
        # Goals are judged at measurements and audits, which live in apps below this one:
        # they announce their changes with signals, and the plan keeps its goals in step.
        from edmonitor.audits import signals as audit_signals
        from edmonitor.measurements import signals as measurement_signals

        from . import receivers

        measurement_signals.measurement_corrected.connect(receivers.measurement_corrected, dispatch_uid="goals")
        measurement_signals.measurements_deleting.connect(receivers.measurements_deleting, dispatch_uid="goals")
        measurement_signals.measurements_dependents.connect(receivers.measurements_dependents, dispatch_uid="goals")
        audit_signals.audit_amended.connect(receivers.audit_amended, dispatch_uid="goals")
        # ... and the pages of measurements and audits show what the plan holds for them.
        measurement_signals.measurement_awaits.connect(receivers.measurement_awaits, dispatch_uid="goals")
        audit_signals.audit_page_sections.connect(receivers.audit_page_sections, dispatch_uid="goals")
