"""The generated world's people and plans: each place's jurisdiction, its unit registry (the sample's, renamed),
its accounts (one office, a reporter and a leader per unit, all with one password hashed once) and its plan
(the sample's, parsed once and derived per place by ``fazhi.perturb.derive_plan``, then published through the
same review → publish path an office uses)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db.models import Count

import fazhi
from fazhi.perturb import derive_plan
from fazhi_web.plans import actions
from fazhi_web.plans import draft as drafting
from fazhi_web.plans.demo import samples_dir
from fazhi_web.plans.models import ImportDraft, Jurisdiction, Membership, Plan, Role, SourceDocument, Unit
from fazhi_web.plans.registry import UnitRow, registry_for

from .blueprint import Place, Sample, Scale

PASSWORD = "gen-pass-2024"
UPPER = "gen-upper"


def office_username(code: str) -> str:
    return f"gen-{code}-office"


def unit_username(code: str, number: int, role: str) -> str:
    """A unit's reporter or leader: the place's code and the unit's number in its registry (u01, u02…)."""
    return f"gen-{code}-u{number:02d}-{role}"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """One hash for every generated account (hashing each with Argon2 would take minutes)."""
    return make_password(PASSWORD)


# ---------------------------------------------------------------- jurisdictions and registries

def create_jurisdiction(*, place: Place, parent: Jurisdiction | None) -> Jurisdiction:
    level = {"province": "province", "prefecture": "prefecture", "county": "county"}[place.level]
    jurisdiction = Jurisdiction.objects.create(name=place.name, level=level, parent=parent)
    rows = [UnitRow(i, u.name, u.aliases, u.is_group, u.members) for i, u in enumerate(renamed_units(place), 1)]
    actions.import_unit_list(jurisdiction=jurisdiction, rows=rows, user=None)
    return jurisdiction


def renamed_units(place: Place) -> list[fazhi.Unit]:
    """The sample's registry with the place's names: units and aliases renamed, townships replaced by the
    place's own, and the groups of the jurisdictions below (各县（市、区）人民政府) made of the generated ones."""
    sub = _substitute(place.rename)
    units = []
    for unit in _sample_registry(place.sample.registry).units:
        members = tuple(sub(m) for m in unit.members)
        if unit.is_group and unit.name.startswith(place.sample.below_groups or ("\0",)):
            members = place.below
        elif place.towns and any(_is_town(m) for m in unit.members):
            members = place.towns + tuple(m for m in members if not _is_town(m))
        units.append(fazhi.Unit(sub(unit.name), tuple(sub(a) for a in unit.aliases), unit.is_group, members))
    return units


def _is_town(name: str) -> bool:
    return name.endswith(("镇", "乡", "街道"))


def _substitute(rename: dict[str, str]) -> Callable[[str], str]:
    pattern = re.compile("|".join(map(re.escape, sorted(rename, key=len, reverse=True))))
    return lambda text: pattern.sub(lambda m: rename[m.group(0)], text)


@lru_cache(maxsize=8)
def _sample_registry(name: str) -> fazhi.UnitRegistry:
    return fazhi.UnitRegistry.from_file(samples_dir() / "units" / f"{name}.toml")


# ---------------------------------------------------------------- accounts

@dataclass(frozen=True)
class People:
    """A place's accounts: the office, and each unit's reporter and leader (by unit id)."""

    office: User
    reporters: dict[int, User]
    leaders: dict[int, User]


def create_people(*, place: Place, jurisdiction: Jurisdiction) -> People:
    """The office account and, for every unit, a reporter and a leader (bulk: one hashed password for all)."""
    units = list(Unit.objects.filter(jurisdiction=jurisdiction).order_by("pk"))
    wanted = [(office_username(place.code), f"{place.name}法治办", Role.OFFICE, None)]
    for number, unit in enumerate(units, 1):
        wanted.append((unit_username(place.code, number, "reporter"), f"{unit.name}填报员", Role.REPORTER, unit))
        wanted.append((unit_username(place.code, number, "leader"), f"{unit.name}分管领导", Role.LEADER, unit))
    users = User.objects.bulk_create([User(username=name, first_name=full[:150], password=password_hash())
                                      for name, full, _, _ in wanted])
    Membership.objects.bulk_create([Membership(user=user, role=role, jurisdiction=jurisdiction, unit=unit)
                                    for user, (_, _, role, unit) in zip(users, wanted, strict=True)])
    by_role: dict[str, dict[int, User]] = {Role.REPORTER: {}, Role.LEADER: {}}
    for user, (_, _, role, unit) in zip(users, wanted, strict=True):
        if unit is not None:
            by_role[role][unit.pk] = user
    return People(users[0], by_role[Role.REPORTER], by_role[Role.LEADER])


def busiest_unit_number(jurisdiction: Jurisdiction) -> int:
    """The number (in usernames) of the jurisdiction's unit with the most tasks."""
    units = list(Unit.objects.filter(jurisdiction=jurisdiction).order_by("pk").annotate(share=Count("assignments")))
    return max(range(len(units)), key=lambda i: (units[i].share, -i)) + 1 if units else 1


def create_upper(*, province: Jurisdiction) -> User:
    user = User.objects.create(username=UPPER, first_name=f"{province.name}查看", password=password_hash())
    Membership.objects.create(user=user, role=Role.VIEWER, jurisdiction=province)
    return user


# ---------------------------------------------------------------- plans

@lru_cache(maxsize=8)
def sample_plan(sample: Sample) -> fazhi.Plan:
    """A sample plan read once per process, resolved against its own registry."""
    return fazhi.parse_file(samples_dir() / "plans" / sample.plan_file, registry=_sample_registry(sample.registry))


def derived_plan(*, place: Place, scale: Scale, seed: int, period: tuple[int, int]) -> fazhi.Plan:
    """The place's plan: its sample renamed and perturbed (and cut to the scale's task count)."""
    plan = derive_plan(sample_plan(place.sample), seed=f"{seed}/{place.code}", rename=place.rename, period=period)
    if scale.max_tasks is not None:
        plan = replace(plan, tasks=_fewer_tasks(plan.tasks, scale.max_tasks))
    return plan


def _fewer_tasks(tasks: tuple[fazhi.Task, ...], count: int) -> tuple[fazhi.Task, ...]:
    """``count`` tasks in document order, those with targets first chosen (a small plan still has targets)."""
    chosen = set(sorted(range(len(tasks)), key=lambda i: (not tasks[i].targets, i))[:count])
    return tuple(t for i, t in enumerate(tasks) if i in chosen)


def publish_plan(*, jurisdiction: Jurisdiction, plan: fazhi.Plan, user: User) -> Plan:
    """Publish a derived plan the way an imported one is: its draft (names resolved against the place's registry),
    then ``publish_draft``. The stored original is the plan written out as text."""
    registry = registry_for(jurisdiction)
    printed = sorted({u.name for t in plan.tasks for u in t.units})
    content = drafting.content_from_plan(plan, registry.resolve_all(printed))
    lines = plan_lines(plan)
    document = _store_text(jurisdiction, f"{plan.meta.title or jurisdiction.name}.txt", "\n".join(lines), user)
    draft = ImportDraft.objects.create(jurisdiction=jurisdiction, document=document, content=content,
                                       source_lines=[[i, text] for i, text in enumerate(lines, 1)], created_by=user)
    return actions.publish_draft(draft=draft, version=draft.version, user=user)


def plan_lines(plan: fazhi.Plan) -> list[str]:
    """The plan as plain text: title, then headings and tasks in document order."""
    entries = [(h.line, f"{h.label}{h.title}") for h in plan.headings]
    entries += [(t.line, f"{t.path[-1] if t.path else ''}{t.title + '。' if t.title else ''}{t.text}")
                for t in plan.tasks]
    return [plan.meta.title or "", *(text for _, text in sorted(entries, key=lambda e: e[0]))]


def _store_text(jurisdiction: Jurisdiction, filename: str, text: str, user: User) -> SourceDocument:
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    document = SourceDocument(jurisdiction=jurisdiction, original_name=Path(filename).name[:255], sha256=digest,
                              size=len(data), format="txt", uploaded_by=user)
    document.file.save(f"{digest}.txt", ContentFile(data), save=False)
    document.save()
    return document
