"""指标体系 (indicator systems): 一级/二级/三级指标 with weights and, at the leaves, 观测点 (checkpoints)
bound to a rate of the facts or scored by hand. An indicator may be 不适用 (not applicable) to a unit, with
a reason; its weight is shared among its applicable siblings in proportion to theirs.

    system = fazhi.indicators.sample_indicators()
    result = fazhi.indicators.score_by_indicators(system, facts, year=2025)

Loaded from TOML (``rules/indicators_sample.toml`` shows the layout) or from an .xlsx laid out the usual way.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fazhi.assess import (
    RATES,
    Assessment,
    AssessmentError,
    Empty,
    ScoreLine,
    UnitFacts,
    UnitScore,
    _choice,
    cents,
    rank,
    rules_text,
    to_decimal,
)

LEVELS = {1: "一级指标", 2: "二级指标", 3: "三级指标"}
_ALL = "下设指标均不适用（"




@dataclass(frozen=True)
class Node:
    """An indicator (一级/二级/三级指标) or, at the leaves, a checkpoint (观测点)."""

    code: str
    name: str
    weight: Decimal
    children: tuple[Node, ...] = ()
    checkpoint: bool = False
    measure: str | None = None  # a rate for checkpoints scored from records; None: scored by hand
    when_empty: Empty = Empty.NOT_APPLICABLE

    @property
    def level_label(self) -> str:
        return "观测点" if self.checkpoint else LEVELS[self.code.count(".") + 1]


@dataclass(frozen=True)
class IndicatorSystem:
    name: str
    roots: tuple[Node, ...]

    def nodes(self) -> list[Node]:
        found: list[Node] = []
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            found.append(node)
            stack += reversed(node.children)
        return found

    def find(self, code: str) -> Node | None:
        return next((n for n in self.nodes() if n.code == code), None)

    @property
    def total(self) -> Decimal:
        return sum((n.weight for n in self.roots), Decimal(0))


def score_by_indicators(system: IndicatorSystem, facts: Sequence[UnitFacts], *, year: int) -> Assessment:
    unknown = sorted({code for unit in facts for code in unit.not_applicable if system.find(code) is None})
    if unknown:
        raise AssessmentError(f"指标体系中没有这些指标：{'、'.join(unknown)}")
    scores = [_score_tree(system, unit) for unit in facts]
    return Assessment(system.name, year, "indicators", rank(scores))


def _score_tree(system: IndicatorSystem, facts: UnitFacts) -> UnitScore:
    lines: list[ScoreLine] = []
    _spread(system.roots, system.total, facts, lines)
    return UnitScore(facts.unit, facts.name, sum((line.points for line in lines), Decimal(0)), tuple(lines))


def _not_applicable(node: Node, facts: UnitFacts) -> str | None:
    """Why a node is not applicable to the unit, or None. A node whose children are all not applicable
    is not applicable itself; a checkpoint whose rate has nothing to count may be, by its rule."""
    if node.code in facts.not_applicable:
        return facts.not_applicable[node.code] or "不适用"
    if node.children:
        reasons = [_not_applicable(child, facts) for child in node.children]
        if not all(reasons):
            return None
        inner = [part for r in reasons if r for part in r.removeprefix(_ALL).removesuffix("）").split("；")]
        return f"{_ALL}{'；'.join(dict.fromkeys(inner))}）"
    if node.measure and node.when_empty is Empty.NOT_APPLICABLE and facts.rate(node.measure)[0] is None:
        return "无应计记录"
    return None


def _spread(nodes: Sequence[Node], weight: Decimal, facts: UnitFacts, lines: list[ScoreLine]) -> None:
    """Share ``weight`` among the applicable nodes in proportion to their own weights."""
    reasons = {n.code: _not_applicable(n, facts) for n in nodes}
    applicable = sum((n.weight for n in nodes if reasons[n.code] is None), Decimal(0))
    for node in nodes:
        reason = reasons[node.code]
        if reason is not None:
            lines.append(ScoreLine(node.code, f"{node.code} {node.name}", Decimal(0), cents(Decimal(0)), weight=cents(Decimal(0)),
                                   note=f"不适用：{reason}；分值 {node.weight} 按比例调剂给同级指标"))
            continue
        share = weight * node.weight / applicable if applicable else Decimal(0)
        if node.children:
            _spread(node.children, share, facts, lines)
        else:
            lines.append(_checkpoint(node, share, facts))


def _checkpoint(node: Node, weight: Decimal, facts: UnitFacts) -> ScoreLine:
    label = f"{node.code} {node.name}"
    shown = cents(weight)
    note = f"原分值 {node.weight}，调剂后 {shown}" if shown != node.weight else ""
    if node.measure is None:
        mark = facts.manual.get(node.code)
        if mark is None:
            return ScoreLine(node.code, label, Decimal(0), cents(Decimal(0)), weight=shown,
                             note=_join(note, "待人工评分"))
        return ScoreLine(node.code, label, mark.value, cents(weight * mark.value), mark.refs, weight=shown,
                         note=_join(note, f"人工评分：{mark.reason}"))
    rate, hits, due = facts.rate(node.measure)
    if rate is None:
        share = Decimal(1) if node.when_empty is Empty.FULL else Decimal(0)
        return ScoreLine(node.code, label, share, cents(weight * share), weight=shown,
                         note=_join(note, "无应计记录，按" + ("满分" if share else "零分") + "计"))
    return ScoreLine(node.code, label, rate, cents(weight * rate), hits, due, weight=shown,
                     note=_join(note, f"{len(hits)}/{len(due)}"))


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def load_indicators(text: str, source: str = "") -> IndicatorSystem:
    """An indicator system from TOML: ``[[indicator]]`` (code "1", "1.2", "1.2.3") and ``[[checkpoint]]``
    (code "1.2.3.1"), each with ``name`` and ``weight``; a checkpoint's ``measure`` is a rate, or absent
    for a checkpoint scored by hand."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AssessmentError(f"指标体系文件格式错误：{error}", source=source) from None
    rows = [(dict(raw), False) for raw in data.get("indicator", [])]
    rows += [(dict(raw), True) for raw in data.get("checkpoint", [])]
    return build_indicators(str(data.get("name", "指标体系")), rows, source)


def build_indicators(name: str, rows: Sequence[tuple[Mapping[str, Any], bool]], source: str = "") -> IndicatorSystem:
    """Build and check the tree from flat rows (code, name, weight, measure, when_empty; checkpoint or not)."""
    flat: dict[str, tuple[Mapping[str, Any], bool]] = {}
    for raw, checkpoint in rows:
        code = str(raw.get("code", ""))
        if not re.fullmatch(r"\d+(\.\d+)*", code):
            raise AssessmentError(f"指标编号“{code}”不是 1、1.2、1.2.3 这样的形式", source=source)
        if code in flat:
            raise AssessmentError(f"指标编号“{code}”重复", source=source)
        if not checkpoint and code.count(".") > 2:
            raise AssessmentError(f"指标“{code}”超过三级", source=source)
        flat[code] = (raw, checkpoint)
    system = IndicatorSystem(name, tuple(_node(c, flat, source) for c in flat if "." not in c))
    _check_tree(system, flat, source)
    return system


def _node(code: str, flat: Mapping[str, tuple[Mapping[str, Any], bool]], source: str) -> Node:
    raw, checkpoint = flat[code]
    kids = tuple(_node(c, flat, source) for c in flat if c.rsplit(".", 1)[0] == code and "." in c)
    measure = raw.get("measure") or None
    if not checkpoint and (kids == () or measure):
        raise AssessmentError(f"指标“{code}”须下设指标或观测点（计分依据写在观测点上）", source=source)
    if checkpoint and kids:
        raise AssessmentError(f"观测点“{code}”不能再下设指标", source=source)
    if measure is not None and measure not in RATES:
        raise AssessmentError(f"观测点“{code}”的计分依据“{measure}”未定义；可用：{'、'.join(RATES)}",
                              source=source)
    try:
        return Node(code, str(raw["name"]), to_decimal(raw["weight"]), kids, checkpoint, measure,
                    _choice(Empty, raw.get("when_empty", Empty.NOT_APPLICABLE), f"指标“{code}”的 when_empty"))
    except KeyError as error:
        raise AssessmentError(f"指标“{code}”缺少 {error.args[0]}", source=source) from None
    except ValueError as error:
        raise AssessmentError(f"指标“{code}”：{error}", source=source) from None


def _check_tree(system: IndicatorSystem, flat: Mapping[str, Any], source: str) -> None:
    placed = {n.code for n in system.nodes()}
    orphans = sorted(set(flat) - placed)
    if orphans:
        raise AssessmentError(f"这些编号找不到上级指标：{'、'.join(orphans)}", source=source)
    for node in system.nodes():
        if node.children and sum((c.weight for c in node.children), Decimal(0)) != node.weight:
            raise AssessmentError(f"指标“{node.code} {node.name}”的分值 {node.weight} 与下设各项之和 "
                                  f"{sum((c.weight for c in node.children), Decimal(0))} 不等", source=source)
    if not system.roots:
        raise AssessmentError("指标体系中没有指标", source=source)


def sample_indicators() -> IndicatorSystem:
    return load_indicators(rules_text("indicators_sample.toml"), "indicators_sample.toml")


# ------------------------------------------------------------------------------------------ xlsx


RATE_WORDS = {"按时报送率": "report_on_time_rate", "任务按期完成率": "task_done_rate", "指标达标率": "target_met_rate",
              "督办按期回复率": "order_on_time_rate"}
_WEIGHT = re.compile(r"^(?P<name>.*?)[（(]\s*(?P<weight>\d+(?:\.\d+)?)\s*分\s*[）)]$")
_HEADERS = {"一级指标": 1, "二级指标": 2, "三级指标": 3, "观测点": 4, "分值": 5, "计分依据": 6}


def load_indicators_xlsx(data: bytes, source: str = "indicators.xlsx") -> IndicatorSystem:
    """An indicator system from a spreadsheet laid out the usual way: columns 一级指标, 二级指标, (三级指标),
    观测点, 分值 and optionally 计分依据 (a rate's name, or empty / 人工评分 for a checkpoint scored by hand).
    An indicator's weight is written in its cell, "依法全面履行职能（20分）"; merged cells are fine."""
    from fazhi.read import xlsx

    rows = [b.cells for b in xlsx.read(data, source).blocks if b.cells]
    start = next((i for i, cells in enumerate(rows) if "观测点" in [c.strip() for c in cells]), None)
    if start is None:
        raise AssessmentError("找不到含“观测点”的表头行", source=source)
    columns = {_HEADERS[c.strip()]: i for i, c in enumerate(rows[start]) if c.strip() in _HEADERS}
    if not {1, 2, 4, 5} <= set(columns):
        raise AssessmentError("表头须有一级指标、二级指标、观测点、分值", source=source)
    built: list[tuple[Mapping[str, Any], bool]] = []
    codes: dict[tuple[str, ...], str] = {}
    for number, cells in enumerate(rows[start + 1:], start=start + 2):
        _xlsx_row(cells, columns, codes, built, f"{source} 第{number}行")
    return build_indicators(_stem(source), built, source)


def _stem(source: str) -> str:
    return source.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _cell(cells: Sequence[str], column: int | None) -> str:
    return cells[column].strip() if column is not None and column < len(cells) else ""


def _xlsx_row(cells: Sequence[str], columns: Mapping[int, int], codes: dict[tuple[str, ...], str],
              built: list[tuple[Mapping[str, Any], bool]], where: str) -> None:
    text = _cell(cells, columns[4])
    if not text:
        return
    path: tuple[str, ...] = ()
    for level in (1, 2, 3):
        label = _cell(cells, columns.get(level))
        if not label:
            continue
        match = _WEIGHT.match(label)
        if match is None:
            raise AssessmentError(f"指标“{label}”没有写分值，例如“依法全面履行职能（20分）”", source=where)
        path = (*path, match["name"].strip())
        if path not in codes:
            parent = codes.get(path[:-1], "")
            codes[path] = _next_code(codes, parent)
            built.append(({"code": codes[path], "name": path[-1], "weight": match["weight"]}, False))
    if not path:
        raise AssessmentError("观测点前须写明所属指标", source=where)
    measure = _cell(cells, columns.get(6))
    measure = RATE_WORDS.get(measure, measure)
    point = {"code": _next_code(codes, codes[path]), "name": text, "weight": _cell(cells, columns[5])}
    codes[(*path, text, point["code"])] = point["code"]
    if measure and measure != "人工评分":
        point["measure"] = measure
    built.append((point, True))


def _next_code(codes: Mapping[tuple[str, ...], str], parent: str) -> str:
    siblings = [c for c in codes.values() if (c.rsplit(".", 1)[0] if "." in c else "") == parent]
    return f"{parent}.{len(siblings) + 1}" if parent else str(len(siblings) + 1)
