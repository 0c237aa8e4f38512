"""Plan alignment: correspondence, containment, boilerplate, output shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fazhi
from fazhi.align import align, commitment_text

SAMPLES = Path(__file__).parents[3] / "samples" / "plans"

PARENT = """一、主要任务
（一）深化行政执法体制改革。全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，2023年底前实现全覆盖。（牵头单位：市司法局）
（二）加强行政复议工作。畅通行政复议渠道，提高行政复议办案质量，行政复议纠错率保持合理区间。（牵头单位：市司法局）
（三）全面贯彻落实党中央决策部署，按职责分工负责，进一步加强组织领导。（责任单位：各县（区）人民政府）
"""
CHILD = """一、主要任务
（一）落实行政执法“三项制度”。全面推行行政执法公示制度和执法全过程记录制度，2023年6月底前完成。（牵头单位：县司法局）
（二）全面贯彻落实上级决策部署，按职责分工负责，进一步加强组织领导。（责任单位：各乡镇）
（三）建设县级智慧停车平台，2024年底前投入使用。（牵头单位：县住建局）
"""


def test_a_child_task_carrying_out_part_of_a_broader_parent_task_is_paired() -> None:
    result = align(fazhi.parse_text(CHILD), fazhi.parse_text(PARENT))
    pairs = {("/".join(p.child.path), "/".join(p.parent.path)) for p in result.pairs}
    assert ("一/（一）", "一/（一）") in pairs
    assert any("执法全过程记录" in passage for p in result.pairs for passage in p.shared)


def test_a_local_initiative_has_no_parent_and_an_untouched_parent_task_is_missing() -> None:
    result = align(fazhi.parse_text(CHILD), fazhi.parse_text(PARENT))
    assert ("一", "（三）") in {k.path for k in result.local}
    assert ("一", "（二）") in {k.path for k in result.missing}


def test_formulaic_phrases_alone_do_not_make_two_tasks_correspond() -> None:
    result = align(fazhi.parse_text(CHILD), fazhi.parse_text(PARENT))
    pairs = {(p.child.path, p.parent.path) for p in result.pairs}
    assert (("一", "（二）"), ("一", "（三）")) not in pairs
    assert "全面贯彻" not in commitment_text(fazhi.parse_text(CHILD).tasks[1])


def test_a_plan_aligned_with_itself_pairs_every_task_verbatim() -> None:
    plan = fazhi.parse_file(SAMPLES / "004_4c3720f33ca48011.txt")
    result = align(plan, plan)
    same = {(p.child, p.parent) for p in result.pairs if p.child == p.parent and p.kind == "verbatim"}
    assert len(same) == len(plan.tasks)
    assert result.missing == [] and result.local == []


def test_the_cli_prints_pairs_with_part_and_path_as_parse_prints_them() -> None:
    child, parent = SAMPLES / "004_4c3720f33ca48011.txt", SAMPLES / "001_9a15fd9b8090d21b.txt"
    run = subprocess.run([sys.executable, "-m", "fazhi.cli", "align", str(child), str(parent), "--json"],
                         capture_output=True, text=True, check=True)
    data = json.loads(run.stdout)
    assert set(data) >= {"child", "parent", "pairs", "missing", "local"}
    parsed = json.loads(subprocess.run([sys.executable, "-m", "fazhi.cli", "parse", str(child), "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    paths = {(t["part"], tuple(t["path"])) for t in parsed["tasks"]}
    assert data["pairs"] and all((p["child"]["part"], tuple(p["child"]["path"])) in paths for p in data["pairs"])
    assert {p["kind"] for p in data["pairs"]} <= {"verbatim", "reworded", "partial"}
