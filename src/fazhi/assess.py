"""考核 (assessment): each unit's score from facts, by a yearly rule set or by an indicator system.

Pure and deterministic: the same facts and rules give the same scores, lines and ranks, in the same
order (``Assessment.digest`` proves it). Every point is a ``ScoreLine`` naming the rule, the quantity,
the points and the records behind them (references such as ``"report:12"``); a unit's total is the
exact sum of its lines.

    rules = fazhi.assess.rules_for(2025)
    result = fazhi.assess.score_by_rules(rules, [UnitFacts("unit:1", "县司法局", counts={...})])
    for score in result.scores:
        print(score.rank, score.name, score.total)

The facts (counts of records) are the vocabulary below; the rules (weights, caps, what an empty
denominator is worth) are data: ``rules/assessment.toml``. Indicator systems (一级/二级/三级指标 and
观测点, with 不适用) score the same facts: see ``fazhi.indicators``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

from fazhi.errors import FazhiError

Refs = tuple[str, ...]

# Counts of records, as the web layer computes them for a unit, a plan and a year.
COUNTS = (
    "reports_due", "reports_on_time", "reports_late", "reports_missing",
    "tasks_due", "tasks_done", "tasks_late", "tasks_overdue",
    "targets_reported", "targets_met", "targets_missed",
    "orders_due", "orders_on_time", "orders_late", "orders_unanswered",
)
# Rates: numerator / denominator, both counts.
RATES = {
    "report_on_time_rate": ("reports_on_time", "reports_due"),
    "task_done_rate": ("tasks_done", "tasks_due"),
    "target_met_rate": ("targets_met", "targets_reported"),
    "order_on_time_rate": ("orders_on_time", "orders_due"),
}
MANUAL = ("bonus", "deduction")
CENT = Decimal("0.01")
_E = TypeVar("_E", bound=StrEnum)


class AssessmentError(FazhiError):
    """A rule set or indicator system that cannot be used as written."""


class Empty(StrEnum):
    """What a rate is worth when there is nothing to count (no orders were opened, say)."""

    FULL = "full"  # full marks: nothing was asked of the unit
    ZERO = "zero"
    NOT_APPLICABLE = "not-applicable"  # indicator systems only: the checkpoint's weight goes to its siblings


class ItemKind(StrEnum):
    PER = "per"  # points for each record counted (negative: a deduction)
    RATE = "rate"  # points × rate
    MANUAL = "manual"  # the office's bonuses or deductions, each with its reason


# ------------------------------------------------------------------------------------------ facts


@dataclass(frozen=True)
class Adjustment:
    """A bonus or deduction the office records by hand, with its reason and records."""

    kind: str  # "bonus" | "deduction"
    points: Decimal  # a magnitude; the kind gives the sign
    reason: str
    refs: Refs = ()


@dataclass(frozen=True)
class ManualScore:
    """The office's judgement on a manual checkpoint: the share (0–1) of its weight earned."""

    value: Decimal
    reason: str
    refs: Refs = ()


@dataclass(frozen=True)
class UnitFacts:
    """What is known about one unit: records by count, manual marks, and indicators not applicable."""

    unit: str
    name: str
    counts: Mapping[str, Refs] = field(default_factory=dict)
    adjustments: tuple[Adjustment, ...] = ()
    manual: Mapping[str, ManualScore] = field(default_factory=dict)
    not_applicable: Mapping[str, str] = field(default_factory=dict)  # indicator code → reason

    def refs(self, measure: str) -> Refs:
        if measure not in COUNTS:
            raise AssessmentError(f"未知的计数项“{measure}”")
        return tuple(self.counts.get(measure, ()))

    def rate(self, measure: str) -> tuple[Decimal | None, Refs, Refs]:
        """(rate or None when nothing was due, the records counted, the records due)."""
        numerator, denominator = RATES[measure]
        hits, due = self.refs(numerator), self.refs(denominator)
        return (Decimal(len(hits)) / Decimal(len(due)) if due else None), hits, due


# ------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class ScoreLine:
    rule: str  # the rule item's id or the checkpoint's code
    label: str
    quantity: Decimal  # a count, a rate, or a share of a weight
    points: Decimal
    refs: Refs = ()  # the records that earned or cost the points
    of: Refs = ()  # for a rate: the records it is a rate of
    weight: Decimal | None = None  # indicator systems: the checkpoint's weight after redistribution
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "label": self.label, "quantity": str(self.quantity), "points": str(self.points),
                "refs": list(self.refs), "of": list(self.of), "weight": None if self.weight is None else
                str(self.weight), "note": self.note}


@dataclass(frozen=True)
class UnitScore:
    unit: str
    name: str
    total: Decimal
    lines: tuple[ScoreLine, ...]
    rank: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "total": str(self.total), "rank": self.rank,
                "lines": [line.as_dict() for line in self.lines]}


@dataclass(frozen=True)
class Assessment:
    title: str
    year: int
    method: str  # "rules" | "indicators"
    scores: tuple[UnitScore, ...]  # in ranked order

    def score_of(self, unit: str) -> UnitScore | None:
        return next((s for s in self.scores if s.unit == unit), None)

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "year": self.year, "method": self.method,
                "scores": [s.as_dict() for s in self.scores]}

    def digest(self) -> str:
        """A fingerprint of the whole result: recomputing from the same records gives the same one."""
        text = json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rank(scores: Iterable[UnitScore]) -> tuple[UnitScore, ...]:
    """Highest total first; ties share a rank (1, 2, 2, 4) and keep the order they came in."""
    ordered = [s for _, s in sorted(enumerate(scores), key=lambda pair: (-pair[1].total, pair[0]))]
    ranked: list[UnitScore] = []
    for place, score in enumerate(ordered, start=1):
        tied = ranked and ranked[-1].total == score.total
        ranked.append(replace(score, rank=ranked[-1].rank if tied else place))
    return tuple(ranked)


# ------------------------------------------------------------------------------------------ rule sets


@dataclass(frozen=True)
class RuleItem:
    id: str
    label: str
    kind: ItemKind
    measure: str
    points: Decimal = Decimal(0)  # per record, or for a rate of 100 %; unused for manual items
    cap: Decimal | None = None  # the most this item can add or take away, in points
    when_empty: Empty = Empty.FULL


@dataclass(frozen=True)
class RuleSet:
    name: str
    from_year: int
    base: Decimal
    items: tuple[RuleItem, ...]
    floor: Decimal | None = None
    ceiling: Decimal | None = None


def score_by_rules(rules: RuleSet, facts: Sequence[UnitFacts], *, year: int | None = None) -> Assessment:
    scores = [_score_unit(rules, unit) for unit in facts]
    return Assessment(rules.name, year or rules.from_year, "rules", rank(scores))


def _score_unit(rules: RuleSet, facts: UnitFacts) -> UnitScore:
    lines = [ScoreLine("base", "基础分", Decimal(1), rules.base)] if rules.base else []
    for item in rules.items:
        lines += _capped(item, _item_lines(item, facts))
    lines += _bounds(rules, sum((line.points for line in lines), Decimal(0)))
    return UnitScore(facts.unit, facts.name, sum((line.points for line in lines), Decimal(0)), tuple(lines))


def _item_lines(item: RuleItem, facts: UnitFacts) -> list[ScoreLine]:
    if item.kind is ItemKind.PER:
        refs = facts.refs(item.measure)
        return [ScoreLine(item.id, item.label, Decimal(len(refs)), cents(item.points * len(refs)), refs)] if refs \
            else []
    if item.kind is ItemKind.RATE:
        rate, hits, due = facts.rate(item.measure)
        if rate is None:
            share = Decimal(1) if item.when_empty is Empty.FULL else Decimal(0)
            return [ScoreLine(item.id, item.label, share, cents(item.points * share), note="无应计记录，按"
                              + ("满分" if share else "零分") + "计")]
        return [ScoreLine(item.id, item.label, rate, cents(item.points * rate), hits, due,
                          note=f"{len(hits)}/{len(due)}")]
    sign = Decimal(1) if item.measure == "bonus" else Decimal(-1)
    return [ScoreLine(item.id, f"{item.label}：{a.reason}", Decimal(1), cents(sign * a.points), a.refs)
            for a in facts.adjustments if a.kind == item.measure]


def _capped(item: RuleItem, lines: list[ScoreLine]) -> list[ScoreLine]:
    """An item past its cap keeps its lines and gains one that takes the excess back."""
    total = sum((line.points for line in lines), Decimal(0))
    if item.cap is None or abs(total) <= item.cap:
        return lines
    excess = total - item.cap if total > 0 else total + item.cap
    return [*lines, ScoreLine(item.id, f"{item.label}（超过上限 {item.cap} 分的部分不计）", Decimal(0), -excess)]


def _bounds(rules: RuleSet, total: Decimal) -> list[ScoreLine]:
    if rules.floor is not None and total < rules.floor:
        return [ScoreLine("floor", f"总分不低于 {rules.floor} 分", Decimal(0), rules.floor - total)]
    if rules.ceiling is not None and total > rules.ceiling:
        return [ScoreLine("ceiling", f"总分不高于 {rules.ceiling} 分", Decimal(0), rules.ceiling - total)]
    return []


def load_rules(text: str, source: str = "") -> tuple[RuleSet, ...]:
    """Rule sets from TOML: ``[[ruleset]]`` with ``from_year``, ``base`` and ``[[ruleset.item]]``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AssessmentError(f"规则文件格式错误：{error}", source=source) from None
    sets = tuple(_ruleset(entry, source) for entry in data.get("ruleset", []))
    if not sets:
        raise AssessmentError("规则文件中没有 [[ruleset]]", source=source)
    years = [s.from_year for s in sets]
    if len(set(years)) != len(years):
        raise AssessmentError("同一年份有两套规则", source=source)
    return tuple(sorted(sets, key=lambda s: s.from_year))


def _ruleset(entry: Mapping[str, Any], source: str) -> RuleSet:
    try:
        items = tuple(_item(raw) for raw in entry.get("item", []))
        ids = [i.id for i in items]
        if len(set(ids)) != len(ids):
            raise AssessmentError("规则项编号重复")
        return RuleSet(str(entry["name"]), int(entry["from_year"]), to_decimal(entry.get("base", 0)), items,
                       _optional(entry.get("floor")), _optional(entry.get("ceiling")))
    except KeyError as error:
        raise AssessmentError(f"规则集缺少 {error.args[0]}", source=source) from None
    except (ValueError, TypeError) as error:
        raise AssessmentError(f"规则集“{entry.get('name', '')}”：{error}", source=source) from None


def _item(raw: Mapping[str, Any]) -> RuleItem:
    kind = _choice(ItemKind, raw["kind"], f"规则项“{raw.get('id')}”的 kind")
    measure = str(raw["measure"])
    known = {ItemKind.PER: COUNTS, ItemKind.RATE: tuple(RATES), ItemKind.MANUAL: MANUAL}[kind]
    if measure not in known:
        raise AssessmentError(f"规则项“{raw.get('id')}”：{kind.value} 不能使用计分依据“{measure}”")
    when_empty = _choice(Empty, raw.get("when_empty", Empty.FULL), f"规则项“{raw.get('id')}”的 when_empty")
    if when_empty is Empty.NOT_APPLICABLE:
        raise AssessmentError(f"规则项“{raw.get('id')}”：评分规则不能设为不适用，请用 full 或 zero")
    return RuleItem(str(raw["id"]), str(raw["label"]), kind, measure, to_decimal(raw.get("points", 0)),
                    _optional(raw.get("cap")), when_empty)


def _choice(enum: type[_E], value: Any, what: str) -> _E:
    """One of an enumeration's values, or an error in Chinese that lists them."""
    try:
        return enum(value)
    except ValueError:
        raise AssessmentError(f"{what}“{value}”无效，可用：{'、'.join(e.value for e in enum)}") from None


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise AssessmentError(f"“{value}”不是数字")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise AssessmentError(f"“{value}”不是数字") from None


def _optional(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def rules_text(name: str) -> str:
    return resources.files("fazhi.rules").joinpath(name).read_text("utf-8")


def rules_for(year: int, text: str | None = None) -> RuleSet:
    """The rule set in force in a year: the latest one starting in or before it."""
    sets = load_rules(text if text is not None else rules_text("assessment.toml"), "assessment.toml")
    found = [s for s in sets if s.from_year <= year]
    if not found:
        raise AssessmentError(f"没有适用于 {year} 年的考核规则")
    return found[-1]
