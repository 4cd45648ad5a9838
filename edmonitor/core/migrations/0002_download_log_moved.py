"""The download log moved to organisations (organisations 0002); its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_download_log"),
        ("organisations", "0002_download_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DownloadLog")],
            database_operations=[],
        ),
    ]
