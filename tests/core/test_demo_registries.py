"""Each sample plan has a demo unit registry of its own jurisdiction, and every unit name the plan
prints resolves in it: the demo shows resolved names, not a page of unit.unknown warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fazhi

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "samples" / "plans"
UNITS = ROOT / "samples" / "units"

PAIRS = [
    pytest.param("000_a7f8e7505c887707.txt", "甘孜藏族自治州.toml", id="ganzi"),
    pytest.param("001_9a15fd9b8090d21b.txt", "遂宁市.toml", id="suining"),
    pytest.param("002_977136e14aa6108a.txt", "泾川县.toml", id="jingchuan"),
    pytest.param("003_b0a8bec7975bfe55.txt", "贵州省.toml", id="guizhou"),
    pytest.param("004_4c3720f33ca48011.txt", "平昌县.toml", id="pingchang"),
]
REGISTRIES = [pytest.param(p.values[1], id=p.id) for p in PAIRS]

# A group member that ends like a place (county, township, prefecture) names an area, not a unit.
PLACE = re.compile(r"(省|市|州|县|区|镇|乡|街道)$")


def test_every_sample_plan_is_paired_with_a_registry() -> None:
    assert {p.values[0] for p in PAIRS} == {f.name for f in PLANS.glob("*.txt")}


@pytest.mark.parametrize("registry_file", REGISTRIES)
def test_each_registry_loads_and_names_its_own_jurisdiction(registry_file: str) -> None:
    registry = fazhi.UnitRegistry.from_file(UNITS / registry_file)
    assert registry.jurisdiction == Path(registry_file).stem
    assert sum(not u.is_group for u in registry.units) >= 30


@pytest.mark.parametrize(("plan_file", "registry_file"), PAIRS)
def test_every_sample_unit_name_resolves_in_its_registry(plan_file: str, registry_file: str) -> None:
    registry = fazhi.UnitRegistry.from_file(UNITS / registry_file)
    plan = fazhi.parse_file(PLANS / plan_file, registry=registry)
    assert [w.message for w in plan.warnings if w.code == "unit.unknown"] == []
    assert all(u.resolved for t in plan.tasks for u in t.units)


@pytest.mark.parametrize("registry_file", REGISTRIES)
def test_group_members_that_are_not_places_are_units_of_the_same_registry(registry_file: str) -> None:
    registry = fazhi.UnitRegistry.from_file(UNITS / registry_file)
    members = {m for u in registry.units if u.is_group for m in u.members if not PLACE.search(m)}
    assert {m for m in members if registry.resolve(m) is None} == set()
