"""Responsibility: who leads and who takes part in each task, as printed.

Conventions read here (all matched on the simplified view, reported on the original):
  〔责任单位：A，B、C〕  （责任单位：…）  (牽頭單位:A;參加單位:B)  lines "牵头单位：…" after a task,
  "责任单位县公安局" with the colon lost, "(省有关单位按职责分工负责)", "由A牵头，B、C配合",
  notes (按职责分工负责, 下同) removed, 等 handled, and a document rule such as
  "以下均需各镇(街道)落实，不再列出" giving later tasks inherited units.
Splitting follows the printed separators (、，,；;) and splits 和/及 only between two
complete unit names, so 市政务服务和大数据局 stays one unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fazhi import rules
from fazhi.model import UnitRole
from fazhi.script import to_simplified

_OPEN = "〔（(【[［"
_CLOSE = "〕）)】]］"


@dataclass(frozen=True)
class FoundUnit:
    name: str
    role: UnitRole
    start: int  # offset in the task text
    end: int
    is_group: bool


@dataclass(frozen=True)
class Clause:
    """One responsibility clause: where it is, and the units it names."""

    start: int
    end: int
    units: tuple[FoundUnit, ...]
    has_comma_split: bool  # "A，B、C": a unit set apart by "，" before 、-separated others
    inherit_rule: tuple[str, ...] = ()


@cache
def _labels() -> list[tuple[str, UnitRole]]:
    vocab = rules.load("units")
    pairs = [(w, UnitRole.LEAD) for w in vocab["lead"]]
    pairs += [(w, UnitRole.PARTICIPATING) for w in vocab["participating"]]
    pairs += [(w, UnitRole.RESPONSIBLE) for w in vocab["responsible"]]
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _label_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w, _ in _labels() if len(w) > 2)
    return re.compile(rf"(?P<label>{words})\s*[:：]?\s*")


@cache
def _field_label_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in rules.load("units")["field_labels"])
    return re.compile(rf"(?:^|[；;，,。\s])(?:{words})\s*[:：]")


def _role_of(label: str) -> UnitRole:
    return next(role for word, role in _labels() if word == label)


def find_clauses(view: str) -> list[Clause]:
    """All responsibility clauses in a task's text (simplified view)."""
    clauses: list[Clause] = []
    taken: list[tuple[int, int]] = []
    for start, close in _bracketed_clauses(view):
        clauses.append(_read_clause(view, start + 1, close))
        taken.append((start, close + 1))
    for start, end in _line_clauses(view, taken):
        clauses.append(_read_clause(view, start, end))
    clauses.extend(_sentence_clauses(view, taken))
    return sorted(clauses, key=lambda c: c.start)


def _bracketed_clauses(view: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of brackets that hold a labelled list or end in 负责."""
    found: list[tuple[int, int]] = []
    for match in re.finditer(f"[{re.escape(_OPEN)}]", view):
        start = match.start()
        if found and start <= found[-1][1]:
            continue
        end = _matching_close(view, start)
        inner = view[start + 1 : end].strip()
        if _label_re().match(inner) or _is_duty_note(inner):
            found.append((start, end))
    return found


def _matching_close(view: str, start: int) -> int:
    """Offset of the bracket closing the one at ``start``; any closing bracket counts (print damage
    mixes them), and an unclosed bracket runs to the end of the paragraph."""
    depth = 0
    for i in range(start, len(view)):
        ch = view[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return i
    return len(view)


def _is_duty_note(inner: str) -> bool:
    return bool(re.search(r"(?:按职责分工|按职责|分别)负责$", inner)) and _looks_like_unit(
        re.sub(r"(?:按职责分工|按职责|分别)负责$", "", inner).split("、")[0])


def _line_clauses(view: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Paragraphs of the task that begin with a label: "牵头单位：…", "责任单位县公安局"."""
    found = []
    offset = 0
    for line in view.split("\n"):
        stripped = line.lstrip()
        begin = offset + len(line) - len(stripped)
        if _label_re().match(stripped) and not any(a <= begin < b for a, b in taken):
            found.append((begin, offset + len(line)))
        offset += len(line) + 1
    return found


_SENTENCE = re.compile(
    r"(?:由|请)?(?P<lead>[^，,。；;、\n]{2,30}?(?:、[^，,。；;、\n]{2,30}?)*)牵头[，,]\s*"
    r"(?P<others>[^，,。；;\n]{2,120}?)(?:按职责分工负责|按职责负责|配合|参与|协助|共同(?:负责|落实|推进)|负责)(?:[。；;]|$)"
)


def _sentence_clauses(view: str, taken: list[tuple[int, int]]) -> list[Clause]:
    clauses: list[Clause] = []
    if "牵头" not in view:
        return clauses
    for match in _SENTENCE.finditer(view):
        if any(a <= match.start() < b for a, b in taken):
            continue
        lead = _split_units(view, match.start("lead"), match.end("lead"), UnitRole.LEAD)
        if not lead or not all(_looks_like_unit(u.name) for u in lead):
            continue
        others = _split_units(view, match.start("others"), match.end("others"), UnitRole.PARTICIPATING)
        clauses.append(Clause(match.start(), match.end(), (*lead, *others), False))
    return clauses


def _read_clause(view: str, start: int, end: int) -> Clause:
    """Split a clause into its labelled segments and each segment into units."""
    inner = view[start:end]
    rule_units: tuple[str, ...] = ()
    for pattern in rules.compiled_list("units", "inherit_rules"):
        rule = pattern.search(inner)
        if rule:
            rule_units = tuple(u.name for u in _split_units(view, start + rule.start("units"),
                                                             start + rule.end("units"), UnitRole.RESPONSIBLE))
            end = start + rule.start()
            inner = view[start:end]
    field = _field_label_re().search(inner)
    if field:  # 完成时限：… and the like end the list of units
        inner = inner[: field.start()]
    labels = list(_label_re().finditer(inner))
    units: list[FoundUnit] = []
    if not labels:
        units += _split_units(view, start, start + len(inner), UnitRole.RESPONSIBLE)
    for index, label in enumerate(labels):
        seg_end = labels[index + 1].start() if index + 1 < len(labels) else len(inner)
        role = _role_of(label.group("label"))
        units += _split_units(view, start + label.end(), start + seg_end, role)
    comma = _comma_split(inner, labels)
    return Clause(start, end, tuple(units), comma, rule_units)


def _comma_split(inner: str, labels: list[re.Match[str]]) -> bool:
    if len(labels) != 1 or _role_of(labels[0].group("label")) is not UnitRole.RESPONSIBLE:
        return False
    body = inner[labels[0].end() :]
    first, sep, rest = body.partition("，")
    return bool(sep) and "、" not in first and bool(rest.strip())


# --- splitting a list of units -------------------------------------------------------------


def _split_units(view: str, start: int, end: int, role: UnitRole) -> list[FoundUnit]:
    out: list[FoundUnit] = []
    for piece_start, piece_end in _pieces(view, start, end):
        for s, e in _split_conjunctions(view, piece_start, piece_end):
            unit = _clean_unit(view, s, e, role)
            if unit is not None:
                out.extend(unit)
    return out


def _pieces(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split on 、，,；; and line breaks, but not inside brackets: 各乡(镇)、城市社区党(工)委."""
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = view[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "、，,；;\n":
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return pieces


def _split_conjunctions(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """A及B / A和B where both sides are whole unit names; A等B where B names a group."""
    text = view[start:end]
    for match in re.finditer(r"及|和|以及|等", text):
        left, right = text[: match.start()], text[match.end() :]
        if match.group() == "等":
            if right.strip() and _is_generic(right):
                return [(start, start + match.start())]
            if right.strip() and _looks_like_unit(left) and _looks_like_unit(right):
                return [(start, start + match.start()), (start + match.end(), end)]
            continue
        if _looks_like_unit(left) and _looks_like_unit(right) and _starts_like_unit(right):
            return [(start, start + match.start()), *_split_conjunctions(view, start + match.end(), end)]
    return [(start, end)]


def _clean_unit(view: str, start: int, end: int, role: UnitRole) -> list[FoundUnit] | None:
    text = view[start:end]
    for note in sorted(rules.load("units")["notes"], key=len, reverse=True):
        cut = text.find(note)
        if cut > 0 or (cut == 0 and note != "负责"):
            text = text[:cut]
    text = re.sub(r"等$", "", text.rstrip(" 　:：。.")).rstrip()
    lead_ws = len(text) - len(text.lstrip(" 　"))
    text = text.strip(" 　:：。.〕〔[]")
    text = _balance_brackets(text)
    if len(text) < 2 or not re.search(r"[\u4e00-\u9fff]", text):
        return None
    s = start + lead_ws + view[start + lead_ws : end].find(text[:1])
    return [FoundUnit(text, role, s, s + len(text), is_group(text))]


def _balance_brackets(text: str) -> str:
    """Trim a closing bracket that has no opener (print damage): "县级相关部门（单位))" → "县级相关部门（单位)"."""
    while text and text[-1] in _CLOSE and _depth(text) < 0:
        text = text[:-1]
    if _depth(text) > 0 and text[-1:] not in _CLOSE:
        opener = next(c for c in reversed(text) if c in _OPEN)
        text += _CLOSE[_OPEN.index(opener)]
    return text


def _depth(text: str) -> int:
    return sum(1 for c in text if c in _OPEN) - sum(1 for c in text if c in _CLOSE)


def _is_generic(text: str) -> bool:
    return text.strip() in rules.load("units")["generic_after_deng"]


def _looks_like_unit(text: str) -> bool:
    text = re.sub(r"[（(][^）)]*[）)]$", "", re.sub(r"等$", "", text.strip()))
    return len(text) >= 2 and text.endswith(tuple(rules.load("units")["suffixes"]))


def _starts_like_unit(text: str) -> bool:
    return text.strip().startswith(tuple(rules.load("units")["prefixes"]))


def is_group(name: str) -> bool:
    return any(m in name for m in rules.load("units")["group_markers"])


def clause_from_list(cell: str, role: UnitRole) -> Clause:
    """A table cell that holds a unit list under a column such as 牵头单位."""
    view = to_simplified(cell)
    return Clause(0, len(view), tuple(_split_units(view, 0, len(view), role)), False)


def find_inherit_rule(view: str) -> tuple[str, ...]:
    """Units named by a rule such as "以下任务均需各乡镇（街道）落实，不再一一列出", printed anywhere."""
    for pattern in rules.compiled_list("units", "inherit_rules"):
        rule = pattern.search(view)
        if rule:
            return tuple(u.name for u in _split_units(view, rule.start("units"), rule.end("units"),
                                                      UnitRole.RESPONSIBLE))
    return ()


def without_clauses(text: str) -> str:
    """The text as printed, less its responsibility clauses and their brackets: what a task division
    table prints under 具体措施 when the units have columns of their own."""
    view = to_simplified(text)
    pieces: list[str] = []
    position = 0
    for clause in find_clauses(view):
        start, end = clause.start, clause.end
        if start > 0 and view[start - 1] in _OPEN:  # a bracketed clause goes with its brackets, whole
            start -= 1
            end = max(end, _matching_close(view, start))
        while end < len(view) and view[end] in _CLOSE:  # print damage leaves extra closers: "（单位))]"
            end += 1
        if start < position:
            continue
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    kept = "".join(pieces)
    return re.sub(r"[ \t]*\n[ \t]*\n+", "\n", kept).strip().rstrip("，,；;")
