"""Test helpers: a dialogue method of our own (independent of the knowledge content files)."""

from __future__ import annotations

from edmonitor.knowledge.models import DialogueMethod, MethodStep, RoleUse, Source

ROLE_USES = {
    "clients": RoleUse.REQUIRED,
    "relatives": RoleUse.WELCOME,
    "experts": RoleUse.REQUIRED,
    "professionals": RoleUse.WELCOME,
    "managers": RoleUse.WELCOME,
    "board": RoleUse.NOT_INTENDED,
}


def make_method(slug: str = "testgesprek", *, min_group=4, max_group=8, steps=3, roles=None) -> DialogueMethod:
    """A method for 4–8 people that needs clients and experts and is not meant for the board."""
    source, _created = Source.objects.get_or_create(
        key="004", defaults={"file": "004.txt", "title": "Referentiekader", "edition": "2026"}
    )
    uses = {**ROLE_USES, **(roles or {})}
    method = DialogueMethod.objects.create(
        slug=slug,
        name_nl="Testgesprek",
        name_en="Test conversation",
        summary_nl="Samenvatting",
        purpose_nl="Doel",
        setup_nl="Opzet",
        participants_nl="Deelnemers",
        yields_nl="Opbrengst",
        strengths_nl="Sterk",
        limitations_nl="Beperkt",
        min_group=min_group,
        max_group=max_group,
        aim="exploration",
        source=source,
        section="§2",
        **{f"role_{role}": use for role, use in uses.items()},
    )
    MethodStep.objects.bulk_create(
        MethodStep(method=method, number=n, text_nl=f"Stap {n}", text_en=f"Step {n}") for n in range(1, steps + 1)
    )
    return method
