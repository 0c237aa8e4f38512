"""Properties that hold for any input: the reader refuses only with FazhiError, the parser never
raises on text, and every line of a plan-like text ends up somewhere in the plan."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fazhi
from fazhi.errors import FazhiError
from fazhi.model import Plan, Text
from fazhi.read import read_bytes

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- arbitrary input -----------------------------------------------------------------------

CJK = "法治政府建设实施方案县市区局委办人民依法行政审批执法监督责任单位牵头配合年底前完成推进落实制度"
PUNCTUATION = "、，。；：（）〔〕《》“”"
FRAGMENTS = ["一、", "二、", "（一）", "（二）", "1.", "2.", "3、", "（1）", "①", "责任单位：", "牵头单位:",
             "配合单位：", "2024年底前", "每年3月底前", "长期坚持", "达100%", "不低于90%", "附件", "附件1",
             "〔2024〕3号", "关于印发《", "》的通知", "\r\n", "\u3000\u3000", "— 3 —", "第1页 共2页"]

plan_ish_text = st.lists(
    st.one_of(
        st.text(alphabet=CJK + PUNCTUATION + "0123456789abcXYZ \n\t", max_size=30),
        st.sampled_from(FRAGMENTS),
    ),
    max_size=60,
).map("".join)


@SETTINGS
@given(st.binary(max_size=4000))
def test_reader_never_raises_anything_but_fazhi_errors_on_arbitrary_bytes(data: bytes) -> None:
    try:
        text = read_bytes(data, "x")
    except FazhiError:
        return
    assert isinstance(text, Text)


@SETTINGS
@given(st.one_of(st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
                 st.binary(max_size=400).map(lambda b: b"%PDF-1.4\n" + b),
                 st.binary(max_size=400).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
                 st.binary(max_size=400).map(lambda b: b"\xff\xfe" + b),
                 st.binary(max_size=400).map(lambda b: b"<html><body>" + b)))
def test_reader_never_raises_anything_but_fazhi_errors_on_bytes_with_a_known_magic_number(data: bytes) -> None:
    try:
        text = read_bytes(data, "x")
    except FazhiError:
        return
    assert isinstance(text, Text)


@SETTINGS
@given(plan_ish_text)
def test_parser_never_raises_on_arbitrary_plan_like_text(text: str) -> None:
    plan = fazhi.parse_text(text)
    assert isinstance(plan, Plan)


@SETTINGS
@given(st.text(max_size=300))
def test_parser_never_raises_on_arbitrary_unicode_text(text: str) -> None:
    assert isinstance(fazhi.parse_text(text), Plan)


# --- nothing is lost -----------------------------------------------------------------------

WORDS = ["法治", "政府", "建设", "依法", "行政", "决策", "程序", "规范性文件", "备案审查", "执法", "监督",
         "公平竞争", "营商环境", "政务公开", "复议", "应诉", "普法", "基层", "数字", "制度", "机制",
         "全面", "深化", "推进", "落实", "完善", "加强", "健全", "提升", "清单", "改革", "平台"]
UNITS = ["县司法局", "县发改局", "县市场监管局", "县政府办", "县财政局", "各镇人民政府", "县级各部门"]
DEADLINES = ["2024年底前完成", "2025年6月底前完成", "每年3月底前", "长期坚持", "持续推进"]
TARGETS = ["审查率达100%", "公开率不低于95%", "覆盖率达到90%以上"]

phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map("".join)
sentence = st.lists(phrase, min_size=1, max_size=3).map("，".join).map(lambda s: s + "。")


@st.composite
def task_line(draw: st.DrawFn, number: int, style: str) -> tuple[str, str]:
    title = draw(phrase)
    body = draw(st.lists(sentence, min_size=0, max_size=3))
    extras = []
    if draw(st.booleans()):
        extras.append(draw(st.sampled_from(TARGETS)) + "。")
    if draw(st.booleans()):
        extras.append(draw(st.sampled_from(DEADLINES)) + "。")
    clause = ""
    if draw(st.booleans()):
        lead, *others = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True))
        label = draw(st.sampled_from(["责任单位：", "牵头单位：", "责任单位:"]))
        wrap = draw(st.sampled_from([("（", "）"), ("〔", "〕"), ("", "")]))
        units = lead + ("，" + "、".join(others) if others else "")
        clause = f"{wrap[0]}{label}{units}{wrap[1]}"
    return style.format(number), title + "。" + "".join(body) + "".join(extras) + clause


CN = "一二三四五六七八九十"


@st.composite
def plan_document(draw: st.DrawFn) -> list[tuple[str, str]]:
    """(marker, content) per line; the line printed is marker + content, with blank lines between."""
    lines: list[tuple[str, str]] = []
    if draw(st.booleans()):
        lines.append(("", "XX县人民政府办公室关于印发《XX县2024年法治政府建设工作要点》的通知"))
        lines.append(("", "各镇人民政府，县级各部门："))
        lines.append(("", draw(sentence)))
    lines.append(("", "XX县2024年法治政府建设工作" + draw(st.sampled_from(["要点", "安排", "实施方案"]))))
    lines.extend(("", s) for s in draw(st.lists(sentence, min_size=0, max_size=2)))
    style = draw(st.sampled_from(["{}.", "{}、", "{}．", "（{}）"]))  # one task numbering per document
    number = 1
    for section in range(draw(st.integers(1, 4))):
        lines.append((f"{CN[section]}、", draw(phrase)))
        lines.extend(("", s) for s in draw(st.lists(sentence, max_size=1)))
        subsections = draw(st.integers(0, 2))
        for sub in range(max(subsections, 1)):
            if subsections:
                lines.append((f"（{CN[sub]}）", draw(phrase)))
            for _ in range(draw(st.integers(1, 3))):
                lines.append(draw(task_line(number, style)))
                number += 1
                lines.extend(("", s) for s in draw(st.lists(sentence, max_size=1)))
    if draw(st.booleans()):
        lines.append(("", "各单位要认真贯彻本方案，确保各项任务落到实处。"))
    if draw(st.booleans()):
        lines.append(("", "XX县人民政府办公室"))
        lines.append(("", "2024年3月1日"))
    return lines


def _squash(text: str) -> str:
    """Compare content, not layout: the parser may split "标题。正文" at the 。 and drop it."""
    return re.sub(r"[\s。]", "", text)


def _everything_in(plan: Plan) -> str:
    meta = plan.meta
    parts: list[str] = []
    for task in plan.tasks:
        parts += [task.title or "", task.text, *(u.name for u in task.units)]
    parts += [h.title for h in plan.headings]
    parts += [p.text for p in plan.unassigned]
    parts += [meta.title or "", meta.doc_number or "", *meta.issuers, *meta.parents]
    return "\n".join(parts)


@SETTINGS
@given(plan_document())
def test_every_line_of_a_plan_like_text_appears_somewhere_in_the_plan(lines: list[tuple[str, str]]) -> None:
    text = "\n\n".join(marker + content for marker, content in lines)
    plan = fazhi.parse_text(text)
    output = _squash(_everything_in(plan))
    repaired = [_squash(r.before) for r in plan.repairs]
    lost = [content for _, content in lines
            if _squash(content) not in output and not any(_squash(content) in b for b in repaired)]
    assert not lost, f"lines missing from the plan: {lost}"
