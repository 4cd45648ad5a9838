"""The measurement form, built from the instrument definition.

Field names are the CSV column names of the ``score vie`` format (``item_1a``,
``goal_1b``, ``staff_fte`` ...), and the form hands its raw values to the same
engine functions the CLI uses, so a bad value gets the same check everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from edmonitor.core.forms import AccessibleFormMixin, date_input, model_choices
from edmonitor.core.uploads import ZIP_MAGIC, check_upload, read_upload, xlsx_as_csv
from edmonitor.instruments.csvio import InvalidFile, RowProblem, ScoredRow, read_measurements, written_columns
from edmonitor.instruments.definition import Instrument, Item, ItemHelp, item_help
from edmonitor.instruments.scoring import MeasurementInput, Problem, ScoreResult, gettext_noop, parse_record, score
from edmonitor.organisations.models import Facility, Organisation

from .models import MODE_DIRECT, MODE_FACTS, Measurement
from .services import facilities_by_name


def problem_message(problem: Problem, instrument: Instrument) -> str:
    """Translate an engine problem, naming facts by their label in the user's language."""
    params = dict(problem.params)
    lang = get_language()
    for key in ("fact", "fte", "hours"):
        if key in params:
            try:
                params[key] = instrument.fact(str(params[key])).label.get(lang)
            except KeyError:
                pass
    return _(problem.message) % params


def shared_facts(instrument: Instrument) -> list[str]:
    """Facts about the organisation as a whole (staff fte, clients), asked once at the top."""
    per_item = {f for item in instrument.derivable_items for f in item.derivation.facts}  # type: ignore[union-attr]
    return [f.id for f in instrument.facts if f.id not in per_item]


def item_facts(item: Item) -> list[str]:
    """Facts asked under an item (the criteria count is asked as ticked criteria instead)."""
    if item.derivation is None:
        return []
    if item.derivation.criteria:
        return []
    return list(item.derivation.facts)


@dataclass
class ItemFields:
    item: Item
    score: forms.BoundField
    goal: forms.BoundField | None
    note: forms.BoundField
    mode: forms.BoundField | None
    facts: list[forms.BoundField]
    criteria: forms.BoundField | None
    help: ItemHelp | None = None  # what the item means and what counts (VIE: 003 Bijlage 1)


#: The longest value a draft keeps for a field without its own limit (a date, a choice): far more than any needs.
DRAFT_VALUE_LIMIT = 200


class MeasurementForm(AccessibleFormMixin, forms.Form):
    measured_on = forms.DateField(label=gettext_lazy("Date of the measurement"), widget=date_input())
    label = forms.CharField(
        label=gettext_lazy("Label"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("For example 'beginmeting' or 'meting 2026'."),
    )
    facility: forms.ModelChoiceField[Facility] = forms.ModelChoiceField(
        label=gettext_lazy("Facility"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The whole organisation"),
    )

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        organisation: Organisation,
        measurement: Measurement | None = None,
        **kwargs: Any,
    ) -> None:
        self.instrument = instrument
        self.organisation = organisation
        if measurement is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(measurement)
        elif "initial" not in kwargs:
            kwargs["initial"] = {
                "staff_fte": _decimal_text(organisation.staff_fte),
                "clients": "" if organisation.clients is None else str(organisation.clients),
            }
        super().__init__(*args, **kwargs)
        model_choices(self, "facility").queryset = organisation.facilities.all()
        if not organisation.facilities.exists():
            del self.fields["facility"]
        lang = get_language()
        self.inp: MeasurementInput | None = None
        self.result: ScoreResult | None = None

        for fact_id in shared_facts(instrument):
            self.fields[fact_id] = self._fact_field(fact_id, lang)
        for item in instrument.items:
            self.fields[f"item_{item.id}"] = forms.ChoiceField(
                label=item.title.get(lang),
                required=False,
                widget=forms.RadioSelect,
                choices=[(str(n), f"{n}. {text.get(lang)}") for n, text in sorted(item.anchors.items())],
            )
            if item.derivation is not None:
                self.fields[f"mode_{item.id}"] = forms.ChoiceField(
                    label=_("How do you want to score this item?"),
                    widget=forms.RadioSelect,
                    choices=[
                        (MODE_DIRECT, _("I choose the level myself")),
                        (MODE_FACTS, _("Derive the score from the facts")),
                    ],
                    initial=MODE_DIRECT,
                    required=False,
                )
                for fact_id in item_facts(item):
                    self.fields[fact_id] = self._fact_field(fact_id, lang)
                if item.derivation.criteria:
                    self.fields[f"criteria_{item.id}"] = forms.MultipleChoiceField(
                        label=_("Which criteria hold?"),
                        required=False,
                        widget=forms.CheckboxSelectMultiple,
                        choices=[(c.id, c.label.get(lang)) for c in item.derivation.criteria],
                    )
            if item.goal_id:
                self.fields[f"goal_{item.goal_id}"] = forms.ChoiceField(
                    label=item.goal_question.get(lang),
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[("", _("Not recorded"))]
                    + [(g.code, f"{g.code}. {g.label.get(lang)}") for g in instrument.goal_codes],
                )
            self.fields[f"note_{item.id}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
            )

    def _fact_field(self, fact_id: str, lang: str | None) -> forms.CharField:
        fact = self.instrument.fact(fact_id)
        return forms.CharField(
            label=fact.label.get(lang),
            help_text=fact.help.get(lang) if fact.help else "",
            required=False,
            max_length=32,
            widget=forms.TextInput(attrs={"inputmode": "numeric" if fact.kind == "integer" else "decimal"}),
        )

    # ------------------------------------------------------------------ layout helpers for the template

    def shared_fact_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in shared_facts(self.instrument)]

    def sections(self) -> list[tuple[Any, list[ItemFields]]]:
        out: list[tuple[Any, list[ItemFields]]] = []
        for subgoal in self.instrument.subgoals or [None]:
            items = [i for i in self.instrument.items if subgoal is None or i.subgoal == subgoal.code]
            out.append((subgoal, [self._item_fields(i) for i in items]))
        return out

    def items_fragment_key(self) -> str | None:
        """The key under which the items' rendered HTML may be kept, or None when it must be rendered.

        Ten items with their anchors, modes, facts and goals are most of the form's rendering time,
        and for an empty form they are the same for every organisation. Only an unbound form is
        kept (no typed values, no errors); the key holds everything the HTML depends on besides the
        templates: instrument version, language, field ids and each item field's initial value.
        """
        if self.is_bound:
            return None
        shown = [
            (name, str(self.get_initial_for_field(self.fields[name], name)))
            for section in self.sections()
            for fields in section[1]
            for bound in (fields.score, fields.goal, fields.note, fields.mode, *fields.facts, fields.criteria)
            if bound is not None
            for name in [bound.name]
        ]
        parts = (self.instrument.code, self.instrument.version, get_language(), self.auto_id, self.prefix, shown)
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def _item_fields(self, item: Item) -> ItemFields:
        return ItemFields(
            item=item,
            score=self[f"item_{item.id}"],
            goal=self[f"goal_{item.goal_id}"] if item.goal_id else None,
            note=self[f"note_{item.id}"],
            mode=self[f"mode_{item.id}"] if item.derivation else None,
            facts=[self[f] for f in item_facts(item)],
            criteria=self[f"criteria_{item.id}"] if f"criteria_{item.id}" in self.fields else None,
            help=item_help(self.instrument.code).get(item.id),
        )

    # ------------------------------------------------------------------ validation through the engine

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        raw: dict[str, str | None] = {}
        criteria: dict[str, frozenset[str]] = {}
        for fact_id in shared_facts(self.instrument):
            raw[fact_id] = cleaned.get(fact_id) or None
        for item in self.instrument.items:
            if item.derivation is not None and cleaned.get(f"mode_{item.id}") == MODE_FACTS:
                if item.derivation.criteria:
                    criteria[item.id] = frozenset(cleaned.get(f"criteria_{item.id}") or [])
                else:
                    given = {f: cleaned.get(f) for f in item_facts(item)}
                    if not any(given.values()):
                        self.add_error(
                            item_facts(item)[0],
                            _("Enter the facts for item %(item)s, or choose the level yourself.") % {"item": item.id},
                        )
                    raw.update(given)
            else:
                raw[f"item_{item.id}"] = cleaned.get(f"item_{item.id}") or None
            if item.goal_id:
                raw[f"goal_{item.goal_id}"] = cleaned.get(f"goal_{item.goal_id}") or None
        inp, problems = parse_record(self.instrument, raw, criteria)
        if not problems:
            result, problems = score(self.instrument, inp)
            self.inp, self.result = inp, result
        for problem in problems:
            target = problem.field if problem.field in self.fields else None
            self.add_error(target, problem_message(problem, self.instrument))
        return cleaned

    def typed_values(self) -> dict[str, str | list[str]]:
        """The posted value of every field of the form as typed (a list for the criteria checkboxes)."""
        values: dict[str, str | list[str]] = {}
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if isinstance(field, forms.MultipleChoiceField):
                allowed = {str(value) for value, _label in cast(Iterable[tuple[Any, Any]], field.choices)}
                values[name] = [v for v in cast(QueryDict, self.data).getlist(key) if v in allowed]
            else:
                values[name] = str(self.data.get(key, ""))
        return values

    def displayed_values(self) -> dict[str, str | list[str]]:
        """What the form shows in every field, as text (a list for the criteria): what a user sees before changing."""
        values: dict[str, str | list[str]] = {}
        for name in self.fields:
            value = self[name].value()
            if isinstance(value, list | tuple):
                values[name] = [str(v) for v in value]
            elif value is None:
                values[name] = ""
            else:
                values[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return values

    def draft_data(self) -> dict[str, str | list[str]]:
        """The posted values as typed, unchecked, for a draft: every field of the form, nothing else.

        Raises ValidationError naming the field when a value is longer than the field allows
        (a draft keeps what the user typed, so it refuses rather than cuts).
        """
        values = self.typed_values()
        too_long = [
            str(field.label)
            for name, field in self.fields.items()
            if isinstance(values[name], str)
            and len(values[name]) > (getattr(field, "max_length", None) or DRAFT_VALUE_LIMIT)
        ]
        if too_long:
            raise forms.ValidationError(
                _("Nothing has been saved. These fields are longer than allowed: %(fields)s.")
                % {"fields": ", ".join(too_long)}
            )
        return values

    def notes(self) -> dict[str, str]:
        return {item.id: self.cleaned_data.get(f"note_{item.id}", "") for item in self.instrument.items}


def _decimal_text(value: Decimal | None) -> str:
    """A stored fact as the user typed it: with a decimal comma on a Dutch page (4,5), a point in English."""
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def initial_from(measurement: Measurement) -> dict[str, Any]:
    """Form values that reproduce a stored measurement."""
    instrument = measurement.instrument
    initial: dict[str, Any] = {
        "measured_on": measurement.measured_on,
        "label": measurement.label,
        "facility": measurement.facility_id,
    }
    initial.update({k: _decimal_text(Decimal(v)) for k, v in measurement.facts.items()})
    responses = {r.item_id: r for r in measurement.responses.all()}
    for item in instrument.items:
        response = responses.get(item.id)
        if item.derivation is not None:
            derived = response is not None and response.derived
            initial[f"mode_{item.id}"] = MODE_FACTS if derived else MODE_DIRECT
            if item.id in measurement.criteria:
                initial[f"criteria_{item.id}"] = list(measurement.criteria[item.id])
        if response is None:
            continue
        if response.score is not None and not response.derived:
            initial[f"item_{item.id}"] = str(response.score)
        if item.goal_id:
            initial[f"goal_{item.goal_id}"] = response.goal_code
        initial[f"note_{item.id}"] = response.note
    return initial


#: Problems the web import lists before it stops reading a bad file: a file of a million bad rows
#: must cost no more than a file of a hundred (time, memory and the size of the page).
MAX_LISTED_PROBLEMS = 100


def max_xlsx_rows() -> int:
    """Rows an Excel upload may have: as many as the largest CSV file the upload limit lets through.

    (A row of a measurement takes at least 35 bytes of CSV: bench/README.md, "Web import".)
    """
    return max(1000, settings.EDMONITOR_MAX_IMPORT_BYTES // 35)


def file_content(upload: Any) -> bytes:
    """An uploaded file as CSV text: a CSV file as it is (UTF-8), an Excel workbook converted (bounded)."""
    content = read_upload(upload)
    if content.startswith(ZIP_MAGIC):
        return xlsx_as_csv(content, name=upload.name, max_rows=max_xlsx_rows())
    return check_upload(upload)


def read_import(instrument: Instrument, organisation: Organisation, content: bytes) -> list[ScoredRow]:
    """The scored rows of an import file of ``organisation``; raises ``ValidationError`` listing its problems.

    Besides the reader's checks: a facility a row names must be one of the organisation's.
    """
    try:
        rows = read_measurements(
            instrument, content, organisation=organisation.name, require_date=True, max_problems=MAX_LISTED_PROBLEMS
        )
    except InvalidFile as invalid:
        listed = [_row_problem(p, instrument, invalid.written) for p in invalid.problems]
        raise forms.ValidationError([_problem_count(invalid), *listed]) from None
    known = facilities_by_name(organisation)
    unknown = [row for row in rows if row.facility and row.facility.casefold() not in known]
    if unknown:
        message = gettext_noop("'%(name)s' is not a facility of %(organisation)s.")
        problems = [
            RowProblem(row.row, Problem.of("facility", message, name=row.facility, organisation=organisation.name))
            for row in unknown
        ]
        refused = InvalidFile(problems[:MAX_LISTED_PROBLEMS], complete=len(problems) <= MAX_LISTED_PROBLEMS)
        refused.found = len(problems)
        listed = [_row_problem(p, instrument, written_columns(content)) for p in refused.problems]
        raise forms.ValidationError([_problem_count(refused), *listed])
    return rows


class MeasurementImportForm(AccessibleFormMixin, forms.Form):
    """A file of VIE measurements of one organisation (CSV or Excel), in the format of ``edmonitor score vie``.

    Everything is checked before anything is stored: size and encoding, every row and
    column (through the same engine as the form), a date on every row, and that every row
    is about this organisation. ``rows`` holds the scored rows of a valid file, ``content``
    the file as CSV text.
    """

    file = forms.FileField(
        label=gettext_lazy("File (CSV or Excel)"),
        help_text=gettext_lazy("One measurement per row, with the columns of the template above."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instrument = instrument
        self.rows: list[ScoredRow] = []
        self.content = b""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        content = file_content(upload)
        self.rows = read_import(self.instrument, self.organisation, content)
        self.content = content
        return upload


def _problem_count(invalid: InvalidFile) -> str:
    """How many problems the file has: all of them are listed, or reading stopped at the limit."""
    if invalid.complete:
        return ngettext("The file has %(n)s problem.", "The file has %(n)s problems.", invalid.found) % {
            "n": invalid.found
        }
    # Reading stopped at the row that brought the problems to the limit: the row of the last one listed.
    return _(
        "The file has at least %(n)s problems; the first %(listed)s are listed. Reading stopped at row %(row)s."
    ) % {"n": invalid.found, "listed": len(invalid.problems), "row": invalid.problems[-1].row}


def _row_problem(problem: RowProblem, instrument: Instrument, written: dict[str, str] | None = None) -> str:
    """A problem with its row and column, the column named as the file names it (Dutch or English)."""
    where = _("row %(row)s") % {"row": problem.row}
    if problem.problem.field:
        column = (written or {}).get(problem.problem.field, problem.problem.field)
        where = _("row %(row)s, column %(column)s") % {"row": problem.row, "column": column}
    return f"{where}: {problem_message(problem.problem, instrument)}"
