"""Many plausible plans from a few real ones: for measuring the corpus index (``perturbed_plans``) and
for the web application's data generator (``derive_plan``: one sample turned into a neighbouring
jurisdiction's plan, its place names replaced and its years moved).

A generated plan is one sample plan (sometimes two, concatenated, so the mean is about 100 tasks) with
its tasks reordered within their sections, some reworded with official-style synonyms, 10–20% dropped,
a few new ones spliced from sentences of other tasks, and its years and percentages moved, as a later or
neighbouring jurisdiction's plan would read. Everything follows from the seed.

Every edit keeps the text's length (the synonym pairs have equal length, a year stays four digits, a
percentage keeps its digit count), so the source spans of units, deadlines and targets stay valid.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from fazhi.align import TaskKey
from fazhi.model import Deadline, Heading, Plan, PlanMeta, Target, Task, UnitRef
from fazhi.numerals import to_int
from fazhi.script import is_traditional, to_traditional

_Sub = Callable[[str], str]

# Official-style near synonyms, written both ways round in use: either word may replace the other.
# Equal lengths on purpose (see the module docstring).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("推进", "推动"), ("加强", "强化"), ("完善", "健全"), ("落实", "执行"), ("深化", "推进"),
    ("建立", "构建"), ("规范", "严格"), ("提升", "提高"), ("加快", "加速"), ("开展", "组织"),
    ("推行", "实行"), ("优化", "改进"), ("全面", "全力"), ("持续", "不断"), ("积极", "主动"),
    ("切实", "务必"), ("依法", "依规"), ("监督", "监管"), ("机制", "制度"), ("工作", "业务"),
    ("建设", "打造"), ("促进", "推动"), ("保障", "保证"), ("统筹", "协调"), ("创新", "革新"),
    ("严格", "从严"), ("及时", "按时"), ("坚持", "坚守"), ("构建", "形成"), ("实现", "达成"),
    ("确保", "保证"), ("强化", "增强"), ("支持", "扶持"), ("鼓励", "引导"), ("清理", "梳理"),
    ("公开", "公示"), ("培训", "轮训"), ("考核", "考评"), ("督查", "督导"), ("整改", "纠正"),
    ("防范", "预防"), ("化解", "消解"), ("推广", "普及"), ("拓展", "拓宽"), ("畅通", "疏通"),
    ("政务服务", "政务办理"), ("体制改革", "制度改革"), ("进一步", "更大力"), ("常态化", "经常化"),
    ("法治思维", "法治意识"),
)

PAIR_SHARE = 0.5  # share of generated plans made of two samples (brings the mean to ~100 tasks)


@dataclass(frozen=True)
class Origin:
    """Where a generated task came from: sample index, its key there, and what was done to it."""

    seed: int  # index into the seeds list; -1 for a spliced task
    key: TaskKey | None  # None for a spliced task
    kind: str  # "kept" (only figures moved), "reworded" (synonyms replaced), "spliced" (new task)


def perturbed_plans(seeds: list[Plan], count: int, seed: int) -> Iterator[tuple[str, Plan]]:
    """``count`` generated plans with their ids, the same for the same seeds and seed."""
    for plan_id, plan, _ in perturbed_plans_with_origins(seeds, count, seed):
        yield plan_id, plan


def perturbed_plans_with_origins(seeds: list[Plan], count: int,
                                 seed: int) -> Iterator[tuple[str, Plan, dict[TaskKey, Origin]]]:
    """As ``perturbed_plans``, with each generated task's origin (for checking what the index finds)."""
    if not seeds:
        return
    pool = [(s, t) for s, plan in enumerate(seeds) for t in plan.tasks]
    for number in range(count):
        rng = random.Random(f"{seed}/{number}")
        yield f"p{seed}-{number:05d}", *_one_plan(seeds, pool, rng, number)


def _one_plan(seeds: Sequence[Plan], pool: Sequence[tuple[int, Task]], rng: random.Random,
              number: int) -> tuple[Plan, dict[TaskKey, Origin]]:
    first = rng.randrange(len(seeds))
    picked = [first]
    if len(seeds) > 1 and rng.random() < PAIR_SHARE:
        picked.append(rng.choice([s for s in range(len(seeds)) if s != first]))
    tasks: list[tuple[int, Task]] = []
    offsets: dict[str, int] = {}
    for s in picked:
        shift = dict(offsets)
        for task in seeds[s].tasks:
            tasks.append((s, _renumber(task, shift.get(task.part, 0))))
            top = to_int(task.path[0]) if task.path else None
            offsets[task.part] = max(offsets.get(task.part, 0), shift.get(task.part, 0) + (top or 0))
    origins = {TaskKey.of(t): Origin(s, TaskKey.of(seeds[s].tasks[i - _start(seeds, picked, s)]), "kept")
               for i, (s, t) in enumerate(tasks)}
    tasks, origins = _reorder(tasks, origins, rng)
    drop = rng.uniform(0.10, 0.20)
    kept = [(s, t) for s, t in tasks if rng.random() >= drop]
    reword = rng.uniform(0.3, 0.7)
    years = rng.choice((-2, -1, 0, 1, 2))
    out: list[Task] = []
    for _, task in kept:
        key = TaskKey.of(task)
        if rng.random() < reword:
            changed = _reword(task, rng)
            if changed is not task:
                origins[key] = replace(origins[key], kind="reworded")
                task = changed
        out.append(_move_figures(task, years, rng))
    added = _splice(out, pool, rng, rng.randint(2, 6))
    for task in added:
        origins[TaskKey.of(task)] = Origin(-1, None, "spliced")
    out = _in_section_order(out + added)
    keys = {TaskKey.of(t) for t in out}
    base = seeds[first]
    meta = replace(base.meta, title=f"{base.meta.title or '实施方案'}（模拟{number}）")
    plan = Plan(meta=meta, headings=base.headings, tasks=tuple(out), source=f"generated/{number}",
                script=base.script)
    return plan, {k: o for k, o in origins.items() if k in keys}


def _start(seeds: Sequence[Plan], picked: list[int], s: int) -> int:
    """Where sample ``s``'s tasks start in the concatenation (a sample is picked at most once)."""
    start = 0
    for p in picked:
        if p == s:
            return start
        start += len(seeds[p].tasks)
    raise ValueError(s)


def _renumber(task: Task, offset: int) -> Task:
    """The second sample's top-level sections continue the first's numbering (一…五 then 六…)."""
    if not offset or not task.path:
        return task
    top = to_int(task.path[0])
    label = _chinese(top + offset) if top is not None else f"乙{task.path[0]}"
    return replace(task, path=(label, *task.path[1:]))


def _reorder(tasks: list[tuple[int, Task]], origins: dict[TaskKey, Origin],
             rng: random.Random) -> tuple[list[tuple[int, Task]], dict[TaskKey, Origin]]:
    """Shuffle tasks within each section; a moved task takes the number of the place it moves to."""
    sections: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for i, (_, t) in enumerate(tasks):
        sections.setdefault((t.part, t.path[:-1]), []).append(i)
    result = list(tasks)
    moved: dict[TaskKey, Origin] = {}
    for places in sections.values():
        order = list(places)
        if rng.random() < 0.5:
            rng.shuffle(order)
        for place, source in zip(places, order, strict=True):
            s, task = tasks[source]
            new = replace(task, path=tasks[place][1].path)
            result[place] = (s, new)
            moved[TaskKey.of(new)] = origins[TaskKey.of(task)]
    return result, moved


@dataclass(frozen=True)
class _Table:
    pattern: re.Pattern[str]
    partners: dict[str, tuple[str, ...]]


def _table(traditional: bool) -> _Table:
    partners: dict[str, list[str]] = {}
    for a, b in SYNONYMS:
        if traditional:
            a, b = to_traditional(a), to_traditional(b)
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    words = sorted(partners, key=len, reverse=True)
    return _Table(re.compile("|".join(map(re.escape, words))), {w: tuple(p) for w, p in partners.items()})


_TABLES = {False: _table(False), True: _table(True)}


def _reword(task: Task, rng: random.Random) -> Task:
    """Replace most synonym-table words in the title and text; the same task back when none occur."""
    table = _TABLES[is_traditional(task.text)]

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        return rng.choice(table.partners[word]) if rng.random() < 0.7 else word

    title = table.pattern.sub(swap, task.title) if task.title else task.title
    text = table.pattern.sub(swap, task.text)
    if title == task.title and text == task.text:
        return task
    return replace(task, title=title, text=text)


_YEAR = re.compile(r"20[0-3]\d(?=\s*年)")


def _move_figures(task: Task, years: int, rng: random.Random) -> Task:
    """Move years by the plan's shift and nudge percentages below 100, in the text and the parsed values."""
    changes: dict[str, object] = {}
    if years:
        def shift(match: re.Match[str]) -> str:
            return str(int(match.group(0)) + years)

        changes["text"] = _YEAR.sub(shift, task.text)
        if task.title:
            changes["title"] = _YEAR.sub(shift, task.title)
        changes["deadlines"] = tuple(
            replace(d, text=_YEAR.sub(shift, d.text), date=_shift_date(d.date, years)) for d in task.deadlines)
    text = str(changes.get("text", task.text))
    targets = []
    for target in task.targets:
        value = target.value
        if target.unit == "%" and isinstance(value, float) and 10 <= value < 100 and value.is_integer():
            new = int(min(99, max(10, value + rng.randint(-5, 5))))
            old_number = str(int(value))
            pattern = re.compile(rf"(?<!\d){old_number}(?=\s*[%％])")
            text = pattern.sub(str(new), text, count=1)
            target = replace(target, value=float(new), text=pattern.sub(str(new), target.text, count=1))
        targets.append(target)
    if text != task.text:
        changes["text"] = text
    if targets != list(task.targets):
        changes["targets"] = tuple(targets)
    return replace(task, **changes) if changes else task  # type: ignore[arg-type]


def _shift_date(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_SENTENCE = re.compile(r"[^。；]+[。；]")
_CLAUSE = re.compile(r"[〔（(【][^〔（(【]*(?:单位|單位)")


def _splice(tasks: list[Task], pool: Sequence[tuple[int, Task]], rng: random.Random, count: int) -> list[Task]:
    """New tasks made of two sentences from other tasks, placed at the end of random sections."""
    if not tasks:
        return []
    used = {(t.part, t.path) for t in tasks}
    added: list[Task] = []
    for _ in range(count):
        sentences = []
        for _ in range(2):
            _, donor = rng.choice(pool)
            found = [s for s in _SENTENCE.findall(donor.text) if not _CLAUSE.search(s) and len(s) > 8]
            if found:
                sentences.append(rng.choice(found))
        if not sentences:
            continue
        neighbour = rng.choice(tasks)
        path = _next_path(neighbour.path, {p for part, p in used if part == neighbour.part})
        used.add((neighbour.part, path))
        added.append(Task(part=neighbour.part, path=path, title=None, text="".join(sentences),
                          line=neighbour.line))
    return added


_LABEL = re.compile(r"^([（(]?)(.+?)([）)]?)$")


def _next_path(path: tuple[str, ...], used: set[tuple[str, ...]]) -> tuple[str, ...]:
    """The first free number after ``path`` in its section, printed in the section's style."""
    match = _LABEL.match(path[-1]) if path else None
    start = to_int(match.group(2)) if match else None
    if match is None or start is None:
        n = 1
        while (*path[:-1], f"补{n}") in used:
            n += 1
        return (*path[:-1], f"补{n}")
    digits = match.group(2).isdigit()
    n = start + 1
    while True:
        label = f"{match.group(1)}{n if digits else _chinese(n)}{match.group(3)}"
        if (*path[:-1], label) not in used:
            return (*path[:-1], label)
        n += 1


def _in_section_order(tasks: list[Task]) -> list[Task]:
    """Tasks in document order: sections as first met, numbers ascending within a section."""
    first: dict[tuple[str, tuple[str, ...]], int] = {}
    for i, t in enumerate(tasks):
        first.setdefault((t.part, t.path[:-1]), i)

    def key(t: Task) -> tuple[int, int]:
        match = _LABEL.match(t.path[-1]) if t.path else None
        n = to_int(match.group(2)) if match else None
        return first[(t.part, t.path[:-1])], n if n is not None else 10_000

    return sorted(tasks, key=key)


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1–99 as printed in section numbering: 一, 十, 十二, 二十三."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


# ---------------------------------------------------------------- one plan from one sample (the data generator)

def derive_plan(base: Plan, *, seed: str, rename: Mapping[str, str], period: tuple[int, int] | None = None,
                title: str | None = None) -> Plan:
    """``base`` as a neighbouring jurisdiction's plan would read: place names replaced (``rename``, old → new;
    equal lengths keep the source spans valid), tasks reordered within their sections, some reworded, 10–20%
    dropped, a few spliced from the others' sentences, percentages nudged, and its years moved so that its
    period starts at ``period[0]`` (the period itself becomes ``period``). The same for the same seed."""
    rng = random.Random(seed)
    plan = rename_places(base, rename)
    years = period[0] - base.meta.period[0] if period and base.meta.period else 0
    keyed = [(0, t) for t in plan.tasks]
    origins = {TaskKey.of(t): Origin(0, TaskKey.of(t), "kept") for t in plan.tasks}
    reordered, _ = _reorder(keyed, origins, rng)
    drop = rng.uniform(0.10, 0.20)
    reword = rng.uniform(0.3, 0.7)
    out = [_move_figures(_reword(t, rng) if rng.random() < reword else t, years, rng)
           for _, t in reordered if rng.random() >= drop]
    out = _in_section_order(out + _splice(out, keyed, rng, rng.randint(1, 4)))
    return replace(plan, tasks=tuple(out), meta=_moved_meta(plan.meta, years, period, title))


_ANY_YEAR = re.compile(r"(?<!\d)20[0-3]\d(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)(20[0-3]\d)(\s*[—\-－–~至到]\s*)(20[0-3]\d)(?!\d)")


def _moved_meta(meta: PlanMeta, years: int, period: tuple[int, int] | None, title: str | None) -> PlanMeta:
    """The plan's title, document number and date moved by ``years``; a printed year range becomes ``period``."""
    def shift(match: re.Match[str]) -> str:
        return str(int(match.group(0)) + years)

    def span(match: re.Match[str]) -> str:
        assert period is not None
        return f"{period[0]}{match.group(2)}{period[1]}"

    new_title = title or meta.title or ""
    new_title = _YEAR_RANGE.sub(span, new_title) if period else new_title
    if not (period and _YEAR_RANGE.search(new_title)):
        new_title = _ANY_YEAR.sub(shift, new_title)
    return replace(meta, title=new_title or None, period=period or meta.period, date=_shift_date(meta.date, years),
                   doc_number=_ANY_YEAR.sub(shift, meta.doc_number) if meta.doc_number else meta.doc_number)


def rename_places(plan: Plan, rename: Mapping[str, str]) -> Plan:
    """Every place name of ``rename`` (old → new) replaced in the plan's metadata, headings, tasks, unit names,
    deadlines and targets; in a traditional-script plan the traditional forms are replaced too."""
    table = dict(rename)
    if plan.script == "hant":
        table.update({to_traditional(old): to_traditional(new) for old, new in rename.items()})
    if not table:
        return plan
    pattern = re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True))))

    def sub(text: str) -> str:
        return pattern.sub(lambda m: table[m.group(0)], text)

    meta = replace(plan.meta, title=sub(plan.meta.title) if plan.meta.title else plan.meta.title,
                   jurisdiction=sub(plan.meta.jurisdiction) if plan.meta.jurisdiction else plan.meta.jurisdiction,
                   issuers=tuple(sub(i) for i in plan.meta.issuers), parents=tuple(sub(p) for p in plan.meta.parents))
    headings = tuple(_renamed_heading(h, sub) for h in plan.headings)
    return replace(plan, meta=meta, headings=headings, tasks=tuple(_renamed_task(t, sub) for t in plan.tasks))


def _renamed_heading(heading: Heading, sub: _Sub) -> Heading:
    return replace(heading, title=sub(heading.title))


def _renamed_task(task: Task, sub: _Sub) -> Task:
    units = tuple(_renamed_unit(u, sub) for u in task.units)
    deadlines = tuple(_renamed_deadline(d, sub) for d in task.deadlines)
    targets = tuple(_renamed_target(t, sub) for t in task.targets)
    return replace(task, title=sub(task.title) if task.title else task.title, text=sub(task.text), units=units,
                   deadlines=deadlines, targets=targets)


def _renamed_unit(unit: UnitRef, sub: _Sub) -> UnitRef:
    return replace(unit, name=sub(unit.name), resolved=sub(unit.resolved) if unit.resolved else unit.resolved)


def _renamed_deadline(deadline: Deadline, sub: _Sub) -> Deadline:
    return replace(deadline, text=sub(deadline.text))


def _renamed_target(target: Target, sub: _Sub) -> Target:
    return replace(target, text=sub(target.text), metric=sub(target.metric))
