"""A total over fewer than all items has no level (003 §5.2 bands the end score over all items).

Stored measurements scored on fewer items lose the level they were given before; their
total and item scores stay as they are. The reverse gives them back the level of their
rounded total, as the old rule did.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Q


def _item_counts(Measurement):
    return Measurement.objects.select_related("instrument_version").annotate(
        scored=Count("responses", filter=Q(responses__score__isnull=False))
    )


def clear_partial_levels(apps, schema_editor):
    Measurement = apps.get_model("measurements", "Measurement")
    for m in _item_counts(Measurement).exclude(level=""):
        if m.scored < len(m.instrument_version.definition.get("items", [])):
            m.level = ""
            m.save(update_fields=["level"])


def restore_partial_levels(apps, schema_editor):
    Measurement = apps.get_model("measurements", "Measurement")
    for m in _item_counts(Measurement).filter(level="", total__isnull=False):
        if m.scored < len(m.instrument_version.definition.get("items", [])):
            for band in m.instrument_version.definition.get("levels", []):
                if Decimal(str(band["min"])) <= m.total <= Decimal(str(band["max"])):
                    m.level = band["code"]
                    m.save(update_fields=["level"])
                    break


class Migration(migrations.Migration):
    dependencies = [("measurements", "0002_measurement_draft")]

    operations = [migrations.RunPython(clear_partial_levels, restore_partial_levels)]
