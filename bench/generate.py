"""A synthetic national data set for the benchmark, deterministic from a seed.

At scale 1.0: 1,000 organisations, each with 5 facilities, and per facility 10 yearly VIE
measurements and 10 yearly finalised MIE audits (two auditors, notes of realistic length) —
50,000 measurements, 50,000 audits, about a million item scores and ratings — plus one
national programme over all organisations, and improvement goals and actions.

Everything an organisation holds is written as an ``edmonitor-organisation`` document
(``edmonitor/transfer/FORMAT.md``) and loaded through the application's own import path,
:func:`edmonitor.transfer.importer.import_organisation`: one organisation per call, each
import atomic. User accounts (which an import never creates), the programme (which an
export does not carry) and goals/actions (not part of the format) are made through the
models and services, after the imports.

Run by ``bench/run.py`` in a subprocess with ``DATABASE_URL`` set to an empty database;
prints one JSON object with counts and timings on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import time
from typing import Any

YEARS = 10
FACILITIES = 5
FULL_SCALE_ORGANISATIONS = 1000
AUDITOR_POOL = 120
PASSWORD = "bench-password-2026"  # the benchmark's own throw-away database; never a real one
COORDINATOR = "bench-coordinator"
PROGRAMME = "Landelijke monitor ervaringsdeskundigheid"
FIRST_YEAR = 2016

PREFIXES = [
    ("GGZ", "mental_health"),
    ("Stichting GGZ", "mental_health"),
    ("Verslavingszorg", "addiction"),
    ("Kliniek voor verslaving", "addiction"),
    ("Beschermd Wonen", "sheltered_housing"),
    ("Maatschappelijke Opvang", "social_shelter"),
    ("Sociaal Wijkteam", "social_domain"),
    ("Herstelhuis", "other"),
]
PLACES = [
    "Amsterdam", "Rotterdam", "Utrecht", "Groningen", "Zwolle", "Arnhem", "Nijmegen", "Eindhoven",
    "Tilburg", "Breda", "Maastricht", "Leiden", "Haarlem", "Alkmaar", "Enschede", "Deventer",
    "Leeuwarden", "Assen", "Emmen", "Den Bosch", "Middelburg", "Den Haag", "Delft", "Apeldoorn",
]  # fmt: skip
FACILITY_KINDS = ["Kliniek", "Ambulant team", "FACT-team", "Herstelacademie", "Woonvoorziening", "Inloophuis"]

SENTENCES = [
    "Het projectteam vertelt dat ervaringsdeskundigen sinds vorig jaar structureel aan het MDO deelnemen.",
    "In de visie staat dat ervaringskennis naast professionele en wetenschappelijke kennis staat.",
    "Er zijn twee betaalde ervaringsdeskundigen op beleidsniveau; de raad van bestuur vraagt hen om advies.",
    "De teams geven aan dat de inzet van ervaringsdeskundigen nog afhangt van de teamleider.",
    "Cliënten en naasten worden uitgenodigd in het herstelcafé en bij de herstelacademie.",
    "Intervisie voor ervaringsdeskundigen wordt door een ervaren ervaringsdeskundige begeleid.",
    "De financiering van de formatie is voor twee jaar geregeld, daarna is het onzeker.",
    "Medewerkers noemen de vrijplaats belangrijk om ideeën te ontwikkelen zonder directe verantwoording.",
    "Bij de werving wordt gevraagd naar de opleiding tot ervaringsdeskundige op niveau 4 of hoger.",
    "Er is een scholingsaanbod, maar het is niet voor iedereen toegankelijk door de reistijd.",
    "Het kwartiermaken buiten de instelling gebeurt vooral via de gemeente en het sociaal wijkteam.",
    "Naasten hebben een eigen ervaringsdeskundige die groepsbijeenkomsten begeleidt.",
    "Het auditteam merkt op dat gelijkwaardigheid in het contact met cliënten zichtbaar is.",
    "Volgens de deelnemers ontbreekt een duidelijke functiebeschrijving voor leerwerkplekken.",
    "De ervaringsdeskundigen schrijven mee aan het beleidsplan herstelondersteunende zorg.",
    "Toegankelijkheid van de zorg is verbeterd door spreekuren zonder verwijzing.",
    "Er is aandacht voor stigma binnen de eigen organisatie, onder meer met een spiegelgesprek.",
    "De coaching van teams waarin ervaringsdeskundigen werken gebeurt nog incidenteel.",
    "Cliëntenraad en ervaringsdeskundigen overleggen elk kwartaal over de voortgang.",
    "Het aantal fte ervaringsdeskundigheid per 1.000 fte personeel is dit jaar gestegen.",
]
RECOMMENDATIONS = [
    "Leg de inzet van ervaringsdeskundigen vast in de functiebeschrijvingen van alle teams.",
    "Organiseer twee keer per jaar een spiegelgesprek met cliënten en naasten.",
    "Maak het scholingsaanbod ook digitaal beschikbaar.",
    "Zorg voor structurele financiering van de formatie ervaringsdeskundigheid.",
    "Geef ervaringsdeskundigen een vaste plaats in het beleidsoverleg.",
    "Start een vrijplaats waar (toekomstige) ervaringsdeskundigen elkaar ontmoeten.",
]


def _text(rng: random.Random, length: int) -> str:
    """Sentences from the list above up to about ``length`` characters (notes of realistic length)."""
    out: list[str] = []
    size = 0
    while size < length:
        sentence = rng.choice(SENTENCES)
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _time(day: dt.date, hour: int = 10) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00.000000Z"


def organisation_names(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(f"{seed}-names")
    names = []
    for i in range(count):
        prefix, sector = PREFIXES[i % len(PREFIXES)]
        names.append((f"{prefix} {rng.choice(PLACES)} {i + 1:04d}", sector))
    return names


def organisation_document(
    index: int, name: str, sector: str, seed: int, *, vie: Any, mie: Any, vie_version: Any, mie_version: Any
) -> dict[str, Any]:
    """One organisation as an ``edmonitor-organisation`` document, version 1."""
    from edmonitor.instruments.scoring import MeasurementInput, score
    from edmonitor.transfer.export import FORMAT, FORMAT_VERSION, decimal_text

    rng = random.Random(f"{seed}-{index}")
    admin, member = f"bench-admin-{index + 1:04d}", f"bench-member-{index + 1:04d}"
    facilities = [f"{FACILITY_KINDS[f % len(FACILITY_KINDS)]} {f + 1}" for f in range(FACILITIES)]
    base = rng.uniform(1.4, 3.4)
    growth = rng.uniform(0.0, 0.15)
    item_bias = {item.id: rng.uniform(-0.8, 0.8) for item in vie.items}
    theme_bias = {theme.id: rng.uniform(-0.8, 0.8) for theme in mie.themes}
    vie_ref = {"code": vie_version.code, "version": vie_version.version, "checksum": vie_version.checksum}
    mie_ref = {"code": mie_version.code, "version": mie_version.version, "checksum": mie_version.checksum}
    goal_codes = ["A", "B", "C", "D"]

    measurements = []
    audits = []
    for f, facility in enumerate(facilities):
        for year in range(YEARS):
            level = base + growth * year + rng.uniform(-0.2, 0.2)
            measured_on = dt.date(FIRST_YEAR + year, 3 + f, 1 + (index % 27))
            direct = {item.id: _clamp(level + item_bias[item.id] + rng.gauss(0, 0.5)) for item in vie.items}
            goals = {item.goal_id: ("A" if year == 0 else rng.choice(goal_codes)) for item in vie.items}
            result, problems = score(vie, MeasurementInput(direct=direct, goals=goals))
            assert result is not None, problems
            noted = set(rng.sample([item.id for item in vie.items], 3))
            measurements.append(
                {
                    "instrument": vie_ref,
                    "measured_on": measured_on.isoformat(),
                    "label": f"meting {FIRST_YEAR + year}",
                    "facility": facility,
                    "facts": {},
                    "criteria": {},
                    "items": {
                        item.id: {
                            "score": direct[item.id],
                            "derived": False,
                            "goal": goals[item.goal_id],
                            "note": _text(rng, 160) if item.id in noted else "",
                        }
                        for item in vie.items
                    },
                    "total": decimal_text(result.total, 1),
                    "level": result.level or None,
                    "printed_total": None,
                    "printed_level": None,
                    "origin": "import",
                    "created_by": member,
                    "created_at": _time(measured_on),
                    "updated_at": _time(measured_on, 11),
                }
            )
            held_on = measured_on + dt.timedelta(days=30)
            pair = rng.sample(range(AUDITOR_POOL), 2)
            themes = {}
            for theme in mie.themes:
                centre = level + theme_bias[theme.id]
                a = _clamp(centre + rng.gauss(0, 0.6))
                b = _clamp(centre + rng.gauss(0, 0.6))
                themes[theme.id] = {
                    "notes": _text(rng, rng.randint(600, 1400)),
                    "explanation": _text(rng, rng.randint(200, 400)),
                    "consensus": rng.choice(sorted({a, b})),
                    "consensus_reason": "",
                    "ratings": [
                        {"auditor": 1, "score": a, "rationale": _text(rng, 120)},
                        {"auditor": 2, "score": b, "rationale": _text(rng, 120)},
                    ],
                }
            recommendations = [
                {"theme": rng.choice(mie.theme_ids), "text": text, "order": order}
                for order, text in enumerate(rng.sample(RECOMMENDATIONS, rng.randint(2, 3)))
            ]
            submitted = _time(held_on + dt.timedelta(days=7))
            audits.append(
                {
                    "instrument": mie_ref,
                    "held_on": held_on.isoformat(),
                    "facility": facility,
                    "phase": "finalised",
                    "ratings_withheld": False,
                    "participants": "teamleider\nervaringsdeskundige\nkwaliteitsmedewerker\nlid cliëntenraad",
                    "auditors": [
                        {
                            "order": 1,
                            "user": f"bench-auditor-{pair[0]:03d}",
                            "full_name": "",
                            "position": "internal",
                            "submitted_at": submitted,
                        },
                        {
                            "order": 2,
                            "user": f"bench-auditor-{pair[1]:03d}",
                            "full_name": "",
                            "position": "external",
                            "submitted_at": submitted,
                        },
                    ],
                    "themes": themes,
                    "conclusion": {"strengths": _text(rng, 300), "improvements": _text(rng, 300)},
                    "recommendations": recommendations,
                    "finalised_at": _time(held_on + dt.timedelta(days=14)),
                    "finalised_by": f"bench-auditor-{pair[0]:03d}",
                    "amendments": [],
                    "created_by": admin,
                    "created_at": _time(held_on - dt.timedelta(days=30)),
                }
            )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organisation": {
            "name": name,
            "sector": sector,
            "clients": rng.choice([800, 2500, 4000, 9000, 15000]),
            "staff_fte": f"{rng.randint(150, 4000)}.00",
            "created_at": _time(dt.date(FIRST_YEAR - 1, 12, 1)),
        },
        "facilities": [{"name": f} for f in sorted(facilities)],
        "roles": [
            {"user": admin, "full_name": "", "role": "admin"},
            {"user": member, "full_name": "", "role": "member"},
        ],
        "measurements": measurements,
        "audits": audits,
    }


def _users(count: int) -> None:
    """The accounts the documents refer to (an import never creates users), in bulk, without passwords."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    names = [f"bench-admin-{i + 1:04d}" for i in range(count)]
    names += [f"bench-member-{i + 1:04d}" for i in range(count)]
    names += [f"bench-auditor-{i:03d}" for i in range(AUDITOR_POOL)]
    users = []
    for name in names:
        user = User(username=name)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    coordinator = User(username=COORDINATOR, is_staff=True, first_name="Bench", last_name="Coördinator")
    coordinator.set_password(PASSWORD)
    coordinator.save()


def _programme(seed: int) -> int:
    """One national programme over every organisation: baseline and follow-up of its first facility."""
    from edmonitor.measurements.models import Measurement
    from edmonitor.organisations.models import Organisation
    from edmonitor.programmes.models import Participation, Programme

    programme = Programme.objects.create(
        name=PROGRAMME,
        description="Synthetische landelijke monitor (benchmark)",
        starts_on=dt.date(FIRST_YEAR, 1, 1),
        ends_on=dt.date(FIRST_YEAR + YEARS - 1, 12, 31),
    )
    first_facility: dict[int, int] = {}
    ends: dict[int, list[Any]] = {}
    rows = Measurement.objects.filter(facility__isnull=False).order_by("facility_id", "measured_on", "id")
    for organisation_id, facility_id, pk in rows.values_list("organisation_id", "facility_id", "pk").iterator():
        first_facility.setdefault(organisation_id, facility_id)
        if facility_id == first_facility[organisation_id]:
            ends.setdefault(organisation_id, []).append(pk)
    participations = [
        Participation(programme=programme, organisation_id=o, baseline_id=pks[0], followup_id=pks[-1])
        for o, pks in ends.items()
    ]
    Participation.objects.bulk_create(participations, batch_size=500)
    assert Organisation.objects.count() == len(participations)
    return len(participations)


def _improvement(seed: int) -> dict[str, int]:
    """Two goals and two actions per organisation, through the improvement services (when present)."""
    try:
        from edmonitor.audits.models import Recommendation
        from edmonitor.improvement import services
        from edmonitor.improvement.models import GoalType
        from edmonitor.organisations.models import Organisation
    except ImportError as error:  # the improvement app may not exist yet in this tree
        print(f"bench: no goals and actions ({error})", file=sys.stderr)
        return {"goals": 0, "actions": 0}
    from django.db import transaction

    rng = random.Random(f"{seed}-improvement")
    goals = actions = 0
    last_year = dt.date(FIRST_YEAR + YEARS - 1, 12, 1)
    for organisation in Organisation.objects.order_by("pk").prefetch_related("facilities"):
        facility = sorted(organisation.facilities.all(), key=lambda f: f.name)[0]
        with transaction.atomic():
            for item in rng.sample(["2a", "6a", "8a", "9a", "10a"], 2):
                services.set_goal(
                    organisation=organisation,
                    instrument="vie",
                    item=item,
                    goal_type=rng.choice([GoalType.MAINTAIN, GoalType.DESCRIPTIVE]),
                    target=None,
                    description=_text(rng, 120),
                    set_on=last_year,
                    due_by=last_year + dt.timedelta(days=365),
                    facility=facility,
                )
                goals += 1
            recommendations = Recommendation.objects.filter(audit__organisation=organisation).order_by(
                "-audit__held_on", "order"
            )[:2]
            for recommendation in recommendations:
                services.action_from_recommendation(
                    recommendation, owner="teamleider", due_on=last_year + dt.timedelta(days=180)
                )
                actions += 1
    return {"goals": goals, "actions": actions}


def generate(scale: float, seed: int, progress: bool = True) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from edmonitor.instruments.definition import latest_audit_version, latest_version
    from edmonitor.measurements.models import InstrumentVersion
    from edmonitor.transfer.importer import import_organisation

    count = max(1, round(FULL_SCALE_ORGANISATIONS * scale))
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a bulk load into a throw-away file: the journal is not needed
            cursor.execute("PRAGMA journal_mode=WAL")
    migrated = time.perf_counter()
    _users(count)
    vie, mie = latest_version("vie"), latest_audit_version()
    vie_version = InstrumentVersion.objects.get(code=vie.code, version=vie.version)
    mie_version = InstrumentVersion.objects.get(code=mie.code, version=mie.version)

    build_seconds = import_seconds = 0.0
    per_org: list[float] = []
    for index, (name, sector) in enumerate(organisation_names(count, seed)):
        t0 = time.perf_counter()
        document = organisation_document(
            index, name, sector, seed, vie=vie, mie=mie, vie_version=vie_version, mie_version=mie_version
        )
        t1 = time.perf_counter()
        report = import_organisation(document)
        t2 = time.perf_counter()
        if not report.ok:
            raise SystemExit("bench: the import refused a generated document:\n" + "\n".join(report.problems[:20]))
        build_seconds += t1 - t0
        import_seconds += t2 - t1
        per_org.append(t2 - t1)
        if progress and (index + 1) % max(1, count // 20) == 0:
            elapsed = time.perf_counter() - migrated
            print(f"bench: {index + 1}/{count} organisations imported ({elapsed:.0f} s)", file=sys.stderr, flush=True)
    imported = time.perf_counter()
    participations = _programme(seed)
    improvement = _improvement(seed)
    finished = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA journal_mode=DELETE")
            cursor.execute("ANALYZE")
    per_org.sort()
    return {
        "scale": scale,
        "seed": seed,
        "organisations": count,
        "facilities": count * FACILITIES,
        "measurements": count * FACILITIES * YEARS,
        "audits": count * FACILITIES * YEARS,
        "participations": participations,
        **improvement,
        "seconds": {
            "total": round(time.perf_counter() - started, 2),
            "migrate": round(migrated - started, 2),
            "build_documents": round(build_seconds, 2),
            "import": round(import_seconds, 2),
            "import_per_organisation_median": round(per_org[len(per_org) // 2], 4),
            "programme_goals_actions": round(finished - imported, 2),
        },
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["DEBUG"] = "0"  # with DEBUG on Django keeps every query in memory
    import django

    django.setup()
    summary = generate(args.scale, args.seed)
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
