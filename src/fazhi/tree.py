"""A plan as a readable tree for the terminal (``fazhi parse FILE``)."""

from __future__ import annotations

from rich.console import Console
from rich.tree import Tree

from fazhi.model import Deadline, Plan, Task


def print_tree(plan: Plan, console: Console | None = None) -> None:
    console = console or Console()
    meta = plan.meta
    root = Tree(f"[bold]{meta.title or plan.source}[/bold]")
    facts = [("发文字号", meta.doc_number), ("行政区划", meta.jurisdiction), ("成文日期", meta.date),
             ("期间", "—".join(map(str, meta.period)) if meta.period else None),
             ("发文机关", "、".join(meta.issuers) or None), ("上级文件", "；".join(meta.parents) or None)]
    for label, value in facts:
        if value:
            root.add(f"{label}：{value}")
    branches: dict[tuple[str, ...], Tree] = {}
    for heading in plan.headings:
        parent = branches.get((heading.part, *heading.path[:-1]), root)
        branches[(heading.part, *heading.path)] = parent.add(f"{heading.label} {heading.title}")
    for task in plan.tasks:
        parent = branches.get((task.part, *task.path[:-1]), root)
        parent.add(_task_line(task))
    console.print(root)
    console.print(f"任务 {len(plan.tasks)} 项；未归入任务的段落 {len(plan.unassigned)} 段；警告 {len(plan.warnings)} 条")
    for warning in plan.warnings:
        where = f"第 {warning.line} 行：" if warning.line else ""
        console.print(f"[yellow]警告[/yellow] {where}{warning.message}", highlight=False)


def _task_line(task: Task) -> str:
    head = task.title or task.text[:30]
    parts = [f"[bold]{task.path[-1]}[/bold] {head}"]
    if task.lead_units:
        parts.append("牵头：" + "、".join(u.name for u in task.lead_units))
    others = [u.name for u in task.own_units if u not in task.lead_units]
    if others:
        parts.append("责任：" + "、".join(others))
    if task.deadlines:
        parts.append("时限：" + "；".join(_deadline(d) for d in task.deadlines))
    if task.targets:
        parts.append("指标：" + "；".join(t.text for t in task.targets))
    return "  ".join(parts).replace("[", "\\[").replace("\\[bold]", "[bold]").replace("\\[/bold]", "[/bold]")


def _deadline(deadline: Deadline) -> str:
    if deadline.date:
        return f"{deadline.text}（{deadline.date.isoformat()}）"
    return deadline.text
