"""A whole-database backup that any edmonitor database can restore: Django's JSON serialisation of every row.

``edmonitor backup`` writes, and ``edmonitor restore`` reads, the rows of every model as
Django's ``dumpdata`` would with ``--natural-foreign --all``, through Django's own
serialiser and ``loaddata``; nothing here writes or parses rows itself. It does not
replace ``pg_dump`` (README, "Backups"): it is the database-independent copy, e.g. to move
an installation from SQLite to PostgreSQL. Decisions:

- **Every row, with its primary key**, so every URL (``/organisaties/12/audits/7/``) stays
  valid; also the audit trail (django-simple-history's tables), the access log, admin
  log entries, users with their password hashes, groups.
- **Left out**: what ``migrate`` makes itself and what is transient. Content types and
  permissions are recreated by ``migrate``; rows that point at them (admin log entries,
  group and user permissions) name them by their natural key (``["audits", "audit"]``),
  so their ids may differ. Sessions: a restored installation has new logins. django-axes'
  tables (failed login attempts, lockouts and its access log): a lockout lasts 15 minutes
  and must not come back with a restore, and the logs are login records with IP addresses
  and browsers, personal data that the daily ``pg_dump`` keeps for as long as the operator
  keeps those, but that should not travel to another installation. Background tasks (the
  queue of django-tasks' database backend, and :class:`~edmonitor.core.models.BackgroundJob`):
  work waiting in the queue must not run a second time on the restored installation.
- **Instrument versions** are data (measurements and audits point at them by id) but
  ``migrate`` also stores the shipped versions in every new database: a restore replaces
  those by the backup's rows, which keep their ids and the exact definitions in use.
- **Deterministic**: models in dependency order (Django's ``sort_dependencies``), rows by
  primary key, many-to-many values in a fixed order, the keys of JSON values sorted (a
  backup of the same data is the same on SQLite and PostgreSQL), read in one transaction (on
  PostgreSQL a repeatable-read snapshot, like ``pg_dump``); so backup → restore into an
  empty database → backup gives the same bytes. Times keep their microseconds (Django's
  JSON encoder would cut them to milliseconds, and the restored data would differ).
- **Restore** only into a migrated database that holds nothing of the above (it refuses
  and names what is there), all or nothing in one transaction (``loaddata``), after the
  whole file has been read and checked; ``loaddata`` then sets PostgreSQL's sequences past
  the restored ids.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.management.commands import loaddata
from django.core.serializers import json as json_serializer
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Field, JSONField, Model, Prefetch
from django.utils.translation import gettext as _

from edmonitor.core import figures

from .files import read_input

LEFT_OUT_APPS = {"contenttypes", "sessions", "axes", "django_tasks_database"}
LEFT_OUT_MODELS = {"auth.permission", "core.backgroundjob"}
# Rows that `migrate` writes into every new database (post_migrate): a restore replaces them.
MADE_BY_MIGRATE = {"measurements.instrumentversion"}
MAX_LISTED = 20  # problems listed one by one; the rest are counted
# How deeply a backup nests: the list of rows → a row → its fields → a field's value, and the deepest
# value stored is an instrument definition (vie-2012.1.json nests 7 levels). A file that nests deeper
# is refused before it is parsed (json.loads would end in a RecursionError); a test holds this to
# the shipped definitions.
MAX_VALUE_DEPTH = 7
MAX_DEPTH = 3 + MAX_VALUE_DEPTH


class BackupError(Exception):
    """A restore refused: every problem, nothing stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class RestoreReport:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)  # model label -> rows in the file

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def backup_models(using: str = DEFAULT_DB_ALIAS) -> list[type[Model]]:
    """The models a backup holds, in the order ``dumpdata`` writes them (natural-key dependencies first)."""
    app_list = [
        (config, None)
        for config in apps.get_app_configs()
        if config.models_module is not None and config.label not in LEFT_OUT_APPS
    ]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in LEFT_OUT_MODELS
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def _keys_sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _keys_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_keys_sorted(item) for item in value]
    return value


class _Serializer(json_serializer.Serializer):
    """Django's JSON serialiser, with the keys of JSON field values sorted.

    PostgreSQL's ``jsonb`` keeps keys in an order of its own, SQLite in the order written;
    sorted, the same data give the same bytes on either database.
    """

    def handle_field(self, obj: Model, field: Field) -> None:
        super().handle_field(obj, field)
        if isinstance(field, JSONField):
            current = self._current  # type: ignore[attr-defined]  # the row being written (Django's python serialiser)
            current[field.name] = _keys_sorted(current[field.name])


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, except that times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def _ordered(model: Any) -> Any:
    """All rows of a many-to-many target, by the target's own ordering, then by id."""
    return model._base_manager.order_by(*model._meta.ordering, "pk")


def _rows(model: type[Model], using: str) -> Iterator[Model]:
    rows = model._base_manager.using(using).order_by(model._meta.pk.name)
    # Many-to-many values in a fixed order: by the target's own ordering (for targets named by
    # their natural key, such as permissions, whose ids differ per database), then by id.
    many = [
        Prefetch(f.name, queryset=_ordered(f.related_model))
        for f in model._meta.many_to_many
        if cast(type[Model], f.remote_field.through)._meta.auto_created
    ]
    if many:
        rows = rows.prefetch_related(*many)
    return rows.iterator(chunk_size=2000)


def write_backup(stream: TextIO, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write every row of :func:`backup_models` to ``stream`` as Django's JSON serialisation."""
    connection = connections[using]
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if snapshot:
            # The transaction's first statement: one snapshot for every table, as pg_dump takes.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        objects = (row for model in backup_models(using) for row in _rows(model, using))
        _Serializer().serialize(
            objects, stream=stream, indent=2, use_natural_foreign_keys=True, cls=_Encoder, ensure_ascii=False
        )


def database_contents(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per model label of what a backup holds, apart from what ``migrate`` makes: empty for a new database."""
    counts = {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in backup_models(using)
        if model._meta.label_lower not in MADE_BY_MIGRATE
    }
    return {label: n for label, n in counts.items() if n}


def _listed(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED:
        return problems
    more = len(problems) - MAX_LISTED
    return [*problems[:MAX_LISTED], _("… and %(n)s more problems.") % {"n": more}]


def read_backup(path: Path, *, max_bytes: int | None = None, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Read and check the whole file before anything is stored; rows per model label, or :class:`BackupError`.

    Refused before parsing, with :class:`~.files.InputRefused`: a file larger than ``max_bytes``
    (default ``EDMONITOR_MAX_IMPORT_BYTES``) or nested deeper than :data:`MAX_DEPTH`. Refused
    after: anything but rows of the models a backup holds, and the same row (model and primary
    key) twice — ``loaddata`` would write the second over the first and restore fewer rows than
    the file holds.
    """
    try:
        text = read_input(path, max_bytes=max_bytes, max_depth=MAX_DEPTH)
    except OSError as exc:
        raise BackupError([_("cannot read the file: %(error)s") % {"error": exc.strerror or exc}]) from exc
    except UnicodeDecodeError as exc:
        raise BackupError([_("not UTF-8 text (%(error)s): not an edmonitor backup") % {"error": exc}]) from exc
    try:
        objects = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BackupError(
            [
                _("not valid JSON at line %(line)s, column %(column)s (%(error)s): the file is damaged or incomplete")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ]
        ) from exc
    if not isinstance(objects, list):
        raise BackupError([_("not an edmonitor backup: a backup is a JSON list of rows")])
    known = {model._meta.label_lower: model for model in backup_models(using)}
    problems: list[str] = []
    counts: Counter[str] = Counter()
    seen: dict[tuple[str, str], int] = {}  # (model, primary key as the database compares it) -> first row
    for index, row in enumerate(objects):
        label = row.get("model") if isinstance(row, dict) else None
        if not isinstance(row, dict) or not isinstance(row.get("fields"), dict) or "pk" not in row:
            problems.append(_("row %(index)s: not a row of a backup (model, pk and fields)") % {"index": index})
        elif not isinstance(label, str) or label.lower() not in known:
            problems.append(
                _("row %(index)s: %(model)s is not part of an edmonitor backup") % {"index": index, "model": label}
            )
        else:
            key = (label.lower(), _primary_key(known[label.lower()], row["pk"]))
            first = seen.setdefault(key, index)
            if first != index:
                problems.append(
                    _("row %(index)s: %(model)s with pk %(pk)s is in the file twice (first at row %(first)s)")
                    % {"index": index, "model": label.lower(), "pk": _shown(row["pk"]), "first": first}
                )
            counts[label.lower()] += 1
    if problems:
        raise BackupError(_listed(problems))
    return {model._meta.label_lower: counts[model._meta.label_lower] for model in backup_models(using)}


def _primary_key(model: type[Model], pk: Any) -> str:
    """A row's primary key as the database will compare it: ``1`` and ``"1"`` are the same integer id."""
    try:
        return str(model._meta.pk.to_python(pk))
    except Exception:  # a bad value: loaddata reports it once the rows are written
        return repr(pk)


def _shown(pk: Any) -> str:
    text = str(pk)
    return text if len(text) <= 40 else text[:40] + "…"


class _Loader(loaddata.Command):
    """Django's ``loaddata`` for exactly the file given, whatever its name.

    ``loaddata`` itself searches its fixture folders for a name and takes the format from
    the file's extension; a backup is one JSON file named by its user.
    """

    def find_fixtures(self, fixture_label: str) -> list[tuple[str, str | None, str | None]]:
        path = Path(fixture_label)
        return [(str(path), str(path.parent), path.name)]

    def parse_name(self, fixture_name: str) -> tuple[str, str, None]:
        return fixture_name, "json", None


def _unapplied_migrations(using: str) -> int:
    executor = MigrationExecutor(connections[using])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _reset_sequences(using: str) -> None:
    """Set each id sequence past the ids the tables hold (PostgreSQL; SQLite needs nothing)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), backup_models(using))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def restore_backup(
    path: Path, *, dry_run: bool = False, max_bytes: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> RestoreReport:
    """Restore a backup into a migrated, empty database, all or nothing; :class:`BackupError` when refused
    (:class:`~.files.InputRefused` when the file is too large or nests too deeply: see :func:`read_backup`).

    With ``dry_run`` everything is read, checked and written, then rolled back.
    """
    counts = read_backup(path, max_bytes=max_bytes, using=using)
    unapplied = _unapplied_migrations(using)
    if unapplied:
        raise BackupError(
            [
                _("the database is not migrated (%(n)s migrations to apply): run `edmonitor migrate` first")
                % {"n": unapplied}
            ]
        )
    report = RestoreReport(dry_run=dry_run, counts={label: n for label, n in counts.items() if n})
    sequences_set = False
    try:
        with transaction.atomic(using=using):
            figures.changed()  # loaddata saves "raw", which the figures' receivers leave alone
            present = database_contents(using)
            if present:
                listing = ", ".join(f"{label} ({n})" for label, n in present.items())
                raise BackupError(
                    [
                        _(
                            "the database is not empty: it holds %(rows)s. Restore only into a new database "
                            "after `edmonitor migrate`."
                        )
                        % {"rows": listing}
                    ]
                )
            for label in MADE_BY_MIGRATE & report.counts.keys():
                apps.get_model(label)._base_manager.using(using).all().delete()  # replaced by the backup's rows
            if report.total:
                try:
                    call_command(_Loader(), str(path.resolve()), verbosity=0, database=using)
                except (DeserializationError, DatabaseError, CommandError, ValueError, LookupError) as exc:
                    raise BackupError([_("the backup cannot be restored: %(error)s") % {"error": exc}]) from exc
                sequences_set = True  # loaddata's last step
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        if sequences_set:
            _reset_sequences(using)
        raise
    if dry_run and sequences_set:
        # Rolled back, but PostgreSQL's sequences are not: set them to the tables as they are again.
        _reset_sequences(using)
    return report
