"""What changed between a task and the task it corresponds to: a deadline moved, a target raised or
lowered or left out, a different lead unit. Read from the values the reader extracted, never guessed
from the wording, so every difference names the two printed values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fazhi.model import Deadline, DeadlineKind, Target, Task, UnitRef, UnitRole
from fazhi.script import to_simplified

__all__ = ["Difference", "differences", "same_metric"]


@dataclass(frozen=True)
class Difference:
    kind: str  # "deadline", "target", "unit"
    label: str  # what a reader is told, in Chinese: 时限提前, 目标降低, 牵头单位不同 …
    child: str  # the value as the child (or peer) prints it; "" when it prints none
    parent: str  # the value as the parent (or the chosen task) prints it

    def describe(self) -> str:
        """时限推后：2023年底前 → 2024年6月底前 (the parent's value first, then the child's)."""
        return f"{self.label}：{self.parent or '未写'} → {self.child or '未写'}"


def differences(child: Task, parent: Task, *, same_commitment: bool = True) -> tuple[Difference, ...]:
    """Differences between two corresponding tasks. ``same_commitment`` is False when the child carries
    out only part of the parent: then a target or deadline the child does not print is not a gap."""
    return (*_deadline(child, parent, same_commitment), *_targets(child, parent, same_commitment),
            *_lead_units(child, parent))


def _final_date(task: Task) -> Deadline | None:
    dated = [d for d in task.deadlines if d.kind is DeadlineKind.ONE_OFF and d.date is not None]
    return max(dated, key=lambda d: d.date or date.min) if dated else None


def _yearly(task: Task) -> Deadline | None:
    return next((d for d in task.deadlines if d.month_day), None)


def _deadline(child: Task, parent: Task, same_commitment: bool) -> list[Difference]:
    mine, theirs = _final_date(child), _final_date(parent)
    if mine and theirs and mine.date and theirs.date and mine.date != theirs.date:
        label = "时限提前" if mine.date < theirs.date else "时限推后"
        return [Difference("deadline", label, mine.text, theirs.text)]
    if theirs and not mine and not child.deadlines and same_commitment:
        return [Difference("deadline", "未写时限", "", theirs.text)]
    yearly_mine, yearly_theirs = _yearly(child), _yearly(parent)
    if yearly_mine and yearly_theirs and yearly_mine.month_day != yearly_theirs.month_day:
        earlier = (yearly_mine.month_day or "") < (yearly_theirs.month_day or "")
        return [Difference("deadline", "时限提前" if earlier else "时限推后", yearly_mine.text, yearly_theirs.text)]
    return []


def _metric_key(metric: str) -> str:
    return re.sub(r"[\s“”\"（）()、]", "", to_simplified(metric))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def same_metric(a: str, b: str) -> bool:
    """Two metric names that measure the same thing: equal, one inside the other, or mostly the same
    characters (出庭应诉率 and 行政机关负责人出庭应诉率; 审查率 and 合法性审查率)."""
    x, y = _metric_key(a), _metric_key(b)
    if not x or not y:
        return False
    if x == y or (min(len(x), len(y)) >= 3 and (x in y or y in x)):
        return True
    gx, gy = _bigrams(x), _bigrams(y)
    return bool(gx and gy) and 2 * len(gx & gy) / (len(gx) + len(gy)) >= 0.7


def _level(target: Target) -> float:
    value = target.value
    return value[0] if isinstance(value, tuple) else value


def compare_targets(mine: Target, theirs: Target) -> str | None:
    """目标提高 / 目标降低 when one metric's required level differs, None when it is the same or not comparable."""
    if mine.unit != theirs.unit or _level(mine) == _level(theirs):
        return None
    higher = _level(mine) > _level(theirs)
    if mine.op == "<=" and theirs.op == "<=":
        higher = not higher  # a lower ceiling (投诉率不高于2%) is the stricter target
    elif mine.op == "<=" or theirs.op == "<=":
        return None
    return "目标提高" if higher else "目标降低"


def _targets(child: Task, parent: Task, same_commitment: bool) -> list[Difference]:
    found = []
    for theirs in parent.targets:
        mine = next((t for t in child.targets if same_metric(t.metric, theirs.metric)), None)
        if mine is None:
            if same_commitment:
                found.append(Difference("target", "未写指标", "", theirs.text))
            continue
        label = compare_targets(mine, theirs)
        if label:
            found.append(Difference("target", label, mine.text, theirs.text))
    return found


_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}?(?:自治州|自治县|自治区|省|市|州|县|区|旗))")
_LEVEL = re.compile(r"^(?:省|市|州|县|区|旗)")


def _unit_forms(name: str) -> set[str]:
    """A unit's name without the level or place in front, so 县司法局, 市司法局 and 省司法厅 meet."""
    name = re.sub(r"[（(][^）)]*[）)]", "", to_simplified(name)).replace("监督管理", "监管")
    forms = {name, _PLACE.sub("", name), _LEVEL.sub("", name)}
    return forms | {f.replace("厅", "局") for f in forms if f.endswith("厅")}


def _leading(task: Task) -> list[UnitRef]:
    """The units that answer for the task: its lead units, or those named responsible (责任单位) when the
    plan draws no lead/participating line."""
    own = [u for u in task.own_units if not u.is_group]
    lead = [u for u in own if u.role is UnitRole.LEAD]
    return lead or [u for u in own if u.role is UnitRole.RESPONSIBLE]


def _lead_units(child: Task, parent: Task) -> list[Difference]:
    mine, theirs = _leading(child), _leading(parent)
    if not mine or not theirs:
        return []  # a group (各县（区）人民政府) hands the task down; that is not a change of unit
    if any(_unit_forms(a.name) & _unit_forms(b.name) for a in mine for b in theirs):
        return []
    return [Difference("unit", "牵头单位不同", "、".join(u.name for u in mine), "、".join(u.name for u in theirs))]
