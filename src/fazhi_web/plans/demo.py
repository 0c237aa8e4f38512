"""The one seed for the demo and the web tests: jurisdictions, the sample plans loaded through the
same import → publish path an office uses, their unit registries, and the demo accounts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

import fazhi

from . import actions
from .models import Jurisdiction, Level, Membership, Plan, Role, Unit
from .registry import UnitRow

DEMO_PASSWORD = "demo-pass-2024"

# name, level, parent name
JURISDICTIONS = [
    ("中华人民共和国", Level.NATIONAL, None),
    ("四川省", Level.PROVINCE, "中华人民共和国"),
    ("甘孜藏族自治州", Level.PREFECTURE, "四川省"),
    ("遂宁市", Level.PREFECTURE, "四川省"),
    ("巴中市", Level.PREFECTURE, "四川省"),
    ("平昌县", Level.COUNTY, "巴中市"),
    ("甘肃省", Level.PROVINCE, "中华人民共和国"),
    ("平凉市", Level.PREFECTURE, "甘肃省"),
    ("泾川县", Level.COUNTY, "平凉市"),
    ("贵州省", Level.PROVINCE, "中华人民共和国"),
]

# sample file, its jurisdiction (each has samples/units/<jurisdiction>.toml)
SAMPLES = [
    ("000_a7f8e7505c887707.txt", "甘孜藏族自治州"),
    ("001_9a15fd9b8090d21b.txt", "遂宁市"),
    ("002_977136e14aa6108a.txt", "泾川县"),
    ("003_b0a8bec7975bfe55.txt", "贵州省"),
    ("004_4c3720f33ca48011.txt", "平昌县"),
]


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    jurisdiction: str
    unit: str | None = None
    full_name: str = ""


ACCOUNTS = [
    Account("office", Role.OFFICE, "平昌县", None, "平昌县法治办"),
    # the office of another jurisdiction: 遂宁市 is not above 平昌县, so it sees nothing of 平昌县
    Account("office2", Role.OFFICE, "遂宁市", None, "遂宁市法治办"),
    Account("reporter", Role.REPORTER, "平昌县", "县司法局", "县司法局填报员"),
    Account("reporter2", Role.REPORTER, "平昌县", "县市场监督管理局", "县市场监管局填报员"),
    Account("leader", Role.LEADER, "平昌县", "县司法局", "县司法局分管领导"),
    Account("upper", Role.VIEWER, "四川省", None, "四川省法治办"),
    # reads every plan, so the demo's one parent link (泾川县 → 贵州省, see load_demo) can be opened
    Account("nation", Role.VIEWER, "中华人民共和国", None, "全国查看（演示）"),
]


def samples_dir() -> Path:
    configured = os.environ.get("FAZHI_SAMPLES_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[3] / "samples"


def load_demo(*, samples: Path | None = None, plans: bool = True) -> bool:
    """Build the demo world once; returns False (and changes nothing) when it is already there."""
    if Jurisdiction.objects.filter(name="中华人民共和国", parent=None).exists():
        return False
    samples = samples or samples_dir()
    with transaction.atomic():
        places = _create_jurisdictions()
        for name, place in places.items():
            registry_file = samples / "units" / f"{name}.toml"
            if registry_file.exists():
                load_registry_file(jurisdiction=place, path=registry_file)
        _create_accounts(places)
        if plans:
            office = User.objects.get(username="office")
            published = {}
            for filename, place in SAMPLES:
                publisher = office if place == "平昌县" else None  # the demo publishes the other plans as the system
                published[place] = publish_file(jurisdiction=places[place], path=samples / "plans" / filename,
                                                user=publisher)
            # The samples hold no plan of 平凉市 or 甘肃省, 泾川县's own prefecture and province; 泾川县's and
            # 贵州省's plans both carry out the same national outline (法治政府建设实施纲要 2021—2025), so
            # linking them shows the alignment pages on real text.
            actions.set_parent_plan(plan=published["泾川县"], parent=published["贵州省"], user=None)
            _add_progress(places["平昌县"])
    return True


# The generated year of progress (fazhi_web.tracking.demo): 平昌县's 2024 plan, as it stood in late January 2025
# when the fourth quarter's reports were in. The demo accounts' units keep their last two quarters to try out.
PROGRESS_YEAR, PROGRESS_AS_OF, PROGRESS_SEED = 2024, date(2025, 1, 20), 2024


def _add_progress(place: Jurisdiction) -> None:
    from fazhi_web.tracking.demo import generate_progress

    plan = Plan.objects.get(jurisdiction=place, period_start=PROGRESS_YEAR)
    units = Unit.objects.filter(memberships__role=Role.REPORTER, jurisdiction=place).distinct()
    generate_progress(plan=plan, year=PROGRESS_YEAR, as_of=PROGRESS_AS_OF, seed=PROGRESS_SEED, open_for=units)
    from fazhi_web.tracking.annual import assemble_annual_report

    # the year's annual report, drafted from those records as the office would on the first working day after
    assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=None, as_of=date(PROGRESS_YEAR, 12, 31),
                           user=User.objects.filter(memberships__jurisdiction=place, memberships__role=Role.OFFICE)
                           .order_by("pk").first())


def _create_jurisdictions() -> dict[str, Jurisdiction]:
    made: dict[str, Jurisdiction] = {}
    for name, level, parent in JURISDICTIONS:
        made[name] = Jurisdiction.objects.create(name=name, level=level, parent=made.get(parent) if parent else None)
    return made


def load_registry_file(*, jurisdiction: Jurisdiction, path: Path) -> None:
    registry = fazhi.UnitRegistry.from_file(path)
    rows = [UnitRow(i, u.name, u.aliases, u.is_group, u.members) for i, u in enumerate(registry.units, 1)]
    actions.import_unit_list(jurisdiction=jurisdiction, rows=rows, user=None)


def _create_accounts(places: dict[str, Jurisdiction]) -> None:
    for account in ACCOUNTS:
        user = User.objects.create_user(account.username, password=DEMO_PASSWORD, first_name=account.full_name)
        place = places[account.jurisdiction]
        unit = Unit.objects.get(jurisdiction=place, name=account.unit) if account.unit else None
        Membership.objects.create(user=user, role=account.role, jurisdiction=place, unit=unit)


def publish_file(*, jurisdiction: Jurisdiction, path: Path, user: User | None) -> Plan:
    draft = actions.import_document(jurisdiction=jurisdiction, filename=path.name, data=path.read_bytes(),
                                    user=user)
    return actions.publish_draft(draft=draft, version=draft.version, user=user)
