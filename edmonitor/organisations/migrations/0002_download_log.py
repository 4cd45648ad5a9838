"""The download log moves here from core (issue 16: core is the foundation and knows no organisation).

Only Django's idea of the model moves; the table stays ``core_downloadlog`` with its rows. The
content type is renamed too, so permissions given on the log (``view_downloadlog``) stay given.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    # (a database that was already migrated past this point and back keeps its newer content type)
    if not content_types.objects.filter(app_label="organisations", model="downloadlog").exists():
        content_types.objects.filter(app_label="core", model="downloadlog").update(app_label="organisations")


def rename_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="organisations", model="downloadlog").update(app_label="core")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("core", "0001_download_log"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DownloadLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when")),
                        ("username", models.CharField(max_length=150, verbose_name="user name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("json", "JSON"), ("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF")],
                                max_length=8,
                                verbose_name="kind",
                            ),
                        ),
                        ("description", models.CharField(max_length=300, verbose_name="description")),
                        ("filename", models.CharField(max_length=200, verbose_name="file name")),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="downloads",
                                to="organisations.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "download",
                        "verbose_name_plural": "download log",
                        "db_table": "core_downloadlog",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["organisation", "-at"], name="downloadlog_organisation_at")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, rename_content_type_back),
    ]
