"""Document-level conventions: rules a document states once or follows throughout.

* A lead unit set apart by "，" before the "、"-separated others ("县司法局，县法院、县检察院"):
  read as lead only when the document does it consistently and never labels a lead itself.
* "以下均需各镇(街道)、平昌经开区落实，不再列出": later tasks inherit those units.
* Titles: a task's lead phrase before the first 。 is its title when the tasks of that part
  of the document generally open with one; in a part made of plain sentences, none has a title.
"""

from __future__ import annotations

import re

from fazhi import rules
from fazhi.model import UnitRole
from fazhi.parse.units import Clause, FoundUnit


def uses_comma_lead(clauses: list[Clause]) -> bool:
    if any(u.role is UnitRole.LEAD for c in clauses for u in c.units):
        return False
    multi = [c for c in clauses if len(c.units) >= 2 and all(u.role is UnitRole.RESPONSIBLE for u in c.units)]
    with_comma = [c for c in multi if c.has_comma_split]
    return len(multi) >= 3 and len(with_comma) >= 0.8 * len(multi)


def apply_comma_lead(units: list[FoundUnit]) -> list[FoundUnit]:
    if len(units) < 2:
        return units
    head = FoundUnit(units[0].name, UnitRole.LEAD, units[0].start, units[0].end, units[0].is_group)
    rest = [FoundUnit(u.name, UnitRole.PARTICIPATING, u.start, u.end, u.is_group) for u in units[1:]]
    return [head, *rest]


def title_candidate(view: str) -> str | None:
    """The lead phrase before the first 。 when it reads as a title (short, no comma)."""
    limit = int(rules.load("outline")["max_title_chars"])
    first, sep, _ = view.partition("。")
    first = first.strip()
    if sep and 2 <= len(first) <= limit and not re.search(r"[，,；;：:\n]", first):
        return first
    line, newline, rest = view.partition("\n")
    if newline and rest.strip() and 2 <= len(line) <= limit and not re.search(r"[，,；;。]", line):
        return line.strip()
    return None


def part_uses_titles(candidates: list[str | None]) -> bool:
    return bool(candidates) and sum(1 for c in candidates if c) >= 0.5 * len(candidates)
