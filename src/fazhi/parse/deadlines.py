"""Deadlines: one-off dates, recurring rules and standing duties, from the wording of 公文.

Dates are resolved against the plan's own year (``plan_year``, for an annual plan) and
never against today's date. A month or 年内 with no year in a multi-year plan cannot
be resolved and is kept as ``UNRESOLVED`` rather than guessed.

  2022年底前 / 2022 年年底前 / 到2025年 / 2023年前 / 2023年实现…  → that year's 12-31
  2024年6月底前 / 2024年上半年 / 2024年第三季度前             → last day of that month/half/quarter
  6月底前 / 9月30日前 / 年内 / 年底前 (annual plan)             → in the plan year
  “十四五”期间 / 十四五末                                       → last day of that five-year plan
  每年3月1日前 / 每年年底 / 每季度 / 每月 / 每半年 / 每2年        → recurring rules
  长期坚持 / 持续推进 / 常态化 (as a deadline)                  → standing duty
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from fazhi.model import Deadline, DeadlineKind, Precision, Recurrence, SourceSpan
from fazhi.numerals import to_int

_NUM = r"(?:\d+|[一二三四五六七八九十两]+)"
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年"
_BEFORE = r"(?:前|以前|之前)"
_GUARD_AFTER = r"(?![度以起开份级至—\-－~～])"

_ONE_OFF = [
    # 2024年6月30日前, 2024年6月底前, 2024年6月前
    re.compile(rf"(?:到|在|于)?{_YEAR}\s*(?P<month>\d{{1,2}})\s*月\s*(?:(?P<day>\d{{1,2}})\s*日|(?P<end>底|末))?\s*{_BEFORE}?"),
    # 2024年上半年 / 下半年
    re.compile(rf"(?:到|在|于)?{_YEAR}\s*(?P<half>上半年|下半年)(?:底|末)?{_BEFORE}?"),
    # 2024年第三季度前 / 2024年三季度末
    re.compile(rf"(?:到|在|于)?{_YEAR}\s*第?(?P<quarter>[一二三四1-4])\s*季度(?:末|底)?{_BEFORE}?"),
    # 2022年底前, 2022 年年底前, 2022年末, 2023年前, 到2025年, 2023年实现…
    re.compile(rf"(?P<to>到|至|在|于)?{_YEAR}(?P<rest>\s*(?:年?\s*(?:底|末)\s*{_BEFORE}?|{_BEFORE}|内|)){_GUARD_AFTER}"),
]
_FIVE_YEAR = re.compile(r"[“\"]?(?P<n>十[一二三四五六七八九]|[一二三四五六七八九十]+)五[”\"]?\s*(?:期间|时期|末|内)")
_RELATIVE = re.compile(
    rf"(?<![一二三两四五六七八九十\d每])(?P<yearly>年内|年底前|年底|年末|当年|本年度内)|(?<![每年\d])(?P<month>\d{{1,2}})\s*月\s*(?:(?P<day>\d{{1,2}})\s*日|(?P<end>底|末))?\s*{_BEFORE}")
_RECURRING = [
    (re.compile(rf"每年(?:的)?\s*(?P<month>\d{{1,2}})\s*月\s*(?:(?P<day>\d{{1,2}})\s*日|(?P<end>底|末))?\s*{_BEFORE}?"), Recurrence.YEARLY),
    (re.compile(r"每年(?:的)?\s*(?:年底|年末|年终|底)"), Recurrence.YEARLY),
    (re.compile(r"每(?:个)?季度"), Recurrence.QUARTERLY),
    (re.compile(r"每(?:个)?月"), Recurrence.MONTHLY),
    (re.compile(r"每半年"), Recurrence.HALF_YEARLY),
    (re.compile(rf"每(?P<n>{_NUM})年"), Recurrence.BIENNIAL),
]
_STANDING = re.compile(r"长期坚持|长期推进|持续推进|持续开展|常态化(?:推进|开展)?|长期")
# Words after a bare "2023年" that make it a time limit rather than part of a name or a scope.
_BARE_YEAR_GOAL = re.compile(r"\s*(?:[,，]|实现|完成|建成|基本|全面|力争|达到|前|底|末|内|要|起步|初步|争取|所有|各|全|将)")
_BARE_YEAR_BLOCKERS = re.compile(r"(?:开展|对|自|从|是|为|在|至|和|与|的|及|、|—|-)\s*$")


def find_deadlines(view: str, plan_year: int | None, *, standing_only_as_value: bool = True) -> list[Deadline]:
    found: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for finder in (_recurring, _five_year, _one_off, _relative):
        for deadline in finder(view, plan_year):
            span = (deadline.span.start, deadline.span.end)
            if not any(a < span[1] and span[0] < b for a, b in taken):
                found.append(deadline)
                taken.append(span)
    if not standing_only_as_value:
        found.extend(_standing(view, taken))
    return sorted(found, key=lambda d: d.span.start)


def standing_deadline(text: str) -> Deadline | None:
    """A deadline cell or clause that is itself a standing duty: "长期坚持"."""
    match = _STANDING.search(text)
    if match and len(text.strip()) <= 12:
        return Deadline(match.group(), DeadlineKind.STANDING, _span(match))
    return None


def _span(match: re.Match[str]) -> SourceSpan:
    return SourceSpan(0, match.start(), match.end())


def _recurring(view: str, plan_year: int | None) -> list[Deadline]:
    out = []
    for pattern, rule in _RECURRING:
        for match in pattern.finditer(view):
            groups = match.groupdict()
            if rule is Recurrence.BIENNIAL:
                n = _int(groups["n"])
                if n is None or n < 2:
                    continue
                out.append(Deadline(match.group(), DeadlineKind.RECURRING, _span(match), recurring=rule))
                continue
            if rule is Recurrence.YEARLY:
                month_day = _month_day(groups) if groups.get("month") else "12-31"
                out.append(Deadline(match.group(), DeadlineKind.RECURRING, _span(match), recurring=rule,
                                    month_day=month_day))
                continue
            out.append(Deadline(match.group(), DeadlineKind.RECURRING, _span(match), recurring=rule))
    out.extend(_governed_by_each_year(view, out))
    return out


def _governed_by_each_year(view: str, yearly: list[Deadline]) -> list[Deadline]:
    """"每年3月1日前…，4月1日前…": a month-day later in the same sentence is yearly too."""
    out = []
    for deadline in yearly:
        if deadline.recurring is not Recurrence.YEARLY or deadline.month_day == "12-31":
            continue
        sentence_end = _sentence_end(view, deadline.span.end)
        for match in _RELATIVE.finditer(view, deadline.span.end, sentence_end):
            if match.group("month"):
                out.append(Deadline(match.group(), DeadlineKind.RECURRING, _span(match),
                                    recurring=Recurrence.YEARLY, month_day=_month_day(match.groupdict())))
    return out


def _sentence_end(view: str, start: int) -> int:
    match = re.compile(r"[。；;\n]").search(view, start)
    return match.start() if match else len(view)


def _five_year(view: str, plan_year: int | None) -> list[Deadline]:
    out = []
    for match in _FIVE_YEAR.finditer(view):
        n = _int(match.group("n"))
        if n is None or n < 6:
            continue
        end_year = 1981 + 5 * (n - 6) + 4  # the sixth five-year plan ran 1981–1985
        out.append(Deadline(match.group(), DeadlineKind.ONE_OFF, _span(match), date(end_year, 12, 31),
                            Precision.YEAR))
    return out


def _one_off(view: str, plan_year: int | None) -> list[Deadline]:
    out: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for pattern in _ONE_OFF:
        for match in pattern.finditer(view):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            deadline = _one_off_from(match, view)
            if deadline is not None:
                out.append(deadline)
                taken.append((match.start(), match.end()))
    return out


def _one_off_from(match: re.Match[str], view: str) -> Deadline | None:
    groups = match.groupdict()
    if re.match(r"\s*(?:起|开始)", view[match.end() : match.end() + 3]):
        return None  # 自2024年1月1日起施行: an effective date, not a time limit
    year = int(groups["year"])
    text = match.group().strip()
    if groups.get("month"):
        day = _last_or_given_day(year, int(groups["month"]), groups.get("day"))
        if day is None:
            return None
        precision = Precision.DAY if groups.get("day") else Precision.MONTH
        return Deadline(text, DeadlineKind.ONE_OFF, _span(match), day, precision)
    if groups.get("half"):
        month = 6 if groups["half"] == "上半年" else 12
        return Deadline(text, DeadlineKind.ONE_OFF, _span(match), _month_end(year, month), Precision.MONTH)
    if groups.get("quarter"):
        quarter = _int(groups["quarter"]) or 4
        return Deadline(text, DeadlineKind.ONE_OFF, _span(match), _month_end(year, 3 * quarter), Precision.MONTH)
    if not groups.get("to") and not groups.get("rest", "").strip() and not _bare_year_is_deadline(match, view):
        return None
    if _in_year_range(match, view):
        return None
    return Deadline(text, DeadlineKind.ONE_OFF, _span(match), date(year, 12, 31), Precision.YEAR)


def _bare_year_is_deadline(match: re.Match[str], view: str) -> bool:
    """"2023年实现…" or "2023年，全面推行…" is a time limit; "开展2024年监管执法专项行动" names a campaign."""
    before = view[max(0, match.start() - 4) : match.start()]
    if _BARE_YEAR_BLOCKERS.search(before):
        return False
    return bool(_BARE_YEAR_GOAL.match(view, match.end()))


def _in_year_range(match: re.Match[str], view: str) -> bool:
    """（2023—2025年） names a period; it is not a time limit."""
    before = view[max(0, match.start() - 6) : match.start()]
    return bool(re.search(r"\d{4}\s*年?\s*[—\-－~～至到]\s*$", before)) or bool(
        re.match(r"\s*[—\-－~～]\s*\d{4}", view[match.end() - 1 : match.end() + 6]))


def _relative(view: str, plan_year: int | None) -> list[Deadline]:
    out = []
    for match in _RELATIVE.finditer(view):
        groups = match.groupdict()
        text = match.group()
        if plan_year is None:
            out.append(Deadline(text, DeadlineKind.UNRESOLVED, _span(match)))
            continue
        if groups.get("yearly"):
            out.append(Deadline(text, DeadlineKind.ONE_OFF, _span(match), date(plan_year, 12, 31), Precision.YEAR))
            continue
        day = _last_or_given_day(plan_year, int(groups["month"]), groups.get("day"))
        if day is not None:
            precision = Precision.DAY if groups.get("day") else Precision.MONTH
            out.append(Deadline(text, DeadlineKind.ONE_OFF, _span(match), day, precision))
    return out


def _standing(view: str, taken: list[tuple[int, int]]) -> list[Deadline]:
    return [Deadline(m.group(), DeadlineKind.STANDING, _span(m)) for m in _STANDING.finditer(view)
            if not any(a <= m.start() < b for a, b in taken)]


def _month_day(groups: dict[str, str | None]) -> str:
    month = int(groups["month"] or 12)
    if groups.get("day"):
        return f"{month:02d}-{int(groups['day'] or 1):02d}"
    return f"{month:02d}-{calendar.monthrange(2001, month)[1]:02d}"


def _last_or_given_day(year: int, month: int, day: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    if day is None:
        return _month_end(year, month)
    try:
        return date(year, month, int(day))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _int(text: str | None) -> int | None:
    return to_int(text) if text else None
