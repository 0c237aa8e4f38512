"""Differences between corresponding tasks (deadline, target, lead unit), the peer view, and the
alignment workbook read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

import fazhi
from fazhi.align import align
from fazhi.align.differences import differences, same_metric
from fazhi.align.peers import compare, targets_for
from fazhi.export.alignment import write_alignment_xlsx

PARENT = """一、主要任务
（一）全面推行行政执法“三项制度”。推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，2023年底前实现全覆盖，重大执法决定法制审核率达100%。（牵头单位：市司法局）
（二）提升行政复议办案质量。畅通行政复议申请渠道，规范办案程序，行政复议决定履行率达到95%以上。（牵头单位：市司法局）
（三）加强行政机关负责人出庭应诉。落实行政机关负责人出庭应诉制度，行政机关负责人出庭应诉率达到90%。（牵头单位：市司法局）
"""
CHILD = """一、主要任务
（一）全面推行行政执法“三项制度”。推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，2024年6月底前实现全覆盖，重大执法决定法制审核率达100%。（牵头单位：县司法局）
（二）提升行政复议办案质量。畅通行政复议申请渠道，规范办案程序，行政复议决定履行率达到90%以上。（牵头单位：县政府办）
（三）加强行政机关负责人出庭应诉。落实行政机关负责人出庭应诉制度，行政机关负责人出庭应诉率达到100%。（牵头单位：县司法局）
"""


def labels(child_index: int) -> dict[str, tuple[str, str]]:
    child, parent = fazhi.parse_text(CHILD).tasks[child_index], fazhi.parse_text(PARENT).tasks[child_index]
    return {d.label: (d.child, d.parent) for d in differences(child, parent)}


def test_a_later_deadline_is_called_out_with_both_printed_values() -> None:
    found = labels(0)
    assert "时限推后" in found
    assert "2024年6月底前" in found["时限推后"][0] and "2023年底前" in found["时限推后"][1]
    assert "牵头单位不同" not in found  # 县司法局 carries out what 市司法局 leads


def test_a_lower_target_and_a_different_lead_unit_are_called_out() -> None:
    found = labels(1)
    assert "目标降低" in found and "90%" in found["目标降低"][0] and "95%" in found["目标降低"][1]
    assert found["牵头单位不同"] == ("县政府办", "市司法局")


def test_a_raised_target_is_called_out() -> None:
    assert "目标提高" in labels(2)


def test_a_ceiling_lowered_is_a_raised_target() -> None:
    parent = fazhi.parse_text("一、任务\n（一）控制行政复议纠错。行政复议纠错率不高于15%。（牵头单位：市司法局）\n").tasks[0]
    child = fazhi.parse_text("一、任务\n（一）控制行政复议纠错。行政复议纠错率不高于10%。（牵头单位：县司法局）\n").tasks[0]
    assert [d.label for d in differences(child, parent) if d.kind == "target"] == ["目标提高"]


def test_a_target_left_out_counts_only_when_the_child_carries_out_the_whole_task() -> None:
    parent = fazhi.parse_text(PARENT).tasks[2]
    child = fazhi.parse_text("一、任务\n（一）落实行政机关负责人出庭应诉制度，推动负责人出庭。（牵头单位：县司法局）\n").tasks[0]
    assert "未写指标" in {d.label for d in differences(child, parent)}
    assert "未写指标" not in {d.label for d in differences(child, parent, same_commitment=False)}


def test_metric_names_meet_across_wordings() -> None:
    assert same_metric("行政机关负责人出庭应诉率", "出庭应诉率")
    assert same_metric("規范性文件備案審查率", "规范性文件备案审查率")
    assert not same_metric("行政复议决定履行率", "行政机关负责人出庭应诉率")


def test_the_alignment_carries_the_differences_of_each_pair() -> None:
    result = align(fazhi.parse_text(CHILD), fazhi.parse_text(PARENT))
    by_path = {p.child.path: {d.label for d in p.differences} for p in result.pairs if p.child.path == p.parent.path}
    assert "时限推后" in by_path[("一", "（一）")]
    assert "目标降低" in by_path[("一", "（二）")]


def test_peers_show_each_plans_counterpart_and_how_it_differs() -> None:
    mine = fazhi.parse_text(PARENT)
    other = fazhi.parse_text(CHILD)
    unrelated = fazhi.parse_text("一、任务\n（一）建设县级智慧停车平台，2024年底前投入使用。（牵头单位：县住建局）\n")
    rows = compare(mine.tasks[1], mine, [("甲县", other), ("乙县", unrelated)])
    assert [r.name for r in rows] == ["甲县", "乙县"]
    assert rows[0].matches[0].task.path == ("一", "（二）")
    assert "目标降低" in {d.label for d in rows[0].matches[0].differences}
    assert rows[1].matches == ()


def test_every_plans_target_for_one_metric() -> None:
    found = targets_for("出庭应诉率", [("市", fazhi.parse_text(PARENT)), ("县", fazhi.parse_text(CHILD))])
    assert [(m.name, m.target.value, m.against) for m in found] == [("市", 90.0, None), ("县", 100.0, "目标提高")]


def test_the_workbook_reads_back_with_every_parent_task_and_its_verdict(tmp_path: Path) -> None:
    child, parent = fazhi.parse_text(CHILD), fazhi.parse_text(PARENT)
    result = align(child, parent)
    out = tmp_path / "对照.xlsx"
    write_alignment_xlsx(result, child, parent, out, "县方案", "市方案")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["落实情况汇总", "上级任务落实情况", "本级自有任务"]
    rows = list(book["上级任务落实情况"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {"一（一）", "一（二）", "一（三）"}
    assert all(r[2] == "已落实" for r in rows)
    assert any("时限推后" in (r[8] or "") for r in rows)
    assert "县方案" in book["落实情况汇总"]["A1"].value


def test_a_formula_in_a_task_stays_text_in_the_workbook(tmp_path: Path) -> None:
    text = "一、任务\n（一）=HYPERLINK(\"http://example.com\",\"点击\")完善行政执法公示制度，推行执法全过程记录。（牵头单位：县司法局）\n"
    child = fazhi.parse_text(text)
    result = align(child, fazhi.parse_text(PARENT))
    out = tmp_path / "a.xlsx"
    write_alignment_xlsx(result, child, fazhi.parse_text(PARENT), out)
    cells = [c for row in openpyxl.load_workbook(out).worksheets[1].iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)


def test_the_cli_writes_the_workbook_and_refuses_an_unwritable_path(tmp_path: Path) -> None:
    samples = Path(__file__).parents[3] / "samples" / "plans"
    child, parent = samples / "004_4c3720f33ca48011.txt", samples / "001_9a15fd9b8090d21b.txt"
    out = tmp_path / "align.xlsx"
    run = subprocess.run([sys.executable, "-m", "fazhi.cli", "align", str(child), str(parent), "--xlsx", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and out.exists()
    assert len(list(openpyxl.load_workbook(out)["上级任务落实情况"].iter_rows())) > 80
    bad = subprocess.run([sys.executable, "-m", "fazhi.cli", "align", str(child), str(parent), "--xlsx",
                          str(tmp_path / "no" / "such" / "dir" / "a.xlsx")], capture_output=True, text=True)
    assert bad.returncode == 2 and "无法写入文件" in bad.stderr and "Traceback" not in bad.stderr


def test_units_named_responsible_are_compared_when_a_plan_names_no_lead() -> None:
    parent = fazhi.parse_text("一、任务\n（一）深化“最多跑一次”改革，推行一网通办。（责任单位：市政务服务和大数据局）\n").tasks[0]
    moved = fazhi.parse_text("一、任务\n（一）深化“最多跑一次”改革，推行一网通办。（责任单位：州行政审批局）\n").tasks[0]
    same = fazhi.parse_text("一、任务\n（一）深化“最多跑一次”改革，推行一网通办。（责任单位：县政务服务和大数据局）\n").tasks[0]
    assert [d.label for d in differences(moved, parent)] == ["牵头单位不同"]
    assert differences(same, parent) == ()
