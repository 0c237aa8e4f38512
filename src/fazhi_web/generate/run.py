"""The generator's one entry point: build the blueprint's places one jurisdiction at a time, each committed
on its own (an interruption leaves whole jurisdictions), and say what was made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from fazhi_web.plans.models import Jurisdiction

from . import records, world
from .blueprint import Place, Scale, blueprint
from .files import evidence_files
from .remove import generated_provinces, remove_generated


class AlreadyGenerated(Exception):
    """A generated province is already in the database (the message, in Chinese, says what to do)."""


@dataclass
class Summary:
    """What a run made: the province, the places, their plans, the accounts, and the record counts."""

    province: str = ""
    places: int = 0
    plans: int = 0
    accounts: int = 0
    counts: records.Counts = field(default_factory=records.Counts)
    examples: dict[str, str] = field(default_factory=dict)  # who → username, for the final message


def generate(*, scale: Scale, seed: int, as_of: date, replace: bool = False,
             on_place: Callable[[Place], None] | None = None) -> Summary:
    """Generate a province at ``scale`` as it stands on ``as_of``; refuses when one is there unless ``replace``."""
    existing = generated_provinces()
    if existing and not replace:
        raise AlreadyGenerated(f"数据库中已有生成的数据（{existing[0].name}）。如要重新生成，请加 --replace（将删除原有生成数据）。")
    if existing:
        remove_generated()
    places = blueprint(scale, seed)
    period = (as_of.year - scale.years + 1, as_of.year)
    files = evidence_files()
    summary = Summary(province=places[0].name)
    made: dict[str, Jurisdiction] = {}
    for place in places:
        with transaction.atomic():
            made[place.code] = _build(place, made, scale=scale, seed=seed, period=period, as_of=as_of, files=files,
                                      summary=summary)
        if on_place is not None:
            on_place(place)
    summary.examples = _examples(places, scale, made)
    refresh_statistics()
    return summary


def refresh_statistics() -> None:
    """Let PostgreSQL's planner see the rows just written: after a bulk load its statistics describe the empty
    tables (autovacuum catches up only later, or never where it is off), and it then picks plans that join every
    cycle of the province. SQLite's planner needs no such step here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _build(place: Place, made: dict[str, Jurisdiction], *, scale: Scale, seed: int, period: tuple[int, int],
           as_of: date, files: list, summary: Summary) -> Jurisdiction:  # type: ignore[type-arg]
    """One jurisdiction: registry, accounts and, at the scale's levels, its plan and records."""
    jurisdiction = world.create_jurisdiction(place=place, parent=made.get(place.parent) if place.parent else None)
    if place.parent is None:
        world.create_upper(province=jurisdiction)
        summary.accounts += 1
    people = world.create_people(place=place, jurisdiction=jurisdiction)
    summary.places += 1
    summary.accounts += 1 + len(people.reporters) + len(people.leaders)
    if place.level not in scale.plan_levels:
        return jurisdiction
    core = world.derived_plan(place=place, scale=scale, seed=seed, period=period)
    plan = world.publish_plan(jurisdiction=jurisdiction, plan=core, user=people.office)
    summary.plans += 1
    summary.counts.add(records.generate_records(plan=plan, people=people, years=period, as_of=as_of,
                                                seed=f"{seed}/{place.code}/records", files=files))
    return jurisdiction


def _examples(places: list[Place], scale: Scale, made: dict[str, Jurisdiction]) -> dict[str, str]:
    """One account of each kind, in the first place that has a plan (the unit with the most tasks)."""
    place = next((p for p in places if p.level in scale.plan_levels), places[0])
    number = world.busiest_unit_number(made[place.code])
    return {"upper": world.UPPER, "office": world.office_username(place.code),
            "reporter": world.unit_username(place.code, number, "reporter"),
            "leader": world.unit_username(place.code, number, "leader")}
