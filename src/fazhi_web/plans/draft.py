"""The editable form of a plan under review: the core's ``Plan`` as a JSON document, and the
corrections the office makes to it (edit a task or heading, split or merge tasks, resolve a name).

Pure functions on dictionaries, so the review rules are tested without a database. Every task and
heading has a stable ``key`` (t1, t2…, h1…) that survives edits; ``names`` maps every unit name
printed in the plan to the registry entry it stands for, or ``None`` while it is unknown.
"""

from __future__ import annotations

import re
from typing import Any

import fazhi
from fazhi.export.json import deadline_to_dict, target_to_dict
from fazhi.parse import read_deadlines, read_targets

Content = dict[str, Any]
# A registry entry: ("unit", id) or ("group", id).
Entry = tuple[str, int]

_LIST_SEPARATORS = re.compile(r"[、，,；;\s]+")


class DraftError(ValueError):
    """A correction that cannot be applied; the message is for the office (Chinese)."""


def content_from_plan(plan: fazhi.Plan, resolve: dict[str, Entry | None]) -> Content:
    """The draft of a freshly read plan. ``resolve`` maps printed unit names to registry entries."""
    meta = plan.meta
    tasks = [_task_dict(i, task) for i, task in enumerate(plan.tasks, 1)]
    names = {u["name"]: None for t in tasks for u in t["units"]}
    return {
        "meta": {
            "title": meta.title or "", "jurisdiction": meta.jurisdiction or "", "level": meta.level or "",
            "doc_number": meta.doc_number or "", "date": meta.date.isoformat() if meta.date else "",
            "period": list(meta.period) if meta.period else [], "issuers": list(meta.issuers),
            "script": plan.script,
        },
        "headings": [{"key": f"h{i}", "part": h.part, "path": list(h.path), "label": h.label, "title": h.title,
                      "line": h.line} for i, h in enumerate(plan.headings, 1)],
        "tasks": tasks,
        "names": {name: _entry_json(resolve.get(name)) for name in names},
        "next_key": len(tasks) + 1,
        "warnings": [{"code": w.code, "line": w.line, "message": w.message} for w in plan.warnings],
        "repairs": [{"kind": r.kind, "line": r.line, "before": r.before, "after": r.after} for r in plan.repairs],
        "unassigned": [{"line": p.line, "reason": p.reason, "text": p.text} for p in plan.unassigned],
    }


def _task_dict(index: int, task: fazhi.Task) -> dict[str, Any]:
    return {
        "key": f"t{index}", "part": task.part, "path": list(task.path), "label": task.path[-1] if task.path else "",
        "title": task.title or "", "text": task.text, "line": task.line, "lines": list(task.lines),
        "units": [{"name": u.name, "role": u.role.value, "is_group": u.is_group, "inherited": u.inherited,
                   "line": u.span.line} for u in task.units],
        "deadlines": [deadline_to_dict(d) for d in task.deadlines],
        "targets": [target_to_dict(t) for t in task.targets],
    }


def _entry_json(entry: Entry | None) -> list[Any] | None:
    return [entry[0], entry[1]] if entry else None


def plan_year(content: Content) -> int | None:
    period = content["meta"].get("period") or []
    return int(period[0]) if len(period) == 2 and period[0] == period[1] else None


def find_task(content: Content, key: str) -> dict[str, Any]:
    for task in content["tasks"]:
        if task["key"] == key:
            return task
    raise DraftError("找不到该任务，可能已被合并或拆分，请刷新页面")


def find_heading(content: Content, key: str) -> dict[str, Any]:
    for heading in content["headings"]:
        if heading["key"] == key:
            return heading
    raise DraftError("找不到该标题，请刷新页面")


def unresolved_names(content: Content) -> list[str]:
    """Printed unit names still used by some task and not yet mapped to a unit or group."""
    used = {u["name"] for t in content["tasks"] for u in t["units"]}
    return sorted(n for n in used if content["names"].get(n) is None)


def split_names(text: str) -> list[str]:
    """Unit names typed as a list: 县司法局、县财政局 (also commas, semicolons or spaces)."""
    seen: list[str] = []
    for name in _LIST_SEPARATORS.split(text.strip()):
        if name and name not in seen:
            seen.append(name)
    return seen


def edit_task(content: Content, key: str, *, title: str, text: str, lead: list[str], participating: list[str],
              deadlines: str, targets: str, resolve: dict[str, Entry | None]) -> None:
    """Replace a task's title, text, units, deadlines and targets with the office's corrections.

    Deadlines and targets are typed one per line, as a plan prints them, and read by the core.
    """
    task = find_task(content, key)
    if not text.strip():
        raise DraftError("任务内容不能为空")
    overlap = set(lead) & set(participating)
    if overlap:
        raise DraftError(f"“{'、'.join(sorted(overlap))}”不能既是牵头单位又是配合单位")
    task["title"], task["text"] = title.strip(), text.strip()
    inherited = [u for u in task["units"] if u["inherited"]]
    task["units"] = [_unit(name, "lead", task["line"]) for name in lead] + \
        [_unit(name, "participating", task["line"]) for name in participating] + inherited
    task["deadlines"] = _read_lines(deadlines, lambda line: [deadline_to_dict(d) for d in
                                                               read_deadlines(line, plan_year(content))], "完成时限")
    task["targets"] = _read_lines(targets, lambda line: [target_to_dict(t) for t in read_targets(line)], "量化指标")
    for name in lead + participating:
        if name not in content["names"]:
            content["names"][name] = _entry_json(resolve.get(name))


def _unit(name: str, role: str, line: int) -> dict[str, Any]:
    from fazhi.parse.units import is_group

    return {"name": name, "role": role, "is_group": is_group(name), "inherited": False, "line": line}


def _read_lines(text: str, read: Any, what: str) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        found = read(line)
        if not found:
            raise DraftError(f"无法识别{what}“{line}”，请按方案中的写法填写（如“2025年底前”“审查率达100%”）")
        values.extend(found)
    return values


def edit_heading(content: Content, key: str, *, title: str) -> None:
    if not title.strip():
        raise DraftError("标题不能为空")
    find_heading(content, key)["title"] = title.strip()


def split_task(content: Content, key: str, *, at: int) -> None:
    """Cut a task's text in two at character ``at``; the second half becomes the next task ("之二")."""
    task = find_task(content, key)
    text = task["text"]
    if not 0 < at < len(text) or not text[:at].strip() or not text[at:].strip():
        raise DraftError("拆分位置须在任务内容中间，两部分都不能为空")
    second = {**task, "key": f"t{content['next_key']}", "title": "", "text": text[at:].strip(),
              "label": f"{task['label']}之二", "path": [*task["path"][:-1], f"{task['path'][-1]}之二"],
              "units": [dict(u) for u in task["units"]], "deadlines": [], "targets": []}
    content["next_key"] += 1
    task["text"] = text[:at].strip()
    for field in ("deadlines", "targets"):  # a value printed only in the second half moves with it
        moved = [v for v in task[field] if v["text"] in second["text"] and v["text"] not in task["text"]]
        second[field] = moved
        task[field] = [v for v in task[field] if v not in moved]
    tasks = content["tasks"]
    tasks.insert(tasks.index(task) + 1, second)


def merge_with_next(content: Content, key: str) -> None:
    """Join a task and the one after it (a task the reader cut in two)."""
    tasks = content["tasks"]
    task = find_task(content, key)
    index = tasks.index(task)
    if index + 1 >= len(tasks):
        raise DraftError("这是最后一项任务，没有可合并的下一项")
    nxt = tasks.pop(index + 1)
    task["text"] = f"{task['text']}\n{nxt['text']}" if not nxt["title"] else \
        f"{task['text']}\n{nxt['title']}。{nxt['text']}"
    task["lines"] = sorted(set(task["lines"]) | set(nxt["lines"]))
    known = {u["name"] for u in task["units"]}
    task["units"] += [u for u in nxt["units"] if u["name"] not in known]
    task["deadlines"] += nxt["deadlines"]
    task["targets"] += nxt["targets"]


def resolve_name(content: Content, name: str, entry: Entry) -> None:
    if name not in content["names"]:
        raise DraftError(f"草稿中没有单位名称“{name}”")
    content["names"][name] = _entry_json(entry)
