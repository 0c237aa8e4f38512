"""Text → Plan: the outline, then each task's units, deadlines, targets and citations."""

from __future__ import annotations

import re
from dataclasses import replace

from fazhi.model import (
    Citation,
    Deadline,
    Heading,
    Passage,
    Plan,
    SourceSpan,
    Target,
    Task,
    Text,
    UnitRef,
    UnitRole,
)
from fazhi.model import Warning as PlanWarning
from fazhi.parse import conventions
from fazhi.parse.deadlines import find_deadlines, standing_deadline
from fazhi.parse.meta import read_meta
from fazhi.parse.outline import Body, Item, build_outline, is_guidance, is_task
from fazhi.parse.targets import find_targets
from fazhi.parse.units import Clause, FoundUnit, find_clauses, find_inherit_rule
from fazhi.script import is_traditional, to_simplified
from fazhi.units import UnitRegistry

__all__ = ["parse", "read_deadlines", "read_targets"]

_CLOSING = re.compile(r"本(?:实施)?方案|本(?:工作)?安排|本(?:工作)?要点|本(?:工作)?计划|本意见")


def parse(text: Text, registry: UnitRegistry | None = None) -> Plan:
    outline = build_outline(list(text.blocks))
    meta = read_meta(outline.preamble, text.metadata, list(text.blocks[-6:]))
    plan_year = meta.period[0] if meta.period and meta.period[0] == meta.period[1] else None
    passages = [Passage(b.text, b.line, "preamble") for b in outline.preamble] + outline.passages
    task_flags = {id(i): is_task(i) for i in outline.items}
    items = [i for i in outline.items if task_flags[id(i)]]
    _split_closing_paragraphs(outline.items, passages)
    drafts = [_Draft(item, plan_year) for item in items]
    preamble_rule = find_inherit_rule(to_simplified("\n".join(b.text for b in outline.preamble)))
    _apply_conventions(drafts, preamble_rule)
    _choose_titles(drafts)
    warnings = list(text.warnings) + outline.warnings
    tasks = [d.to_task(registry, warnings) for d in drafts]
    headings = [_heading(i) for i in outline.items if not task_flags[id(i)]]
    passages += [p for i in outline.items if not task_flags[id(i)] for p in _section_text(i)]
    return Plan(meta=meta, headings=tuple(headings), tasks=tuple(tasks), unassigned=tuple(passages),
                warnings=tuple(warnings), repairs=text.repairs, source=text.source,
                script="hant" if is_traditional("".join(b.text for b in text.blocks[:200])) else "hans")


def read_deadlines(text: str, plan_year: int | None = None) -> list[Deadline]:
    """The deadlines in a phrase someone typed ("2024年底前", "每年3月1日前", "长期坚持"), as in a task."""
    view = to_simplified(text)
    return _standing_list(view) or find_deadlines(view, plan_year)


def _standing_list(view: str) -> list[Deadline]:
    standing = standing_deadline(view)
    return [standing] if standing else []


def read_targets(text: str) -> list[Target]:
    """The quantitative targets in a phrase someone typed ("审查率达100%")."""
    return find_targets(to_simplified(text))


def _section_text(item: Item) -> list[Passage]:
    """What a heading carries beyond its own line: guiding text, or a section's introduction."""
    reason = "guidance" if is_guidance(item) else "section-text"
    return [Passage(text, line, reason) for text, line in _pieces(item.body)[1:] if text.strip()]


def _heading(item: Item) -> Heading:
    return Heading(item.part, item.path, item.label, item.head.split("\n")[0], item.line)


def _split_closing_paragraphs(items: list[Item], passages: list[Passage]) -> None:
    """A paragraph after the last task of a part that speaks of the plan itself ("各地区各部门要
    全面准确贯彻本方案…") is the closing text of the document, not part of that task."""
    for part in ("body", "annex"):
        in_part = [i for i in items if i.part == part]
        if not in_part:
            continue
        last = in_part[-1]
        pieces = _pieces(last.body)
        cut = _closing_cut(pieces)
        if cut is None:
            continue
        passages.extend(Passage(t, line, "closing") for t, line in pieces[cut:])
        kept = Body()
        for t, line in pieces[:cut]:
            kept.add(t, line)
        last.body = kept


def _closing_cut(pieces: list[tuple[str, int]]) -> int | None:
    """Where the closing text starts: after the task's last responsibility clause, or, in a task
    without clauses, at a paragraph that speaks of the plan itself."""
    with_clause = [n for n, (t, _) in enumerate(pieces) if find_clauses(to_simplified(t))]
    if with_clause:
        return with_clause[-1] + 1 if with_clause[-1] < len(pieces) - 1 else None
    return next((n for n, (t, _) in enumerate(pieces) if n > 0 and _CLOSING.search(to_simplified(t))), None)


def _pieces(body: Body) -> list[tuple[str, int]]:
    starts = [0] + [i + 1 for i, c in enumerate(body.text) if c == "\n"]
    texts = body.text.split("\n")
    return [(t, body.line_at(s)) for t, s in zip(texts, starts, strict=True)]


class _Draft:
    """A task while the document-level conventions are being decided."""

    def __init__(self, item: Item, plan_year: int | None) -> None:
        self.item = item
        self.text = item.body.text
        self.view = to_simplified(self.text)
        row = item.table_row
        if row is not None:
            self.clauses = _row_clauses(row.cells)
            self.deadlines = _row_deadlines(row.cells.get("deadline", ""), plan_year) + find_deadlines(self.view, plan_year)
        else:
            self.clauses = find_clauses(self.view)
            self.deadlines = find_deadlines(self.view, plan_year)
        self.units: list[FoundUnit] = [u for c in self.clauses for u in c.units]
        self.inherited: list[str] = []
        self.title: str | None = conventions.title_candidate(self.view) if row is None else row.title
        self.targets = find_targets(self.view)

    def to_task(self, registry: UnitRegistry | None, warnings: list[PlanWarning]) -> Task:
        body = self.item.body
        title, text = self._split_title()
        refs = _dedupe([self._ref(u, body, registry, warnings) for u in self.units])
        own = {r.name for r in refs}
        refs += [UnitRef(n, UnitRole.RESPONSIBLE, SourceSpan(self.item.line), is_group=True, inherited=True,
                         resolved=_resolve(n, registry)) for n in self.inherited if n not in own]
        return Task(
            part=self.item.part, path=self.item.path, title=title, text=text, line=self.item.line,
            units=tuple(refs),
            deadlines=tuple(replace(d, span=_locate(d.span, body)) for d in self.deadlines),
            targets=tuple(replace(t, span=_locate(t.span, body)) for t in self.targets),
            citations=tuple(Citation(m.group(1), SourceSpan(body.line_at(m.start()), m.start(), m.end()))
                            for m in re.finditer(r"《([^《》]{2,60})》", self.text)),
            lines=body.lines,
        )

    def _split_title(self) -> tuple[str | None, str]:
        if self.item.table_row is not None:
            return self.title, self.text.strip()
        if not self.title:
            return None, self.text.strip()
        start = self.view.find(self.title)
        title = self.text[start : start + len(self.title)]
        return title, self.text[start + len(self.title) :].lstrip("。\n ").strip()

    def _ref(self, unit: FoundUnit, body: Body, registry: UnitRegistry | None,
             warnings: list[PlanWarning]) -> UnitRef:
        printed = self.text[unit.start : unit.end] if self.item.table_row is None else unit.name
        resolved = _resolve(printed, registry)
        if registry is not None and resolved is None:
            warnings.append(PlanWarning("unit.unknown", f"单位名称“{printed}”不在单位名录中，请确认或添加别名",
                                        body.line_at(unit.start)))
        return UnitRef(printed, unit.role, SourceSpan(body.line_at(unit.start), unit.start, unit.end),
                       is_group=unit.is_group, resolved=resolved)


def _resolve(name: str, registry: UnitRegistry | None) -> str | None:
    if registry is None:
        return None
    unit = registry.resolve(name)
    return unit.name if unit else None


def _dedupe(refs: list[UnitRef]) -> list[UnitRef]:
    seen: dict[str, UnitRef] = {}
    for ref in refs:
        key = to_simplified(re.sub(r"\s", "", ref.name)).translate(str.maketrans("（）", "()"))
        if key not in seen:
            seen[key] = ref
        elif ref.role is UnitRole.LEAD and seen[key].role is not UnitRole.LEAD:
            seen[key] = replace(seen[key], role=UnitRole.LEAD)
    return list(seen.values())


def _locate(span: SourceSpan, body: Body) -> SourceSpan:
    return SourceSpan(body.line_at(span.start), span.start, span.end)


def _row_clauses(cells: dict[str, str]) -> list[Clause]:
    from fazhi.parse.units import clause_from_list

    roles = (("lead", UnitRole.LEAD), ("participating", UnitRole.PARTICIPATING), ("responsible", UnitRole.RESPONSIBLE))
    return [clause_from_list(cells[key], role) for key, role in roles if cells.get(key)]


def _row_deadlines(cell: str, plan_year: int | None) -> list[Deadline]:
    standing = standing_deadline(cell)
    if standing is not None:
        return [standing]
    found = find_deadlines(to_simplified(cell), plan_year)
    return [replace(d, span=SourceSpan(0)) for d in found]


def _apply_conventions(drafts: list[_Draft], preamble_rule: tuple[str, ...]) -> None:
    clauses = [c for d in drafts for c in d.clauses]
    if conventions.uses_comma_lead(clauses):
        for draft in drafts:
            draft.units = [u for c in draft.clauses for u in
                           (conventions.apply_comma_lead(list(c.units)) if c.has_comma_split else c.units)]
    rule: tuple[str, ...] = preamble_rule
    part = "body"
    for draft in drafts:
        if draft.item.part != part:
            rule, part = (), draft.item.part
        if rule:
            draft.inherited = list(rule)
        for clause in draft.clauses:
            if clause.inherit_rule:
                rule = clause.inherit_rule


def _choose_titles(drafts: list[_Draft]) -> None:
    for part in {d.item.part for d in drafts}:
        in_part = [d for d in drafts if d.item.part == part and d.item.table_row is None]
        if not conventions.part_uses_titles([d.title for d in in_part]):
            for draft in in_part:
                draft.title = None
