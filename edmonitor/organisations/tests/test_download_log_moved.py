"""The download log moved from core to organisations without losing a row or a permission (issue 16).

The migrations run for real on the test database: back to before the move, a row and a group
permission are written there with the models of that time, then forward again.
"""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [
    ("core", "0001_download_log"),
    ("organisations", "0001_initial"),
    ("contenttypes", "0002_remove_content_type_name"),
]
AFTER = [("core", "0002_download_log_moved"), ("organisations", "0002_download_log")]


class DownloadLogMovedTests(TransactionTestCase):
    def migrate(self, targets: list[tuple[str, str]]) -> Apps:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self) -> None:
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def test_rows_and_permissions_survive_the_move(self):
        old = self.migrate(BEFORE)
        content_types = old.get_model("contenttypes", "ContentType")
        organisation = old.get_model("organisations", "Organisation").objects.create(name="GGZ Oud")
        old.get_model("core", "DownloadLog").objects.create(
            username="ina", organisation=organisation, kind="csv", description="Rapport", filename="r.csv"
        )
        # as in a database made before the move: the content type and permission are core's
        content_types.objects.filter(model="downloadlog").delete()
        content_type = content_types.objects.create(app_label="core", model="downloadlog")
        permission = old.get_model("auth", "Permission").objects.create(
            name="Can view download", codename="view_downloadlog", content_type=content_type
        )
        group = old.get_model("auth", "Group").objects.create(name="coordinatoren")
        group.permissions.add(permission)

        new = self.migrate(AFTER)
        row = new.get_model("organisations", "DownloadLog").objects.get()
        self.assertEqual((row.username, row.organisation.name, row.filename), ("ina", "GGZ Oud", "r.csv"))
        self.assertEqual(new.get_model("organisations", "DownloadLog")._meta.db_table, "core_downloadlog")
        given = new.get_model("auth", "Group").objects.get(name="coordinatoren").permissions.get()
        self.assertEqual((given.content_type.app_label, given.codename), ("organisations", "view_downloadlog"))
        with self.assertRaises(LookupError):
            new.get_model("core", "DownloadLog")


class DownloadsBecomeExportsTests(TransactionTestCase):
    """Migration 0003 (issue 17): each download of the old log is an export in the access log."""

    migrate = DownloadLogMovedTests.migrate
    tearDown = DownloadLogMovedTests.tearDown

    def test_every_download_becomes_an_export_with_its_file_and_moment(self):
        old = self.migrate([("organisations", "0002_download_log")])
        organisation = old.get_model("organisations", "Organisation").objects.create(name="GGZ Oud")
        row = old.get_model("organisations", "DownloadLog").objects.create(
            username="ina", organisation=organisation, kind="pdf", description="Rapport", filename="r.pdf"
        )
        new = self.migrate([("organisations", "0003_access_log")])
        event = new.get_model("organisations", "AccessEvent").objects.get()
        self.assertEqual(
            (event.at, event.username, event.organisation_id, event.action, event.file_format, event.filename),
            (row.at, "ina", organisation.pk, "export", "pdf", "r.pdf"),
        )
        self.assertEqual(event.description, "Rapport")
        with self.assertRaises(LookupError):
            new.get_model("organisations", "DownloadLog")
