"""The hand-checked gold set of corresponding task pairs is internally consistent.

This only checks the set's integrity against the reader's output; it measures no aligner.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

import fazhi
from fazhi.export.json import plan_to_dict

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "fixtures" / "align"
PLANS = ROOT / "samples" / "plans"
FILES = sorted(GOLD.glob("*.json"))
RELATIONS = {"same", "a-contains-b", "b-contains-a"}


@cache
def _tasks(name: str) -> frozenset[tuple[str, tuple[str, ...]]]:
    plan = plan_to_dict(fazhi.parse_file(str(PLANS / name)))
    return frozenset((t["part"], tuple(t["path"])) for t in plan["tasks"])


def _key(ref: dict[str, object]) -> tuple[str, tuple[str, ...]]:
    assert set(ref) == {"part", "path"}, ref
    path = ref["path"]
    assert isinstance(path, list) and all(isinstance(p, str) for p in path), ref
    return str(ref["part"]), tuple(path)


def _load(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_there_is_a_gold_set_of_reasonable_size() -> None:
    assert len(FILES) >= 5
    assert sum(len(_load(f)["pairs"]) for f in FILES) >= 150  # type: ignore[arg-type]


@pytest.mark.parametrize("gold", FILES, ids=[f.stem for f in FILES])
def test_gold_file_is_consistent_with_the_reader(gold: Path) -> None:
    data = _load(gold)
    assert set(data) == {"a", "b", "checked_a", "checked_b", "pairs"}
    a, b = str(data["a"]), str(data["b"])
    assert a != b
    assert gold.stem == f"{Path(a).stem}__{Path(b).stem}"
    tasks_a, tasks_b = _tasks(a), _tasks(b)

    checked_a = [_key(r) for r in data["checked_a"]]  # type: ignore[union-attr]
    checked_b = [_key(r) for r in data["checked_b"]]  # type: ignore[union-attr]
    assert len(checked_a) == len(set(checked_a)), "duplicate in checked_a"
    assert len(checked_b) == len(set(checked_b)), "duplicate in checked_b"
    assert set(checked_a) <= tasks_a, sorted(set(checked_a) - tasks_a)
    assert set(checked_b) <= tasks_b, sorted(set(checked_b) - tasks_b)

    seen: set[tuple[object, object]] = set()
    for pair in data["pairs"]:  # type: ignore[union-attr]
        assert set(pair) == {"a", "b", "relation", "note"}, pair
        ka, kb = _key(pair["a"]), _key(pair["b"])
        assert ka in tasks_a, f"{a}: no task {ka}"
        assert kb in tasks_b, f"{b}: no task {kb}"
        assert ka in set(checked_a), f"paired task {ka} not in checked_a"
        assert kb in set(checked_b), f"paired task {kb} not in checked_b"
        assert pair["relation"] in RELATIONS, pair
        assert isinstance(pair["note"], str) and pair["note"].strip(), pair
        assert (ka, kb) not in seen, f"duplicate pair {ka} {kb}"
        seen.add((ka, kb))


def test_no_plan_pair_is_given_twice() -> None:
    pairs = [frozenset((str(_load(f)["a"]), str(_load(f)["b"]))) for f in FILES]
    assert len(pairs) == len(set(pairs))
