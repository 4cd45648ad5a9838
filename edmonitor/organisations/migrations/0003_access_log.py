"""The access log (NEN 7513) takes the place of the download log.

Each download becomes an export in the access log, with its time, person, organisation,
file format, file name and description. On PostgreSQL a trigger refuses every UPDATE and
every DELETE of the log, except a DELETE inside a transaction that set
``edmonitor.access_log_purge`` (the purge command, edmonitor.organisations.access_log.purge).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


TRIGGER_SQL = """
CREATE FUNCTION organisations_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('edmonitor.access_log_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'the access log is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisations_accessevent_append_only
    BEFORE UPDATE OR DELETE ON organisations_accessevent
    FOR EACH ROW EXECUTE FUNCTION organisations_accessevent_append_only();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS organisations_accessevent_append_only ON organisations_accessevent;
DROP FUNCTION IF EXISTS organisations_accessevent_append_only();
"""


def downloads_to_exports(apps, schema_editor):
    DownloadLog = apps.get_model("organisations", "DownloadLog")
    AccessEvent = apps.get_model("organisations", "AccessEvent")
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=row.at,
            user_id=row.user_id,
            username=row.username,
            organisation_id=row.organisation_id,
            action="export",
            category="other",
            kind="download",
            file_format=row.kind,
            filename=row.filename,
            description=row.description,
        )
        for row in DownloadLog.objects.order_by("at", "id").iterator()
    )


def exports_to_downloads(apps, schema_editor):
    DownloadLog = apps.get_model("organisations", "DownloadLog")
    AccessEvent = apps.get_model("organisations", "AccessEvent")
    DownloadLog.objects.bulk_create(
        DownloadLog(
            at=row.at,
            user_id=row.user_id,
            username=row.username,
            organisation_id=row.organisation_id,
            kind=row.file_format,
            filename=row.filename,
            description=row.description,
        )
        for row in AccessEvent.objects.filter(action="export").order_by("at", "id").iterator()
    )


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0002_download_log'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='user name')),
                ('action', models.CharField(choices=[('view', 'viewed'), ('export', 'exported'), ('change', 'changed'), ('login', 'signed in'), ('logout', 'signed out'), ('login_failed', 'sign-in failed'), ('purge', 'old entries removed')], max_length=16, verbose_name='action')),
                ('category', models.CharField(choices=[('organisation', 'Organisation, facilities and members'), ('measurement', 'Measurements (VIE)'), ('audit', 'Audits (MIE)'), ('report', 'Reports and comparisons'), ('improvement', 'Improvement plan'), ('programme', 'Programmes'), ('access_log', 'This access log'), ('sign_in', 'Signing in and out'), ('other', 'Other')], max_length=16, verbose_name='kind')),
                ('kind', models.CharField(help_text='What was reached: the name of the page.', max_length=64, verbose_name='page')),
                ('object_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='object')),
                ('path', models.CharField(blank=True, max_length=300, verbose_name='address')),
                ('client', models.GenericIPAddressField(blank=True, null=True, verbose_name='client address')),
                ('file_format', models.CharField(blank=True, choices=[('json', 'JSON'), ('csv', 'CSV'), ('xlsx', 'Excel'), ('pdf', 'PDF')], max_length=8, verbose_name='file format')),
                ('filename', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisations.organisation', verbose_name='organisation')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'access log entry',
                'verbose_name_plural': 'access log',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunPython(downloads_to_exports, exports_to_downloads),
        migrations.DeleteModel(
            name='DownloadLog',
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['organisation', '-at'], name='accessevent_organisation_at'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['user', '-at'], name='accessevent_user_at'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['action', '-at'], name='accessevent_action_at'),
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
