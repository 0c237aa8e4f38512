"""What a revised document changes in a published plan, task by task, before anything is replaced.

Tasks are matched by their numbering first; a task that moved (renumbered) is matched by its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .models import Plan, Task, TaskStatus

_SAME_TASK = 0.6  # text similarity above which a renumbered task is the same task


@dataclass
class TaskChange:
    kind: str  # "added", "removed", "changed", "unchanged"
    draft_key: str | None
    task: Task | None
    label: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # field label → (before, after)

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "删除", "changed": "修改", "unchanged": "未变"}[self.kind]


def diff_plan(plan: Plan, content: dict[str, Any]) -> list[TaskChange]:
    old = list(plan.tasks.filter(status=TaskStatus.ACTIVE).prefetch_related(
        "assignments__unit", "deadlines", "targets"))
    matches = match_tasks(old, content["tasks"])
    changes: list[TaskChange] = []
    matched_old = set()
    for draft_task in content["tasks"]:
        task = matches.get(draft_task["key"])
        if task is None:
            changes.append(TaskChange("added", draft_task["key"], None, _label(draft_task)))
            continue
        matched_old.add(task.pk)
        fields = _field_changes(task, draft_task, content["names"])
        changes.append(TaskChange("changed" if fields else "unchanged", draft_task["key"], task,
                                  _label(draft_task), fields))
    changes += [TaskChange("removed", None, t, t.path) for t in old if t.pk not in matched_old]
    return changes


def match_tasks(old: list[Task], new: list[dict[str, Any]]) -> dict[str, Task]:
    """Draft task key → the published task it revises."""
    by_path = {(t.part, t.path): t for t in old}
    matches: dict[str, Task] = {}
    for task in new:
        found = by_path.pop((task["part"], "/".join(task["path"])), None)
        if found is not None:
            matches[task["key"]] = found
    left = list(by_path.values())
    for task in new:
        if task["key"] in matches or not left:
            continue
        best = max(left, key=lambda t: _similarity(t.text, task["text"]))
        if _similarity(best.text, task["text"]) >= _SAME_TASK:
            matches[task["key"]] = best
            left.remove(best)
    return matches


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _label(task: dict[str, Any]) -> str:
    return "/".join(task["path"])


def _field_changes(task: Task, new: dict[str, Any], names: dict[str, Any]) -> dict[str, tuple[str, str]]:
    before = {
        "编号": task.path, "标题": task.title, "内容": task.text,
        "牵头单位": "、".join(sorted({a.printed_name or a.unit.name for a in task.assignments.all() if a.role == "lead"})),
        "完成时限": "；".join(sorted({d.text for d in task.deadlines.all()})),
        "量化指标": "；".join(sorted({t.text for t in task.targets.all()})),
    }
    after = {
        "编号": "/".join(new["path"]), "标题": new["title"], "内容": new["text"],
        "牵头单位": "、".join(sorted({u["name"] for u in new["units"] if u["role"] == "lead"})),
        "完成时限": "；".join(sorted({d["text"] for d in new["deadlines"]})),
        "量化指标": "；".join(sorted({t["text"] for t in new["targets"]})),
    }
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}
