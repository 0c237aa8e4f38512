"""Responsibility clauses: every convention of the samples and the usual others."""

from __future__ import annotations

import pytest

import fazhi
from fazhi.model import UnitRole
from fazhi.parse.units import find_clauses


def units_of(view: str) -> list[tuple[str, str]]:
    return [(u.name, u.role.value) for c in find_clauses(view) for u in c.units]


CASES = [
    ("inline-hexagonal", "加强监督。〔责任单位：县司法局、县财政局〕",
     [("县司法局", "responsible"), ("县财政局", "responsible")]),
    ("inline-round", "加强监督。（责任单位：市司法局、市直有关部门）",
     [("市司法局", "responsible"), ("市直有关部门", "responsible")]),
    ("lead-and-participating-traditional", "加強監督。(牽頭單位:省司法廳;參加單位:省政府其他有關部門、各市〈州〉政府)",
     [("省司法厅", "lead"), ("省政府其他有关部门", "participating"), ("各市〈州〉政府", "participating")]),
    ("lines-after-task", "加强监督。\n牵头单位：县委编办\n配合单位：县政府办、县司法局",
     [("县委编办", "lead"), ("县政府办", "participating"), ("县司法局", "participating")]),
    ("label-without-colon", "加强监督。\n责任单位县公安局、县司法局",
     [("县公安局", "responsible"), ("县司法局", "responsible")]),
    ("duty-note-only", "加强监督。（省有关单位按职责分工负责）", [("省有关单位", "responsible")]),
    ("sentence-form", "加强监督。由县司法局牵头，县法院、县检察院配合。",
     [("县司法局", "lead"), ("县法院", "participating"), ("县检察院", "participating")]),
    ("sentence-form-duty", "加强监督。由县司法局牵头，县直各部门按职责分工负责。",
     [("县司法局", "lead"), ("县直各部门", "participating")]),
    ("notes-removed", "〔责任单位：州委编办、州司法局等按职责分工负责，下同〕",
     [("州委编办", "responsible"), ("州司法局", "responsible")]),
    ("deng-group-kept", "〔责任单位：县发改局，县市场监督管理局等县级相关部门（单位）〕",
     [("县发改局", "responsible"), ("县市场监督管理局", "responsible"), ("县级相关部门（单位）", "responsible")]),
    ("deng-bare-dropped", "（责任单位：省应急厅、省民政厅等部门）",
     [("省应急厅", "responsible"), ("省民政厅", "responsible")]),
    ("he-inside-a-name", "（责任单位：市政务服务和大数据局、市自然资源和规划局）",
     [("市政务服务和大数据局", "responsible"), ("市自然资源和规划局", "responsible")]),
    ("he-between-units", "〔责任单位：监管部门和州大数据中心等〕",
     [("监管部门", "responsible"), ("州大数据中心", "responsible")]),
    ("ji-between-units", "〔责任单位：州综合执法局及州级行政执法部门〕",
     [("州综合执法局", "responsible"), ("州级行政执法部门", "responsible")]),
    ("brackets-inside-names", "责任单位:县政府相关部门,各乡(镇)、城市社区党(工)委、政府(管委会)",
     [("县政府相关部门", "responsible"), ("各乡(镇)", "responsible"), ("城市社区党(工)委", "responsible"),
      ("政府(管委会)", "responsible")]),
    ("damaged-closing-bracket", "〔责任单位：县政府办，县司法局等县级相关部门（单位))]",
     [("县政府办", "responsible"), ("县司法局", "responsible"), ("县级相关部门（单位)", "responsible")]),
]


@pytest.mark.parametrize(("view", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_responsibility_clauses_are_split_into_units_with_roles(view: str, expected: list[tuple[str, str]]) -> None:
    from fazhi.script import to_simplified

    assert units_of(to_simplified(view)) == [(to_simplified(n), r) for n, r in expected]


COMMA_LEAD_PLAN = """一、优化职能
1.推进改革。深化改革。〔责任单位：县司法局，县法院、县检察院〕
2.优化环境。优化环境。〔责任单位：县发改局，县市场监管局、县司法局〕
3.加强服务。加强服务。〔责任单位：县政府办，县财政局、县审计局〕
"""


def test_a_lead_set_apart_by_a_comma_throughout_the_document_is_the_lead() -> None:
    plan = fazhi.parse_text(COMMA_LEAD_PLAN)
    assert [[u.name for u in t.lead_units] for t in plan.tasks] == [["县司法局"], ["县发改局"], ["县政府办"]]


def test_a_comma_used_only_now_and_then_does_not_make_a_lead() -> None:
    text = COMMA_LEAD_PLAN.replace("县发改局，", "县发改局、").replace("县政府办，", "县政府办、")
    plan = fazhi.parse_text(text)
    assert all(not t.lead_units for t in plan.tasks)


INHERIT_PLAN = """一、优化职能
1.推进改革。深化改革。〔责任单位：县政务中心，县发改局、各镇(街道)；以下均需各镇(街道)、开发区落实，不再列出〕
2.优化环境。优化环境。〔责任单位：县发改局，县市场监管局〕
3.加强服务。加强服务。〔责任单位：县政府办，各镇(街道)〕
"""


def test_a_document_rule_gives_later_tasks_inherited_units_not_printed_again() -> None:
    plan = fazhi.parse_text(INHERIT_PLAN)
    inherited = [[u.name for u in t.inherited_units] for t in plan.tasks]
    assert inherited == [[], ["各镇(街道)", "开发区"], ["开发区"]]
    assert [u.name for u in plan.tasks[0].own_units] == ["县政务中心", "县发改局", "各镇(街道)"]


def test_a_rule_in_the_preamble_applies_to_every_task() -> None:
    text = "为做好工作，制定本要点。以下任务均需各乡镇（街道）落实，不再一一列出\n" + COMMA_LEAD_PLAN
    plan = fazhi.parse_text(text)
    assert all([u.name for u in t.inherited_units] == ["各乡镇（街道）"] for t in plan.tasks)


def test_groups_are_marked_as_groups() -> None:
    plan = fazhi.parse_text(INHERIT_PLAN)
    groups = {u.name: u.is_group for u in plan.tasks[0].own_units}
    assert groups == {"县政务中心": False, "县发改局": False, "各镇(街道)": True}


def test_unit_roles_are_typed() -> None:
    plan = fazhi.parse_text(COMMA_LEAD_PLAN)
    assert {u.role for u in plan.tasks[0].units} == {UnitRole.LEAD, UnitRole.PARTICIPATING}


def test_a_time_limit_inside_the_responsibility_clause_is_not_a_unit() -> None:
    import fazhi

    plan = fazhi.parse_text("一、主要任务\n（一）加强规范性文件管理。（牵头单位：县司法局；配合单位：县财政局、县档案馆；"
                            "完成时限：2025年底前）\n")
    task = plan.tasks[0]
    assert [(u.name, u.role.value) for u in task.units] == [
        ("县司法局", "lead"), ("县财政局", "participating"), ("县档案馆", "participating")]
    assert [d.date.isoformat() for d in task.deadlines if d.date] == ["2025-12-31"]
