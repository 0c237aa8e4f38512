"""Headings, tasks and paths, whatever numbering the document uses."""

from __future__ import annotations

import fazhi


def paths(text: str) -> list[tuple[str, ...]]:
    return [t.path for t in fazhi.parse_text(text).tasks]


def test_the_usual_hierarchy_nests_and_only_leaves_are_tasks() -> None:
    text = "一、总体要求\n坚持依法行政。\n二、重点任务\n（一）健全职能体系\n1.优化职能。做好工作。\n2.深化改革。做好工作。\n（二）完善制度\n3.加强立法。做好工作。"
    assert paths(text) == [("二", "（一）", "1"), ("二", "（一）", "2"), ("二", "（二）", "3")]


def test_guiding_sections_are_not_tasks() -> None:
    text = "一、总体要求\n（一）指导思想。以习近平新时代中国特色社会主义思想为指导。\n（二）工作目标。到2025年建成。\n二、重点任务\n（三）推进改革。做好工作。（责任单位：县司法局）"
    assert paths(text) == [("二", "（三）")]


def test_a_number_printed_without_its_dot_counts_only_where_it_continues_the_sequence() -> None:
    text = "一、任务\n14.加强复议。做好工作。\n15 构建监督体系。做好工作。\n编制为\n70 人以上的镇，年内配齐。"
    plan = fazhi.parse_text(text)
    assert [t.path for t in plan.tasks] == [("一", "14"), ("一", "15")]


def test_a_lost_number_takes_the_value_its_neighbours_leave() -> None:
    text = "一、总体\n(一)做好甲。内容。\n(二)做好乙。内容。\n二、任务\n)推进丙。内容。\n(四)推进丁。内容。"
    assert paths(text)[2:] == [("二", "（三）"), ("二", "（四）")]


def test_a_missing_opening_bracket_is_still_a_chinese_numbered_item() -> None:
    text = "十、保障\n三十一)加强领导。内容。\n三十二)完善机制。内容。"
    assert paths(text) == [("十", "（三十一）"), ("十", "（三十二）")]


def test_a_heading_split_over_two_lines_is_joined() -> None:
    text = "（四）健全行政执法工作体系，全面推进严格规范公正文\n\n明执法\n\n1.加强执法。内容。"
    plan = fazhi.parse_text(text)
    assert plan.headings[0].title == "健全行政执法工作体系，全面推进严格规范公正文明执法"


def test_other_numbering_styles_nest_too() -> None:
    text = "第一部分 主要任务\n一、执法\n１．加强执法\n（1）规范程序。内容。\n（2）落实制度。内容。\n①加强培训。内容。"
    assert paths(text) == [("第一部分", "一", "1", "（1）"), ("第一部分", "一", "1", "（2）", "①")]


def test_a_task_division_annex_is_its_own_part_with_numbering_restarted() -> None:
    text = ("一、任务\n1.推进改革。内容。\n附件：重点任务分工\n重点任务分工\n一、健全职能\n"
            "1.根据需要调整机构设置。(牵头单位:省委编办;参加单位:省政府各部门)")
    plan = fazhi.parse_text(text)
    assert [(t.part, t.path) for t in plan.tasks] == [("body", ("一", "1")), ("annex", ("一", "1"))]


def test_a_task_division_table_written_as_tab_separated_lines_is_read_by_its_header() -> None:
    text = ("附件\n序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n一、依法履职\n"
            "1\t深化改革\t推行清单管理。\t县政务中心\t县发改局、县司法局\t2025年6月底前\n"
            "2\t优化环境\t开展清理。\t县发改局\t\t长期坚持\n")
    plan = fazhi.parse_text(text)
    first, second = plan.tasks
    assert (first.part, first.path, first.title, first.text) == ("annex", ("一", "1"), "深化改革", "推行清单管理。")
    assert [u.name for u in first.lead_units] == ["县政务中心"]
    assert [u.name for u in first.own_units] == ["县政务中心", "县发改局", "县司法局"]
    assert first.deadlines[0].date is not None and first.deadlines[0].date.isoformat() == "2025-06-30"
    assert second.deadlines[0].kind.value == "standing"


def test_titles_are_the_lead_phrase_only_where_the_part_uses_titles() -> None:
    titled = fazhi.parse_text("一、任务\n1.优化职能。进一步优化。\n2.深化改革。持续深化。")
    plain = fazhi.parse_text("一、任务\n1.根据需要，及时调整机构设置。\n2.完善职能，厘清关系。")
    assert [t.title for t in titled.tasks] == ["优化职能", "深化改革"]
    assert [t.title for t in plain.tasks] == [None, None]


def test_the_closing_paragraph_after_the_last_task_is_not_part_of_it() -> None:
    text = "一、任务\n1.推进改革。内容。〔责任单位：县司法局〕\n各单位要于12月10日前报送落实情况。"
    plan = fazhi.parse_text(text)
    assert "12月10日" not in plan.tasks[0].text and plan.tasks[0].deadlines == ()
    assert [p.reason for p in plan.unassigned if "12月10日" in p.text] == ["closing"]
