"""Plan → JSON in the format of the gold annotations (shared/gold/SCHEMA.md), with extras.

Each task carries its full body in "text" (the gold has only "text_start"), plus
"line"/"lines" (source lines), deadline "kind", unit roles and citations.
"""

from __future__ import annotations

from typing import Any

from fazhi.model import Deadline, DeadlineKind, Plan, Target, Task


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    meta = plan.meta
    return {
        "source": plan.source,
        "title": meta.title,
        "jurisdiction": meta.jurisdiction,
        "level": meta.level.value if meta.level else None,
        "issuers": list(meta.issuers),
        "doc_number": meta.doc_number,
        "date": meta.date.isoformat() if meta.date else None,
        "period": list(meta.period) if meta.period else None,
        "parents": list(meta.parents),
        "script": plan.script,
        "tasks": [task_to_dict(t) for t in plan.tasks],
        "headings": [{"part": h.part, "path": list(h.path), "title": h.title, "line": h.line} for h in plan.headings],
        "unassigned": [{"line": p.line, "reason": p.reason, "text": p.text} for p in plan.unassigned],
        "warnings": [{"code": w.code, "line": w.line, "message": w.message} for w in plan.warnings],
        "repairs": [{"kind": r.kind, "line": r.line, "before": r.before, "after": r.after} for r in plan.repairs],
    }


def task_to_dict(task: Task) -> dict[str, Any]:
    return {
        "part": task.part,
        "path": list(task.path),
        "title": task.title,
        "text": task.text,
        "line": task.line,
        "lines": list(task.lines),
        "lead_units": [u.name for u in task.lead_units],
        "units": [u.name for u in task.own_units],
        "inherited_units": [u.name for u in task.inherited_units],
        "unit_roles": {u.name: u.role.value for u in task.own_units},
        "resolved_units": {u.name: u.resolved for u in task.units if u.resolved},
        "deadlines": [deadline_to_dict(d) for d in task.deadlines],
        "targets": [target_to_dict(t) for t in task.targets],
        "citations": [c.title for c in task.citations],
    }


def deadline_to_dict(deadline: Deadline) -> dict[str, Any]:
    out: dict[str, Any] = {"text": deadline.text, "kind": deadline.kind.value, "line": deadline.span.line}
    if deadline.kind is DeadlineKind.ONE_OFF and deadline.date:
        out["date"] = deadline.date.isoformat()
        out["precision"] = deadline.precision.value if deadline.precision else None
    if deadline.recurring:
        out["recurring"] = deadline.recurring.value
        if deadline.month_day:
            out["month_day"] = deadline.month_day
    return out


def target_to_dict(target: Target) -> dict[str, Any]:
    value: Any = list(target.value) if isinstance(target.value, tuple) else _number(target.value)
    return {"text": target.text, "metric": target.metric, "op": target.op, "value": value, "unit": target.unit,
            "line": target.span.line}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
