"""The structural steps after the logistic model (fazhi.align.scores): competition between crossed pairs
and the annex that restates the body."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fazhi
from fazhi.align import TaskKey, align, restatements
from fazhi.model import Plan

ROOT = Path(__file__).parents[3]


@cache
def plan(name: str) -> Plan:
    return fazhi.parse_file(ROOT / "samples" / "plans" / name)


def body(*path: str) -> TaskKey:
    return TaskKey("body", path)


def test_sibling_measures_pair_with_their_own_counterpart_not_crosswise() -> None:
    # 甘孜 29 深化综合执法体制改革 / 30 推进基层综合执法体制改革 against 遂宁 29 深化综合执法体制改革 /
    # 30 推进乡镇综合执法体制改革: the two share wording crosswise, but each has a far closer counterpart.
    pairs = {(p.child, p.parent) for p in align(plan("000_a7f8e7505c887707.txt"), plan("001_9a15fd9b8090d21b.txt")).pairs}
    mine, theirs = body("二", "（四）", "29"), body("二", "（四）", "30")
    assert (mine, mine) in pairs and (theirs, theirs) in pairs
    assert (mine, theirs) not in pairs and (theirs, mine) not in pairs


def test_a_broad_task_keeps_every_narrow_counterpart() -> None:
    # 泾川 深入推进“放管服”改革 contains several of 遂宁's narrow tasks: each is its best, none is dropped.
    result = align(plan("001_9a15fd9b8090d21b.txt"), plan("002_977136e14aa6108a.txt"))
    broad = body("二", "（五）")
    assert sum(1 for p in result.pairs if p.parent == broad) >= 6


def test_the_annex_restates_the_body() -> None:
    guizhou = plan("003_b0a8bec7975bfe55.txt")
    found = restatements(guizhou)
    assert len(found) >= 40
    for item, measure, probability in found:
        assert guizhou.tasks[item].part == "annex" and guizhou.tasks[measure].part == "body"
        assert 0.5 <= probability <= 1
    assert restatements(plan("000_a7f8e7505c887707.txt")) == []


def test_a_task_that_carries_out_an_annex_item_carries_out_its_body_measure() -> None:
    # 甘孜 精简规范行政许可 carries out 贵州's annex item on 行政许可; that item restates the body measure
    # 深入推进“放管服”改革, which the wording alone scores low.
    pairs = {(p.child, p.parent) for p in align(plan("000_a7f8e7505c887707.txt"), plan("003_b0a8bec7975bfe55.txt")).pairs}
    assert (body("二", "（一）", "4"), body("二", "（一）", "2")) in pairs
