"""fazhi.perturb.derive_plan: one sample turned into a neighbouring jurisdiction's plan — its place names
replaced everywhere, its years moved to the period asked for, its tasks shuffled, reworded and thinned —
the same for the same seed (the web data generator relies on it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import fazhi
from fazhi.perturb import derive_plan, perturbed_plans, rename_places

ROOT = Path(__file__).resolve().parents[2]
RENAME = {"泾川": "永安", "平凉": "金山", "甘肃": "云岭"}


@pytest.fixture(scope="module")
def jingchuan() -> fazhi.Plan:
    registry = fazhi.UnitRegistry.from_file(ROOT / "samples" / "units" / "泾川县.toml")
    return fazhi.parse_file(ROOT / "samples" / "plans" / "002_977136e14aa6108a.txt", registry=registry)


def texts(plan: fazhi.Plan) -> list[str]:
    found = [plan.meta.title or "", *plan.meta.issuers, *plan.meta.parents, *(h.title for h in plan.headings)]
    for task in plan.tasks:
        found += [task.title or "", task.text, *(u.name for u in task.units), *(d.text for d in task.deadlines)]
    return found


def test_a_derived_plan_names_only_the_new_places(jingchuan: fazhi.Plan) -> None:
    derived = derive_plan(jingchuan, seed="a", rename=RENAME, period=(2022, 2026))
    assert not [t for t in texts(derived) if "泾川" in t or "平凉" in t or "甘肃" in t]
    assert derived.meta.jurisdiction == "永安县"
    assert "永安县" in (derived.meta.title or "")


def test_a_derived_plan_spans_the_period_asked_for(jingchuan: fazhi.Plan) -> None:
    derived = derive_plan(jingchuan, seed="a", rename=RENAME, period=(2024, 2028))
    assert derived.meta.period == (2024, 2028)
    assert "2024-2028" in (derived.meta.title or "")
    years = {d.date.year for t in derived.tasks for d in t.deadlines if d.date}
    assert min(years) >= 2024 and derived.meta.date is not None and derived.meta.date.year == 2024


def test_a_derived_plan_keeps_most_tasks_and_is_the_same_for_the_same_seed(jingchuan: fazhi.Plan) -> None:
    derived = derive_plan(jingchuan, seed="b", rename=RENAME)
    assert derived == derive_plan(jingchuan, seed="b", rename=RENAME)
    assert derived != derive_plan(jingchuan, seed="c", rename=RENAME)
    assert 0.7 * len(jingchuan.tasks) <= len(derived.tasks) <= 1.2 * len(jingchuan.tasks)
    unassigned = sum(1 for t in jingchuan.tasks if not t.units)
    assert sum(1 for t in derived.tasks if not t.units) <= unassigned + 4  # at most four spliced tasks


def test_renaming_a_traditional_plan_replaces_the_traditional_forms_too() -> None:
    registry = fazhi.UnitRegistry.from_file(ROOT / "samples" / "units" / "贵州省.toml")
    plan = fazhi.parse_file(ROOT / "samples" / "plans" / "003_b0a8bec7975bfe55.txt", registry=registry)
    renamed = rename_places(plan, {"贵州": "云岭"})
    assert plan.script == "hant" and "貴州" in (plan.meta.title or "")
    assert not [t for t in texts(renamed) if "貴州" in t or "贵州" in t]


def test_the_corpus_generator_still_makes_the_same_plans(jingchuan: fazhi.Plan) -> None:
    first = list(perturbed_plans([jingchuan], 2, seed=5))
    assert [plan_id for plan_id, _ in first] == ["p5-00000", "p5-00001"]
    assert first == list(perturbed_plans([jingchuan], 2, seed=5))
